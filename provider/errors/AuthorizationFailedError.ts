import { GalleryLookupError, type GalleryLookupErrorDetails } from "./GalleryLookupError";

/** ARM answered 403: the principal lacks `action` (normally `Microsoft.Compute/galleries/read`) on `scope`. Never retried. */
export class AuthorizationFailedError extends GalleryLookupError {
  readonly action: string;
  readonly scope: string;

  constructor(message: string, action: string, scope: string, details: GalleryLookupErrorDetails = {}) {
    super(message, { status: 403, ...details });
    this.action = action;
    this.scope = scope;
  }
}
