import type { GalleryReference } from "../types/lookup";

/** The gallery's ARM resource id, spelled with the names given (ARM ids compare case-insensitively). */
export function galleryResourceId(ref: GalleryReference): string {
  return `/subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroupName}/providers/Microsoft.Compute/galleries/${ref.galleryName}`;
}
