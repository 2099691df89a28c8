import { GALLERY_API_VERSION } from "./apiVersion";
import { InvalidResponseError } from "../errors/InvalidResponseError";
import type {
  CommunityGalleryInfo,
  GalleryIdentity,
  GalleryObservation,
  SharingProfile,
  SharingProfileGroup,
  SharingStatus,
  SystemData,
} from "../types/lookup";

/**
 * Reads a Galleries - Get body field by field. A field of the wrong type is recorded (and the lookup
 * fails with one message listing them all); a missing or null field is simply left out; fields this
 * package does not know are ignored; enum-like strings pass through whatever their value.
 */
class BodyReader {
  readonly problems: string[] = [];

  object(value: unknown, path: string): Record<string, unknown> | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    this.problems.push(`${path} is ${describe(value)}, not an object`);
    return undefined;
  }

  string(value: unknown, path: string): string | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    this.problems.push(`${path} is ${describe(value)}, not a string`);
    return undefined;
  }

  boolean(value: unknown, path: string): boolean | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value === "boolean") return value;
    this.problems.push(`${path} is ${describe(value)}, not a boolean`);
    return undefined;
  }

  array<T>(value: unknown, path: string, item: (v: unknown, p: string) => T | undefined): T[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.problems.push(`${path} is ${describe(value)}, not an array`);
      return undefined;
    }
    return value.map((v, i) => item(v, `${path}[${i}]`)).filter((v): v is T => v !== undefined);
  }

  /** Sorted, so that the service listing the same ids in another order is not drift. */
  sortedStrings(value: unknown, path: string): string[] | undefined {
    return this.array(value, path, (v, p) => this.string(v, p))?.sort(compareText);
  }

  stringMap(value: unknown, path: string): Record<string, string> | undefined {
    const map = this.object(value, path);
    if (!map) return undefined;
    return compact(
      Object.fromEntries(Object.entries(map).map(([k, v]) => [k, this.string(v, `${path}.${k}`)])) as Record<
        string,
        string
      >,
    );
  }
}

function describe(value: unknown): string {
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Drops the keys whose value is undefined; returns undefined when nothing is left. */
function compact<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length === 0 ? undefined : (Object.fromEntries(entries) as T);
}

function readIdentity(r: BodyReader, value: unknown): GalleryIdentity | undefined {
  const identity = r.object(value, "identity");
  if (!identity) return undefined;
  const users = r.object(identity.userAssignedIdentities, "identity.userAssignedIdentities");
  return compact({
    type: r.string(identity.type, "identity.type"),
    principalId: r.string(identity.principalId, "identity.principalId"),
    tenantId: r.string(identity.tenantId, "identity.tenantId"),
    userAssignedIdentities:
      users &&
      Object.fromEntries(
        Object.entries(users).map(([id, v]) => {
          const path = `identity.userAssignedIdentities['${id}']`;
          const user = r.object(v, path) ?? {};
          return [
            id,
            compact({
              principalId: r.string(user.principalId, `${path}.principalId`),
              clientId: r.string(user.clientId, `${path}.clientId`),
            }) ?? {},
          ];
        }),
      ),
  });
}

function readCommunityInfo(r: BodyReader, value: unknown): CommunityGalleryInfo | undefined {
  const path = "properties.sharingProfile.communityGalleryInfo";
  const info = r.object(value, path);
  if (!info) return undefined;
  return compact({
    publisherUri: r.string(info.publisherUri, `${path}.publisherUri`),
    publisherContact: r.string(info.publisherContact, `${path}.publisherContact`),
    eula: r.string(info.eula, `${path}.eula`),
    publicNamePrefix: r.string(info.publicNamePrefix, `${path}.publicNamePrefix`),
    communityGalleryEnabled: r.boolean(info.communityGalleryEnabled, `${path}.communityGalleryEnabled`),
    publicNames: r.sortedStrings(info.publicNames, `${path}.publicNames`),
  });
}

function readSharingProfile(r: BodyReader, value: unknown): SharingProfile | undefined {
  const profile = r.object(value, "properties.sharingProfile");
  if (!profile) return undefined;
  const groups = r.array(profile.groups, "properties.sharingProfile.groups", (v, p) => {
    const group = r.object(v, p);
    return (
      group &&
      (compact({ type: r.string(group.type, `${p}.type`), ids: r.sortedStrings(group.ids, `${p}.ids`) }) ??
        {})
    );
  });
  return compact({
    permissions: r.string(profile.permissions, "properties.sharingProfile.permissions"),
    groups: groups?.sort((a: SharingProfileGroup, b: SharingProfileGroup) =>
      compareText(`${a.type ?? ""}\n${(a.ids ?? []).join()}`, `${b.type ?? ""}\n${(b.ids ?? []).join()}`),
    ),
    communityGalleryInfo: readCommunityInfo(r, profile.communityGalleryInfo),
  });
}

