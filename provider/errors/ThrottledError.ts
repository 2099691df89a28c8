import { GalleryLookupError, type GalleryLookupErrorDetails } from "./GalleryLookupError";

/**
 * ARM kept answering 429 (or asked to wait past the lookup's deadline). `retryAfterMs` is what it last
 * asked for. `status` is 429 only when this lookup itself got a 429; a lookup held back by another
 * lookup's 429 has none.
 */
export class ThrottledError extends GalleryLookupError {
  readonly retryAfterMs?: number;

  constructor(message: string, retryAfterMs: number | undefined, details: GalleryLookupErrorDetails = {}) {
    super(message, details);
    if (retryAfterMs !== undefined) this.retryAfterMs = retryAfterMs;
  }
}
