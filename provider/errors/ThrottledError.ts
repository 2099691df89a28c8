import { GalleryLookupError, type GalleryLookupErrorDetails } from "./GalleryLookupError";

/** ARM kept answering 429 (or asked to wait past the lookup's deadline). `retryAfterMs` is what it last asked for. */
export class ThrottledError extends GalleryLookupError {
  readonly retryAfterMs?: number;

  constructor(message: string, retryAfterMs: number | undefined, details: GalleryLookupErrorDetails = {}) {
    super(message, { status: 429, ...details });
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}
