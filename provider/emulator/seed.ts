// Galleries the emulator serves at start: the five spec examples and one realistic gallery by default, or a
// JSON seed file.
import { readFile } from "node:fs/promises";
import type { ArmGallery } from "../types/armGallery";
import { galleryResourceId } from "../gallery/galleryId";
import { GALLERY_EXAMPLES } from "./examples";
import type { SeedGallery } from "./types";

/** The ARM id of a gallery, spelled as ARM spells it. */
export function galleryId(subscriptionId: string, resourceGroupName: string, galleryName: string): string {
  return galleryResourceId({ subscriptionId, resourceGroupName, galleryName });
}

/** The default seed's realistic gallery: a uniqueName, a managed identity and sharing groups together. */
export const DEMO_GALLERY = "myDemoGallery";
/** Tenant of the realistic gallery's identity when none is given (the emulator's default tenant). */
const DEMO_TENANT = "e1e1e1e1-0000-4000-8000-000000000001";

/**
 * A gallery as a real one reads when everything the package exposes is set at once (no single spec example
 * has all three): `identifier.uniqueName`, a system-assigned identity, and the sharing groups of the spec's
 * Gallery_Get_WithExpandSharingProfileGroups example.
 */
export function realisticGallery(
  subscriptionId: string,
  resourceGroupName: string,
  tenantId: string = DEMO_TENANT,
): SeedGallery {
  const shared = GALLERY_EXAMPLES.find((e) => e.file === "Gallery_Get_WithExpandSharingProfileGroups.json");
  return {
    subscriptionId,
    resourceGroupName,
    gallery: {
      id: galleryId(subscriptionId, resourceGroupName, DEMO_GALLERY),
      name: DEMO_GALLERY,
      type: "Microsoft.Compute/galleries",
      location: "West US",
      tags: { costCenter: "platform" },
      identity: { type: "SystemAssigned", principalId: "7d1c3e9a-0000-4000-8000-00000000a11e", tenantId },
      properties: {
        description: "Images shared with the platform subscriptions.",
        identifier: { uniqueName: `${subscriptionId}-${DEMO_GALLERY.toUpperCase()}` },
        provisioningState: "Succeeded",
        sharingProfile: structuredClone(shared?.body.properties?.sharingProfile ?? {}),
      },
    },
  };
}

/**
 * The five Galleries_Get spec examples placed in one subscription and resource group, each under its own
 * name, then {@link realisticGallery}. The example bodies are kept, with ids, names and `uniqueName`
 * (`{subscription}-{NAME}`) made to agree with where the gallery is served.
 */
export function defaultSeed(
  subscriptionId: string,
  resourceGroupName: string,
  tenantId?: string,
): SeedGallery[] {
  const examples = GALLERY_EXAMPLES.map((example) => {
    const text = JSON.stringify(example.body)
      .split("{subscription-id}")
      .join(subscriptionId)
      .split("/resourceGroups/myResourceGroup/")
      .join(`/resourceGroups/${resourceGroupName}/`);
    const body = JSON.parse(text) as ArmGallery;
    body.id = galleryId(subscriptionId, resourceGroupName, example.name);
    body.name = example.name;
    if (body.properties?.identifier) {
      body.properties.identifier.uniqueName = `${subscriptionId}-${example.name.toUpperCase()}`;
    }
    return { subscriptionId, resourceGroupName, gallery: { ...body, name: example.name } };
  });
  return [...examples, realisticGallery(subscriptionId, resourceGroupName, tenantId)];
}

/** Checks one seed entry's shape and fills in `id` and `name` from its location. */
export function normalizeSeed(seed: SeedGallery): SeedGallery {
  const where = JSON.stringify(seed)?.slice(0, 200);
  if (!seed || typeof seed !== "object") throw new Error(`seed gallery must be an object: ${where}`);
  for (const key of ["subscriptionId", "resourceGroupName"] as const) {
    if (typeof seed[key] !== "string" || seed[key].length === 0) {
      throw new Error(`seed gallery needs a non-empty string '${key}': ${where}`);
    }
  }
  const gallery = seed.gallery;
  if (!gallery || typeof gallery !== "object" || typeof gallery.name !== "string" || gallery.name === "") {
    throw new Error(`seed gallery needs 'gallery.name': ${where}`);
  }
  // A deep copy, so later changes by the caller never reach the served body.
  const body = JSON.parse(JSON.stringify(gallery)) as ArmGallery & { name: string };
  body.id ??= galleryId(seed.subscriptionId, seed.resourceGroupName, gallery.name);
  return { subscriptionId: seed.subscriptionId, resourceGroupName: seed.resourceGroupName, gallery: body };
}

/** Reads a seed file: a JSON array of {@link SeedGallery}. */
export async function loadSeedFile(file: string): Promise<SeedGallery[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`seed file ${file} is not readable JSON: ${reason}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`seed file ${file} must hold a JSON array of galleries`);
  return parsed.map((entry) => normalizeSeed(entry as SeedGallery));
}
