import { output, type Output } from "@pulumi/pulumi/output";
import type { ArmClient } from "../arm/armClient";
import { galleryResourceId } from "../gallery/galleryId";
import { requireValidLookupArgs } from "../gallery/validation";
import { withProgramDefaults } from "./defaults";
import { readGallery } from "./readGallery";
import type { GalleryLookupArgs, GalleryLookupPlainArgs, GalleryLookupResult } from "../types/lookup";

/** Options of {@link getGallery}. */
export interface GetGalleryOptions {
  /** The ARM client to use instead of the process-wide one (a custom credential, a test server). */
  client?: ArmClient;
}

/**
 * Looks a gallery up once, without keeping it in state (like azure-native's invokes): the same
 * outputs as {@link GalleryLookup} plus `id`. Rejects with {@link InvalidArgumentError} before sending
 * anything when an argument breaks a rule, and with the package's other errors when the lookup fails.
 */
export async function getGallery(
  args: GalleryLookupPlainArgs,
  options: GetGalleryOptions = {},
): Promise<GalleryLookupResult> {
  const resolved = withProgramDefaults(args, options.client?.env);
  const valid = requireValidLookupArgs({ ...resolved });
  const { resourceId, ...observation } = await readGallery(valid, options.client);
  return { ...resolved, ...observation, id: resourceId ?? galleryResourceId(valid) } as GalleryLookupResult;
}

/** {@link getGallery} for `Input` arguments, as an `Output`. */
export function getGalleryOutput(
  args: GalleryLookupArgs,
  options: GetGalleryOptions = {},
): Output<GalleryLookupResult> {
  return output(args).apply((plain) => getGallery(plain as GalleryLookupPlainArgs, options));
}