function readSharingStatus(r: BodyReader, value: unknown): SharingStatus | undefined {
  const status = r.object(value, "properties.sharingStatus");
  if (!status) return undefined;
  const summary = r.array<NonNullable<SharingStatus["summary"]>[number]>(
    status.summary,
    "properties.sharingStatus.summary",
    (v, p) => {
      const item = r.object(v, p);
      return (
        item &&
        (compact({
          region: r.string(item.region, `${p}.region`),
          state: r.string(item.state, `${p}.state`),
          details: r.string(item.details, `${p}.details`),
        }) ??
          {})
      );
    },
  );
  return compact({
    aggregatedState: r.string(status.aggregatedState, "properties.sharingStatus.aggregatedState"),
    summary: summary?.sort((a, b) => compareText(a.region ?? "", b.region ?? "")),
  });
}

function readSystemData(r: BodyReader, value: unknown): SystemData | undefined {
  const data = r.object(value, "systemData");
  if (!data) return undefined;
  const field = (key: keyof SystemData) => r.string(data[key], `systemData.${key}`);
  return compact({
    createdBy: field("createdBy"),
    createdByType: field("createdByType"),
    createdAt: field("createdAt"),
    lastModifiedBy: field("lastModifiedBy"),
    lastModifiedByType: field("lastModifiedByType"),
    lastModifiedAt: field("lastModifiedAt"),
  });
}

function groupIds(profile: SharingProfile | undefined, type: string): string[] | undefined {
  if (!profile?.groups) return undefined;
  const wanted = type.toLowerCase();
  return profile.groups
    .filter((g) => g.type?.toLowerCase() === wanted)
    .flatMap((g) => g.ids ?? [])
    .sort(compareText);
}

/**
 * Maps a Galleries - Get body to what the lookup exposes. Pure. Throws {@link InvalidResponseError}
 * naming `gallery` and every field of the wrong type when the body is not a Gallery.
 *
 * `sharedSubscriptionIds` and `sharedTenantIds` are present exactly when the service returned the
 * sharing groups (with `expand: "SharingProfile/Groups"`), so that "not asked" and "shared with
 * nobody" stay distinguishable.
 */
export function observeGallery(body: unknown, gallery: string): GalleryObservation {
  const r = new BodyReader();
  const root = r.object(body, "the body");
  if (!root)
    throw new InvalidResponseError(
      `ARM answered ${gallery} with ${describe(body)} instead of a Gallery object`,
    );
  const properties = r.object(root.properties, "properties") ?? {};
  const identifier = r.object(properties.identifier, "properties.identifier");
  const identity = readIdentity(r, root.identity);
  const sharingProfile = readSharingProfile(r, properties.sharingProfile);
  const softDelete = r.object(properties.softDeletePolicy, "properties.softDeletePolicy");
  const observation = compact<GalleryObservation>({
    resourceId: r.string(root.id, "id"),
    name: r.string(root.name, "name"),
    type: r.string(root.type, "type"),
    location: r.string(root.location, "location"),
    tags: r.stringMap(root.tags, "tags"),
    description: r.string(properties.description, "properties.description"),
    provisioningState: r.string(properties.provisioningState, "properties.provisioningState"),
    uniqueName: identifier && r.string(identifier.uniqueName, "properties.identifier.uniqueName"),
    identity,
    principalId: identity?.principalId,
    sharingProfile,
    permissions: sharingProfile?.permissions,
    sharedSubscriptionIds: groupIds(sharingProfile, "Subscriptions"),
    sharedTenantIds: groupIds(sharingProfile, "AADTenants"),
    communityGalleryInfo: sharingProfile?.communityGalleryInfo,
    communityPublicNames: sharingProfile?.communityGalleryInfo?.publicNames,
    sharingStatus: readSharingStatus(r, properties.sharingStatus),
    softDeletePolicy:
      softDelete &&
      compact({
        isSoftDeleteEnabled: r.boolean(
          softDelete.isSoftDeleteEnabled,
          "properties.softDeletePolicy.isSoftDeleteEnabled",
        ),
      }),
    systemData: readSystemData(r, root.systemData),
  });
  if (r.problems.length > 0) {
    throw new InvalidResponseError(
      `ARM answered ${gallery} with a body that does not match the Gallery schema of api-version ${GALLERY_API_VERSION}: ${r.problems.join("; ")}`,
    );
  }
  return observation ?? {};
}
