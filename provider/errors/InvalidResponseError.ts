import { GalleryLookupError } from "./GalleryLookupError";

/** ARM (or a proxy in front of it) answered something that is not a Gallery: not JSON, wrong types, or too large. */
export class InvalidResponseError extends GalleryLookupError {}
