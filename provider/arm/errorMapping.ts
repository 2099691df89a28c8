// The one step after the pipeline: its outcome becomes the Gallery or this package's error. Pure: it sees
// only status, headers (never the request's) and body, so no token can reach a message. ARM's bodies are
// read in responseBody.ts and a final non-2xx answer is mapped in errorFromAnswer.ts; this file maps what
// the pipeline threw (no answer, past the deadline, too large) and chooses between them.
import { UNTRUSTED_CERTIFICATE_HINT, isCertificateError } from "../auth/signInHint";
import { escapeUnsafe, sanitizeText } from "../errors/safeText";
import { galleryResourceId } from "../gallery/galleryId";
import type { RestError } from "@azure/core-rest-pipeline";
import { ConnectionError } from "../errors/ConnectionError";
import { GalleryLookupError } from "../errors/GalleryLookupError";
import { InvalidResponseError } from "../errors/InvalidResponseError";
import { LookupTimeoutError } from "../errors/LookupTimeoutError";
import { ThrottledError } from "../errors/ThrottledError";
import type { ArmGallery } from "../types/armGallery";
import type { GalleryReference } from "../types/lookup";
import { errorFromAnswer } from "./errorFromAnswer";
import { galleryPath, requestIdOf, trailer, type ArmAnswer, type FailureContext } from "./errorMessage";
import { logger } from "./logger";
import { RESPONSE_TOO_LARGE } from "./byteBudget";
import { attemptNoteOf } from "./policies/attemptPolicy";
import { pastDeadlineOf } from "./policies/pastDeadline";
import { retryAfterMs } from "./policies/retryAfter";
import { tokenRenewalOf } from "./policies/tokenRenewal";
import { parseGalleryBody } from "./responseBody";

/** The lookup, as the client started it. */
export interface LookupStart {
  ref: GalleryReference;
  /** `Date.now()` when it started. */
  startedAt: number;
  /** GALLERY_LOOKUP_DEADLINE_MS. */
  deadlineMs: number;
}

/** What the mapper reads besides the outcome and the lookup. */
export interface LookupEnd {
  endpoint: string;
  maxResponseBytes: number;
  /** The credential's name, for a 401 after which it handed back the refused token. */
  credentialName: () => string;
}

/** What the lookup did, as the policies noted it on what the pipeline handed back. */
interface LookupFacts {
  attempts: number;
  /** The last attempt's outcome, as messages quote it: `HTTP 503`, `ECONNRESET`, `no attempt`. */
  last: string;
  lastStatus?: number;
}

/**
 * The one step after the pipeline: its final answer, or what it threw, becomes the Gallery or one of the
 * package's errors, quoting what the lookup did: the facts the policies noted on it (the last attempt,
 * how a 401 was met, which wait would have passed the deadline). It infers nothing.
 */
export function lookupResult(
  outcome: { response: ArmAnswer } | { error: unknown },
  lookup: LookupStart,
  end: LookupEnd,
): ArmGallery {
  const note = attemptNoteOf("response" in outcome ? outcome.response : outcome.error);
  const facts: LookupFacts = {
    attempts: note?.attempt ?? 0,
    last: note?.outcome ?? "no attempt",
    ...(note?.status !== undefined ? { lastStatus: note.status } : {}),
  };
  const what = (): string => `GET ${escapeUnsafe(galleryResourceId(lookup.ref))}`;
  const { status } = "response" in outcome ? outcome.response : { status: 0 };
  if ("response" in outcome && status >= 200 && status < 300) {
    // Every lookup ends here: its line is only written out when verbose logging is on.
    if (logger.verbose.enabled)
      logger.verbose(`${what()}: HTTP ${status} after ${facts.attempts} attempt(s)`);
    return parseGalleryBody(lookup.ref, outcome.response);
  }
  const error = failure(outcome, lookup, facts, end);
  logger.warning(`${what()}: ${facts.last}; giving up (${error.name}) after ${facts.attempts} attempt(s)`);
  throw error;
}

