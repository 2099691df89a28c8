import { GalleryLookupError } from "./GalleryLookupError";

/**
 * Bad input to the drift check that is not a state document's fault: a missing folder, an unknown stack
 * name, a file that cannot be opened or is larger than the limit for one state source.
 */
export class StateSourceError extends GalleryLookupError {}
