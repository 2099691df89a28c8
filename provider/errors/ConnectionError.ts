import { GalleryLookupError } from "./GalleryLookupError";

/** The request never got an HTTP answer (reset, refused, DNS, TLS, per-attempt timeout), after retries. */
export class ConnectionError extends GalleryLookupError {}