function failure(
  outcome: { response: ArmAnswer } | { error: unknown },
  lookup: LookupStart,
  trace: LookupFacts,
  end: LookupEnd,
): GalleryLookupError {
  const { ref } = lookup;
  const context: FailureContext = { attempts: trace.attempts, elapsedMs: Date.now() - lookup.startedAt };
  const deadline = { ...context, deadlineMs: lookup.deadlineMs, last: trace.last };
  if ("response" in outcome) {
    const { response } = outcome;
    const renewal = tokenRenewalOf(response);
    const asked = retryAfterMs(response);
    return errorFromAnswer(
      ref,
      response,
      asked === undefined ? context : { ...context, retryAfterMs: asked },
      {
        ...(renewal !== undefined ? { renewal } : {}),
        ...(renewal === "sameToken" ? { credential: end.credentialName() } : {}),
      },
    );
  }
  const { error } = outcome;
  if (error instanceof GalleryLookupError) return error;
  if (error instanceof Error && error.name === "AbortError") return deadlineError(ref, deadline);
  // The pipeline's own failures are RestErrors (the library is loaded lazily, so no `instanceof`).
  if (!(error instanceof Error && error.name === "RestError")) throw error;
  const restError = error as RestError;
  const { code, message, response } = restError;
  if (code === RESPONSE_TOO_LARGE) return oversizedResponse(ref, end.maxResponseBytes, context);
  const past = pastDeadlineOf(restError);
  if (past === undefined) return connectionError(ref, code ?? "UNKNOWN", message, context, end.endpoint);
  const { waitMs, askedByArm, shared } = past;
  const requestId = response === undefined ? undefined : requestIdOf(response);
  if (shared && trace.attempts > 0 && trace.lastStatus !== 429) {
    // The class and status say what this lookup met: its own last failure, then another lookup's 429.
    const last = `${trace.last}, then ARM's Retry-After to another lookup of the subscription (${waitMs} ms)`;
    return deadlineError(ref, { ...deadline, last });
  }
  if (shared || response?.status === 429) {
    const status = trace.lastStatus === 429 ? { status: 429 } : {};
    return throttledPastDeadline(ref, { ...deadline, retryAfterMs: waitMs, ...status }, requestId);
  }
  if (!askedByArm || response === undefined) return deadlineError(ref, deadline, requestId);
  return errorFromAnswer(
    ref,
    response,
    { ...context, retryAfterMs: waitMs },
    { deadlineMs: lookup.deadlineMs },
  );
}

/** A failure without an HTTP answer, after retries. Only the error code and a sanitized message survive. */
function connectionError(
  ref: GalleryReference,
  code: string,
  message: string,
  context: FailureContext,
  endpoint: string,
): ConnectionError {
  const tls = isCertificateError(code, message) ? ` ${UNTRUSTED_CERTIFICATE_HINT}` : "";
  return new ConnectionError(
    `Galleries - Get of ${galleryPath(ref)} got no answer from ${endpoint}: ${code}: ${sanitizeText(message, 200)} ` +
      `(${trailer(undefined, context)}).${tls}`,
    { code },
  );
}

/** The lookup's deadline would pass before the next attempt could start or finish. */
function deadlineError(
  ref: GalleryReference,
  context: FailureContext & { deadlineMs: number; last: string },
  requestId?: string,
): LookupTimeoutError {
  return new LookupTimeoutError(
    `Galleries - Get of ${galleryPath(ref)} did not succeed within the deadline of ${context.deadlineMs} ms ` +
      `(GALLERY_LOOKUP_DEADLINE_MS); last outcome: ${context.last} (${trailer(requestId, context)}).`,
    requestId === undefined ? {} : { requestId },
  );
}

/** ARM asked (or the local pacer needs) to wait past the deadline: fail now instead of waiting. */
function throttledPastDeadline(
  ref: GalleryReference,
  context: FailureContext & { deadlineMs: number; retryAfterMs: number; status?: number },
  requestId?: string,
): ThrottledError {
  const who =
    context.status === 429 ? "ARM answered 429" : "ARM answered 429 to another lookup of the subscription";
  return new ThrottledError(
    `Galleries - Get of ${galleryPath(ref)} is throttled (${who}): waiting ${context.retryAfterMs} ms would pass the ` +
      `deadline of ${context.deadlineMs} ms (GALLERY_LOOKUP_DEADLINE_MS), so the lookup gives up now ` +
      `(${trailer(requestId, context)}). Run fewer lookups at once, or raise GALLERY_LOOKUP_DEADLINE_MS.`,
    context.retryAfterMs,
    {
      ...(context.status !== undefined ? { status: context.status } : {}),
      ...(requestId ? { requestId } : {}),
    },
  );
}

/** The body passed GALLERY_LOOKUP_MAX_RESPONSE_BYTES and was cut off unread. */
function oversizedResponse(
  ref: GalleryReference,
  maxBytes: number,
  context: FailureContext,
): InvalidResponseError {
  return new InvalidResponseError(
    `Galleries - Get of ${galleryPath(ref)} got an answer larger than ${maxBytes} bytes ` +
      `(GALLERY_LOOKUP_MAX_RESPONSE_BYTES); it was not read further (${trailer(undefined, context)}). ` +
      "A gallery is a few KiB: a proxy or gateway may have answered instead of ARM.",
  );
}
