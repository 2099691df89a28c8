/** What every error of this package carries besides its message. */
export interface GalleryLookupErrorDetails {
  /** HTTP status of the ARM answer, when there was one. */
  status?: number;
  /** ARM error code (`ResourceNotFound`, `AuthorizationFailed`, …), when the service gave one. */
  code?: string;
  /** `x-ms-request-id` of the answer: quote it to Azure support. */
  requestId?: string;
  /** The error this one wraps, already stripped of request headers and tokens. */
  cause?: unknown;
}

/**
 * Base class of every error this package throws. Messages never contain tokens, secrets or
 * request headers, so they are safe to log.
 */
export class GalleryLookupError extends Error {
  readonly status?: number;
  readonly code?: string;
  readonly requestId?: string;

  constructor(message: string, details: GalleryLookupErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    if (details.status !== undefined) this.status = details.status;
    if (details.code !== undefined) this.code = details.code;
    if (details.requestId !== undefined) this.requestId = details.requestId;
  }
}
