/**
 * pulumi-azure-gallery-lookup: a read-only Pulumi lookup of an existing Azure Compute Gallery.
 * @packageDocumentation
 */
// In a program run by Pulumi's Node.js runtime: work around nodejs/node#64011 before any error (see the file).
import "./lookup/runtimeErrors";

export { GalleryLookup } from "./lookup/galleryLookup";
export { getGallery, getGalleryOutput, type GetGalleryOptions } from "./lookup/getGallery";
export { ArmClient, type ArmClientOptions } from "./arm/armClient";
export type * from "./types/lookup";
export * from "./errors";
export * from "./drift";
