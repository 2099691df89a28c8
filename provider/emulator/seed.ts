// Galleries the emulator serves at start: the five spec examples and one realistic gallery by default, or a
// JSON seed file.
import { readFile } from "node:fs/promises";
import { isObject } from "@azure/core-util";
import type { ArmGallery } from "../types/armGallery";
import { galleryResourceId } from "../gallery/galleryId";
import { quoteValue, validateLookupArgs } from "../gallery/validation";
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

/** `got 5 (number)`, for a message about a value of the wrong type. */
const got = (v: unknown) =>
  `got ${typeof v === "string" ? quoteValue(v) : `${String(JSON.stringify(v))} (${typeof v})`}`;

/** What is wrong with the types of the body's fields that ARM always sends with one type. */
function bodyProblems(gallery: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const { location, id, properties } = gallery;
  if (location !== undefined && (typeof location !== "string" || location.trim() === "")) {
    problems.push(`gallery.location must be a region name such as "westus" (${got(location)})`);
  }
  if (id !== undefined && typeof id !== "string") {
    problems.push(`gallery.id must be a string, the gallery's ARM id (${got(id)})`);
  }
  if (properties !== undefined && !isObject(properties)) {
    problems.push(`gallery.properties must be an object (${got(properties)})`);
  } else if (properties?.sharingProfile !== undefined && !isObject(properties.sharingProfile)) {
    problems.push(`gallery.properties.sharingProfile must be an object (${got(properties.sharingProfile)})`);
  }
  return problems;
}

/**
 * Checks one seed entry and fills in `id` from its location. The names must be ones a lookup could ask for
 * (the package's own argument rules, so a seed never serves a gallery no client can reach). With `checkBody`
 * (a seed file, written by a person) the body's fields must have their types too; in process and over the
 * control API the body is served as given, which is how tests send malformed bodies to the client.
 */
export function normalizeSeed(seed: SeedGallery, label = "seed gallery", checkBody = false): SeedGallery {
  if (!isObject(seed)) throw new Error(`${label} must be an object (${got(seed)})`);
  const gallery: unknown = seed.gallery;
  if (!isObject(gallery)) throw new Error(`${label} needs 'gallery', an object (${got(gallery)})`);
  const { failures } = validateLookupArgs({
    subscriptionId: seed.subscriptionId,
    resourceGroupName: seed.resourceGroupName,
    galleryName: gallery.name,
  });
  const given: Record<string, unknown> = { ...seed, galleryName: gallery.name };
  const problems = failures.map((f) => {
    const name = f.property === "galleryName" ? "gallery.name" : f.property;
    const value = given[f.property];
    // The argument rules' own wording for a missing value speaks of stack config and environment variables.
    return value === undefined || value === null || value === ""
      ? `${name} is required`
      : `${name} ${f.reason}`;
  });
  if (checkBody) problems.push(...bodyProblems(gallery));
  if (problems.length) throw new Error(`${label}: ${problems.join("; ")}`);
  // A deep copy, so later changes by the caller never reach the served body.
  const body = JSON.parse(JSON.stringify(gallery)) as ArmGallery & { name: string };
  body.id ??= galleryId(seed.subscriptionId, seed.resourceGroupName, body.name);
  return { subscriptionId: seed.subscriptionId, resourceGroupName: seed.resourceGroupName, gallery: body };
}

/** Reads a seed file: a JSON array of {@link SeedGallery}. */
export async function loadSeedFile(file: string): Promise<SeedGallery[]> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new Error(`seed file ${file} not found`);
    throw new Error(`seed file ${file} could not be read (${code ?? String(error)})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`seed file ${file} is not readable JSON: ${reason}`);
  }
  if (!Array.isArray(parsed)) throw new Error(`seed file ${file} must hold a JSON array of galleries`);
  return parsed.map((entry, i) => normalizeSeed(entry as SeedGallery, `seed file ${file}, entry ${i}`, true));
}
