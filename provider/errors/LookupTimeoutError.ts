import { GalleryLookupError } from "./GalleryLookupError";

/** The whole lookup, retries included, ran past its deadline. */
export class LookupTimeoutError extends GalleryLookupError {}
