import type { GalleryReference } from "../types/lookup";
import { GalleryLookupError, type GalleryLookupErrorDetails } from "./GalleryLookupError";

/**
 * ARM answered 404: the gallery, its resource group or its subscription does not exist (or is not
 * visible to the signed-in principal). `code` says which: `ResourceNotFound`, `ResourceGroupNotFound`
 * or `SubscriptionNotFound`.
 */
export class GalleryNotFoundError extends GalleryLookupError {
  readonly gallery: GalleryReference;

  constructor(message: string, gallery: GalleryReference, details: GalleryLookupErrorDetails = {}) {
    super(message, { status: 404, ...details });
    this.gallery = gallery;
  }
}
