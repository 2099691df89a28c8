import * as pulumi from "@pulumi/pulumi";
import type { ArmClient } from "../arm/armClient";
import { InvalidArgumentError } from "../errors/InvalidArgumentError";
import { validateLookupArgs } from "../gallery/validation";
import type { CloudName } from "../gallery/clouds";
import { resolveDefaults } from "./defaults";
import { galleryResourceId } from "../gallery/galleryId";
import { lookupGallery } from "./lookupGallery";
import type { GalleryLookupArgs, GalleryLookupPlainArgs, GalleryLookupResult } from "./types";

/** Options of {@link getGallery}. */
export interface GetGalleryOptions {
  /** The ARM client to use instead of the process-wide one (a custom credential, a test server). */
  client?: ArmClient;
}

/** Plain arguments of {@link getGallery}, with the cloud. */
export type GetGalleryArgs = GalleryLookupPlainArgs & { environment?: CloudName };

/**
 * Looks a gallery up once, without keeping it in state (like azure-native's invokes): the same
 * outputs as {@link GalleryLookup} plus `id`. Rejects with {@link InvalidArgumentError} before sending
 * anything when an argument breaks a rule, and with the package's other errors when the lookup fails.
 */
export async function getGallery(
  args: GetGalleryArgs,
  options: GetGalleryOptions = {},
): Promise<GalleryLookupResult> {
  const resolved = resolveDefaults({ ...args }, { ...configDefaults(), env: process.env });
  const { args: valid, failures } = validateLookupArgs(resolved as Record<string, unknown>);
  if (!valid) throw new InvalidArgumentError(failures);
  const { resourceId, ...observation } = await lookupGallery(valid, options.client);
  return { ...resolved, ...observation, id: resourceId ?? galleryResourceId(valid) } as GalleryLookupResult;
}

/** {@link getGallery} for `Input` arguments, as an `Output`. */
export function getGalleryOutput(
  args: GalleryLookupArgs & { environment?: pulumi.Input<CloudName> },
  options: GetGalleryOptions = {},
): pulumi.Output<GalleryLookupResult> {
  return pulumi.output(args).apply((plain) => getGallery(plain as GetGalleryArgs, options));
}

/** Stack config, when running inside a Pulumi program; nothing otherwise. */
function configDefaults(): { configSubscriptionId?: string; configEnvironment?: string } {
  try {
    const config = new pulumi.Config("azure-native");
    return {
      configSubscriptionId: config.get("subscriptionId"),
      configEnvironment: config.get("environment"),
    };
  } catch {
    return {};
  }
}
