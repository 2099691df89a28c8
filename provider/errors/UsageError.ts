import { GalleryLookupError } from "./GalleryLookupError";

/**
 * A command line the `gallery-lookup` CLI cannot run: an unknown flag, a missing or malformed value, too many
 * arguments. The message names the flag and the rule; the CLI shows it on one line and exits with the usage code.
 */
export class UsageError extends GalleryLookupError {}
