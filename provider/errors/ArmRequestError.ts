import { GalleryLookupError } from "./GalleryLookupError";

/** Any other error answer from ARM (a 4xx not covered by a more specific class, or a 5xx after retries). */
export class ArmRequestError extends GalleryLookupError {}
