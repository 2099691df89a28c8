import type * as pulumi from "@pulumi/pulumi";
import type { ArmCommunityGalleryInfo, ArmSystemData } from "./armGallery";

/** Names of the Azure clouds this package knows (other spellings are accepted: see `gallery/clouds.ts`). */
export type CloudName = "public" | "usgovernment" | "china";

/** What Galleries - Get is asked besides the gallery: ARM's optional `$select` and `$expand`. */
export interface GalleryQuery {
  /** `"Permissions"` sends `$select=Permissions`. */
  select?: GallerySelect;
  /** `"SharingProfile/Groups"` sends `$expand=SharingProfile/Groups`. */
  expand?: GalleryExpand;
}

/** The one value `select` accepts: ARM's `$select=Permissions`. */
export type GallerySelect = "Permissions";
/** The one value `expand` accepts: ARM's `$expand=SharingProfile/Groups`, which adds `sharingProfile.groups`. */
export type GalleryExpand = "SharingProfile/Groups";

/** Which gallery to look up, and how. Plain values: see {@link GalleryLookupArgs} for the `Input` form. */
export interface GalleryLookupPlainArgs {
  /** Name of the resource group that holds the gallery (1-90 characters, case-insensitive). */
  resourceGroupName: string;
  /** Name of the gallery (1-80 characters: letters, digits, `_`, `-`, `.`; not ending in `-` or `.`). */
  galleryName: string;
  /**
   * Subscription id (a GUID). Default: stack config `azure-native:subscriptionId`, then the
   * environment variables `ARM_SUBSCRIPTION_ID`, then `AZURE_SUBSCRIPTION_ID`.
   */
  subscriptionId?: string;
  /** `"Permissions"` sends `$select=Permissions`. */
  select?: GallerySelect;
  /** `"SharingProfile/Groups"` sends `$expand=SharingProfile/Groups`, so that the sharing groups are returned. */
  expand?: GalleryExpand;
  /**
   * The Azure cloud: `public` (default), `usgovernment` or `china`. Default: stack config
   * `azure-native:environment`, then the environment variables `ARM_ENVIRONMENT`, `AZURE_ENVIRONMENT`.
   */
  environment?: CloudName;
}

/** Arguments of {@link GalleryLookup}: each may be a `pulumi.Input`. */
export type GalleryLookupArgs = {
  [K in keyof GalleryLookupPlainArgs]: pulumi.Input<GalleryLookupPlainArgs[K]>;
};

/** A managed identity the gallery uses, keyed by its ARM id in {@link GalleryIdentity.userAssignedIdentities}. */
export interface UserAssignedIdentity {
  /** Object id of the identity's service principal: what role assignments name. */
  principalId?: string;
  /** Application (client) id of the identity. */
  clientId?: string;
}

/** The gallery's managed identity. */
export interface GalleryIdentity {
  /** `SystemAssigned`, `UserAssigned`, `SystemAssigned, UserAssigned` or `None`. */
  type?: string;
  /** Object id of the system-assigned identity. */
  principalId?: string;
  /** Tenant of the system-assigned identity. */
  tenantId?: string;
  /** User-assigned identities, keyed by their ARM resource id. */
  userAssignedIdentities?: Record<string, UserAssignedIdentity>;
}

/** One group the gallery is shared with. `ids` are sorted. */
export interface SharingProfileGroup {
  /** `Subscriptions` or `AADTenants`. */
  type?: string;
  /** Subscription or tenant ids, sorted. */
  ids?: string[];
}

/** Community gallery information, when the gallery is shared to the community. */
export interface CommunityGalleryInfo extends ArmCommunityGalleryInfo {
  /** The names under which the community sees the gallery, sorted. */
  publicNames?: string[];
}

/** Whom the gallery is shared with. */
export interface SharingProfile {
  /** `Private`, `Groups` or `Community`. */
  permissions?: string;
  /** Returned only with `expand: "SharingProfile/Groups"`. Sorted by type, then ids. */
  groups?: SharingProfileGroup[];
  /** Present when the gallery is shared with the community. */
  communityGalleryInfo?: CommunityGalleryInfo;
}

/** How far the gallery's sharing has reached its regions. */
export interface SharingStatus {
  /** `Succeeded`, `InProgress`, `Failed` or `Unknown`. */
  aggregatedState?: string;
  /** The state of sharing per region, with ARM's details when it failed. */
  summary?: { region?: string; state?: string; details?: string }[];
}

/** Whether images deleted from the gallery are kept for recovery. */
export interface SoftDeletePolicy {
  /** `true` when soft delete is on. */
  isSoftDeleteEnabled?: boolean;
}

/** ARM's record of who created and last changed the gallery, as ARM returns it. */
export type SystemData = ArmSystemData;

/**
 * What a lookup observed. A field the service did not return is absent (never `null`), and every
 * list of ids is sorted, so that a reordering by the service is not drift.
 */
export interface GalleryObservation {
  /** The gallery's ARM resource id, as the service spells it. */
  resourceId?: string;
  /** The gallery's name as the service spells it. */
  name?: string;
  /** `Microsoft.Compute/galleries`. */
  type?: string;
  /** The gallery's Azure region. */
  location?: string;
  /** The gallery's resource tags. */
  tags?: Record<string, string>;
  /** The gallery's description. */
  description?: string;
  /** Whether the gallery is ready: `Succeeded`, `Creating`, `Updating`, `Failed`, `Deleting` or `Migrating`. */
  provisioningState?: string;
  /** `properties.identifier.uniqueName`: `{subscriptionId}-{GALLERYNAME}`, the name other tenants see. */
  uniqueName?: string;
  /** The gallery's managed identity. */
  identity?: GalleryIdentity;
  /** `identity.principalId`, lifted for role assignments. */
  principalId?: string;
  /** Whom the gallery is shared with. */
  sharingProfile?: SharingProfile;
  /** `sharingProfile.permissions`, lifted. */
  permissions?: string;
  /** Ids of the `Subscriptions` sharing groups, sorted; present only when groups were returned. */
  sharedSubscriptionIds?: string[];
  /** Ids of the `AADTenants` sharing groups, sorted; present only when groups were returned. */
  sharedTenantIds?: string[];
  /** `sharingProfile.communityGalleryInfo`, lifted. */
  communityGalleryInfo?: CommunityGalleryInfo;
  /** `sharingProfile.communityGalleryInfo.publicNames`, sorted. */
  communityPublicNames?: string[];
  /** How far sharing has reached the gallery's regions. */
  sharingStatus?: SharingStatus;
  /** Whether deleted images are kept for recovery. */
  softDeletePolicy?: SoftDeletePolicy;
  /** Who created and last changed the gallery, when ARM returns it. */
  systemData?: SystemData;
}

/** The result of {@link getGallery}: the observation, the arguments as resolved, and the ARM `id`. */
export interface GalleryLookupResult extends GalleryObservation {
  /** The gallery's ARM resource id. */
  id: string;
  /** The resource group, as given. */
  resourceGroupName: string;
  /** The gallery name, as given. */
  galleryName: string;
  /** The subscription looked in, as given or defaulted. */
  subscriptionId: string;
  /** The `select` sent, if any. */
  select?: GallerySelect;
  /** The `expand` sent, if any. */
  expand?: GalleryExpand;
  /** The cloud looked in, when given or defaulted. */
  environment?: CloudName;
}

/** Identifies one gallery in ARM. */
export interface GalleryReference {
  /** Subscription id (a GUID). */
  subscriptionId: string;
  /** Resource group name. */
  resourceGroupName: string;
  /** Gallery name. */
  galleryName: string;
}
