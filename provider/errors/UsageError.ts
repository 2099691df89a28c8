import { GalleryLookupError } from "./GalleryLookupError";

/** A command line a command cannot run: an unknown flag, a missing value, flags that exclude each other. */
export class UsageError extends GalleryLookupError {}
