/**
 * The Gallery resource as Galleries - Get (api-version 2025-03-03) returns it on the wire.
 *
 * Every field is optional: the spec marks only `location` required, and the live service leaves out
 * what a gallery does not have. Enum-like strings are typed `string` because ARM marks them
 * `modelAsString` (new values may arrive without a new api-version) and they must pass through untouched.
 */
export interface ArmGallery {
  id?: string;
  name?: string;
  type?: string;
  location?: string;
  tags?: Record<string, string>;
  identity?: ArmGalleryIdentity;
  properties?: ArmGalleryProperties;
  systemData?: ArmSystemData;
}

export interface ArmGalleryProperties {
  description?: string;
  identifier?: { uniqueName?: string };
  provisioningState?: string;
  sharingProfile?: ArmSharingProfile;
  softDeletePolicy?: { isSoftDeleteEnabled?: boolean };
  sharingStatus?: ArmSharingStatus;
}

export interface ArmSharingProfile {
  permissions?: string;
  groups?: ArmSharingProfileGroup[];
  communityGalleryInfo?: ArmCommunityGalleryInfo;
}

export interface ArmSharingProfileGroup {
  type?: string;
  ids?: string[];
}

export interface ArmCommunityGalleryInfo {
  publisherUri?: string;
  publisherContact?: string;
  eula?: string;
  publicNamePrefix?: string;
  communityGalleryEnabled?: boolean;
  publicNames?: string[];
}

export interface ArmSharingStatus {
  aggregatedState?: string;
  summary?: { region?: string; state?: string; details?: string }[];
}

export interface ArmGalleryIdentity {
  principalId?: string;
  tenantId?: string;
  type?: string;
  userAssignedIdentities?: Record<string, { principalId?: string; clientId?: string }>;
}

export interface ArmSystemData {
  /** Who created the gallery (a user, an application or an identity). */
  createdBy?: string;
  /** `User`, `Application`, `ManagedIdentity` or `Key`. */
  createdByType?: string;
  /** When it was created (ISO 8601). */
  createdAt?: string;
  /** Who changed it last. */
  lastModifiedBy?: string;
  /** `User`, `Application`, `ManagedIdentity` or `Key`. */
  lastModifiedByType?: string;
  /** When it was changed last (ISO 8601). */
  lastModifiedAt?: string;
}
