import { GalleryLookupError } from "./GalleryLookupError";

/**
 * The Pulumi CLI that `drift --stack`/`--all-stacks` asks for state could not be used at all: not found,
 * not logged in, or its stack list unreadable. One stack whose export fails is a source error instead.
 */
export class PulumiCliError extends GalleryLookupError {}
