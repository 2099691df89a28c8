// The galleries served, keyed without regard to case as ARM matches names, with their JSON prepared once
// per change so that a read costs a map lookup.
import type { ArmGallery } from "../types/armGallery";
import { normalizeSeed } from "./seed";
import type { SeedGallery } from "./types";

interface Served {
  seed: SeedGallery;
  /** The 200 body with `sharingProfile.groups`. */
  withGroups: Buffer;
  /** The 200 body without `sharingProfile.groups` (no `$expand`). */
  withoutGroups: Buffer;
}

const key = (...parts: string[]) => parts.map((p) => p.toLowerCase()).join("/");

function withoutGroups(gallery: ArmGallery): ArmGallery {
  const sharing = gallery.properties?.sharingProfile;
  if (!isPlainObject(sharing) || !("groups" in sharing)) return gallery;
  const { groups: _groups, ...rest } = sharing;
  return { ...gallery, properties: { ...gallery.properties, sharingProfile: rest } };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Deep merge: objects merge, arrays and scalars replace, `null` removes the key. */
export function deepMerge(target: unknown, patch: unknown): unknown {
  if (!isPlainObject(target) || !isPlainObject(patch)) return patch;
  const out: Record<string, unknown> = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = deepMerge(out[k], v);
  }
  return out;
}

export class GalleryStore {
  private readonly galleries = new Map<string, Served>();
  /** Subscriptions and resource groups that exist: the defaults plus every one a gallery was put in. */
  private readonly subscriptions = new Set<string>();
  private readonly resourceGroups = new Map<string, string>();

  /** Declares a resource group (and its subscription) to exist even with no gallery in it. */
  addResourceGroup(subscriptionId: string, resourceGroupName: string, location?: string): void {
    this.subscriptions.add(subscriptionId.toLowerCase());
    const rg = key(subscriptionId, resourceGroupName);
    if (!this.resourceGroups.has(rg) || location) this.resourceGroups.set(rg, location ?? "westus");
  }

  put(seed: SeedGallery): string {
    const normal = normalizeSeed(seed);
    const body = normal.gallery;
    this.addResourceGroup(
      normal.subscriptionId,
      normal.resourceGroupName,
      this.resourceGroups.get(key(normal.subscriptionId, normal.resourceGroupName)) ??
        // A body may be malformed on purpose (a test of the client): only a string names a region.
        (typeof body.location === "string" ? body.location : "westus").replace(/\s+/g, "").toLowerCase(),
    );
    this.galleries.set(key(normal.subscriptionId, normal.resourceGroupName, body.name), {
      seed: normal,
      withGroups: Buffer.from(JSON.stringify(body)),
      withoutGroups: Buffer.from(JSON.stringify(withoutGroups(body))),
    });
    return body.id as string;
  }

  /** Finds a gallery by its ARM id (any case). */
  private findById(id: string): [string, Served] | undefined {
    const m =
      /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/galleries\/([^/]+)\/?$/i.exec(
        id,
      );
    if (!m) return undefined;
    const k = key(m[1], m[2], m[3]);
    const served = this.galleries.get(k);
    return served ? [k, served] : undefined;
  }

  patch(id: string, patch: Partial<ArmGallery>): void {
    const found = this.findById(id);
    if (!found) throw new Error(`no gallery served at ${id}`);
    const seed = found[1].seed;
    const gallery = deepMerge(seed.gallery, patch) as ArmGallery & { name: string };
    // The name is where the gallery lives: a patch may not move it.
    gallery.name = seed.gallery.name;
    this.put({ ...seed, gallery });
  }

  remove(id: string): boolean {
    const found = this.findById(id);
    return found ? this.galleries.delete(found[0]) : false;
  }

  ids(): string[] {
    return [...this.galleries.values()].map((s) => s.seed.gallery.id as string);
  }

  hasSubscription(subscriptionId: string): boolean {
    return this.subscriptions.has(subscriptionId.toLowerCase());
  }

  /** The resource group's region, or undefined when it does not exist. */
  resourceGroupLocation(subscriptionId: string, resourceGroupName: string): string | undefined {
    return this.resourceGroups.get(key(subscriptionId, resourceGroupName));
  }

  /** The prepared 200 body, or undefined when no such gallery is served. */
  body(subscriptionId: string, resourceGroupName: string, name: string, groups: boolean): Buffer | undefined {
    const served = this.galleries.get(key(subscriptionId, resourceGroupName, name));
    return served && (groups ? served.withGroups : served.withoutGroups);
  }
}
