/**
 * pulumi-azure-gallery-lookup: a read-only Pulumi lookup of an existing Azure Compute Gallery.
 * @packageDocumentation
 */
export { GalleryLookup } from "./lookup/galleryLookup";
export { getGallery, getGalleryOutput, type GetGalleryOptions } from "./lookup/getGallery";
export type * from "./lookup/types";
export type { CloudName } from "./gallery/clouds";
export * from "./errors";
export * from "./drift";
