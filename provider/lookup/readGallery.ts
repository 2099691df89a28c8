import { defaultArmClient, type ArmClient } from "../arm/armClient";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import type { ArgumentFailure } from "../errors/InvalidArgumentError";
import { observeGallery } from "../gallery/observation";
import type { ValidLookupArgs } from "../gallery/validation";
import type { GalleryObservation, GalleryReference } from "../types/lookup";

/** Names a gallery for messages: name, resource group and subscription. */
export function describeGallery(ref: GalleryReference): string {
  return `gallery "${ref.galleryName}" in resource group "${ref.resourceGroupName}" of subscription ${ref.subscriptionId}`;
}

/**
 * Galleries - Get for valid arguments, mapped to what the lookup exposes. `client` defaults to the
 * process-wide client of the arguments' cloud, so that every lookup in a provider host shares one
 * connection pool, one token and one throttling pacer.
 */
export async function readGallery(args: ValidLookupArgs, client?: ArmClient): Promise<GalleryObservation> {
  const ref: GalleryReference = {
    subscriptionId: args.subscriptionId,
    resourceGroupName: args.resourceGroupName,
    galleryName: args.galleryName,
  };
  const arm = client ?? defaultArmClient(args.environment);
  const body = await arm.getGallery(ref, { select: args.select, expand: args.expand });
  return observeGallery(body, describeGallery(ref));
}

/**
 * Turns a 404 into the check failure of the argument that names what is missing: the subscription,
 * the resource group, or (by default) the gallery. Other errors are not argument failures.
 */
export function notFoundFailure(error: unknown, args: ValidLookupArgs): ArgumentFailure | undefined {
  if (!(error instanceof GalleryNotFoundError)) return undefined;
  const ref = describeGallery(args);
  const trailer = `(ARM ${error.code ?? "ResourceNotFound"}${error.requestId ? `, x-ms-request-id ${error.requestId}` : ""})`;
  switch (error.code) {
    case "SubscriptionNotFound":
      return {
        property: "subscriptionId",
        reason: `subscription ${args.subscriptionId} was not found or is not visible to the signed-in principal, looking up ${ref} ${trailer}`,
      };
    case "ResourceGroupNotFound":
      return {
        property: "resourceGroupName",
        reason: `resource group "${args.resourceGroupName}" was not found in subscription ${args.subscriptionId}, looking up ${ref} ${trailer}`,
      };
    default:
      return { property: "galleryName", reason: `${ref} was not found ${trailer}` };
  }
}
