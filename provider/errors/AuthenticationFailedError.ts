import { GalleryLookupError, type GalleryLookupErrorDetails } from "./GalleryLookupError";

/** ARM answered 401 even to a freshly acquired token: the message says how to sign in. */
export class AuthenticationFailedError extends GalleryLookupError {
  constructor(message: string, details: GalleryLookupErrorDetails = {}) {
    super(message, { status: 401, ...details });
  }
}
