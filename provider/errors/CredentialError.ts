import { GalleryLookupError, type GalleryLookupErrorDetails } from "./GalleryLookupError";

/** No token could be obtained. `credential` names the credential (or chain) that was tried. */
export class CredentialError extends GalleryLookupError {
  readonly credential: string;

  constructor(message: string, credential: string, details: GalleryLookupErrorDetails = {}) {
    super(message, details);
    this.credential = credential;
  }
}
