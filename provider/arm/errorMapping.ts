/**
 * Turns ARM's error answers into this package's errors. Pure: it sees only status, headers (never the
 * request's) and body, so no token can reach a message.
 */
import { galleryResourceId } from "../gallery/galleryId";
import { SIGN_IN_HINT, UNTRUSTED_CERTIFICATE_HINT, isCertificateError } from "../auth/signInHint";
import { escapeUnsafe, sanitizeText } from "../errors/safeText";
import type { PipelineResponse, RestError } from "@azure/core-rest-pipeline";
import { ArmRequestError } from "../errors/ArmRequestError";
import { AuthenticationFailedError } from "../errors/AuthenticationFailedError";
import { AuthorizationFailedError } from "../errors/AuthorizationFailedError";
import { ConnectionError } from "../errors/ConnectionError";
import { GalleryLookupError } from "../errors/GalleryLookupError";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { InvalidResponseError } from "../errors/InvalidResponseError";
import { LookupTimeoutError } from "../errors/LookupTimeoutError";
import { ThrottledError } from "../errors/ThrottledError";
import type { ArmGallery } from "../types/armGallery";
import type { GalleryReference } from "../types/lookup";
import { logger } from "./logger";
import {
  PAST_DEADLINE,
  RESPONSE_TOO_LARGE,
  type LookupTrace,
  type PastDeadline,
  type TokenRenewal,
} from "./lookupTrace";
import { retryAfterMs } from "./policies/retryAfter";

/** An HTTP answer as the pipeline hands it over. */
export type ArmAnswer = Pick<PipelineResponse, "status" | "headers" | "bodyAsText">;

/** What messages quote of ARM's error body, `{ error: { code, message, … } }`. */
export interface CloudErrorBody {
  code?: string;
  message?: string;
}

/** How the lookup went before it failed: quoted in every message. */
export interface FailureContext {
  attempts: number;
  elapsedMs: number;
  retryAfterMs?: number;
}

export const DEFAULT_ACTION = "Microsoft.Compute/galleries/read";

/** What the client adds to an answer's error: how it tried to recover, and why it stopped. */
export interface AnswerNote {
  /** After a 401: how the token was renewed, or `sameToken` when the credential handed back the refused one. */
  renewal?: TokenRenewal;
  /** The credential's name, for `sameToken`. */
  credential?: string;
  /** Set when ARM asked (Retry-After) to wait past this deadline. */
  deadlineMs?: number;
}

/** `subscriptions/…/resourceGroups/…/galleries/…`: how messages name the gallery (control characters escaped). */
export function galleryPath(given: GalleryReference): string {
  const ref = escapedRef(given);
  return `subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroupName}/galleries/${ref.galleryName}`;
}

/** The `error` object of a CloudError body, or undefined when the body is not one. */
export function parseCloudError(body: string): CloudErrorBody | undefined {
  const parsed = parseJson(body);
  if (!isObject(parsed) || !isObject(parsed.error)) return undefined;
  const error = parsed.error;
  return {
    ...(typeof error.code === "string" ? { code: error.code } : {}),
    ...(typeof error.message === "string" ? { message: error.message } : {}),
  };
}

/**
 * The body of a 2xx as a Gallery, or an InvalidResponseError naming what came instead. The answer's
 * `id` must be the gallery asked for (compared without regard to case, as ARM compares ids): a gateway,
 * cache or bug answering for another subscription, resource group, gallery or resource type is refused.
 */
export function parseGalleryBody(ref: GalleryReference, answer: ArmAnswer): ArmGallery {
  const parsed = parseJson(answer.bodyAsText ?? "");
  if (!isObject(parsed)) {
    throw invalidResponse(
      ref,
      answer,
      parsed === NOT_JSON ? "a body that is not JSON" : "JSON that is not an object",
    );
  }
  const expected = galleryResourceId(ref);
  const id = parsed.id;
  // Lengths first: an id of megabytes is refused without copying it.
  if (
    typeof id !== "string" ||
    id.length !== expected.length ||
    id.toLowerCase() !== expected.toLowerCase()
  ) {
    const got = typeof id === "string" ? `id ${JSON.stringify(sanitizeText(id, 300))}` : "no id";
    throw invalidResponse(
      ref,
      answer,
      `an answer for another resource (${got}, expected ${escapeUnsafe(expected)})`,
    );
  }
  return parsed;
}

/** What the mapper reads besides the lookup's trace. */
export interface LookupEnd {
  endpoint: string;
  maxResponseBytes: number;
  /** The credential's name, for a 401 after which it handed back the refused token. */
  credentialName: () => string;
}

/**
 * The one step after the pipeline: its final answer, or what it threw, becomes the Gallery or one of the
 * package's errors, quoting what the lookup did (its trace).
 */
export function lookupResult(
  outcome: { response: ArmAnswer } | { error: unknown },
  trace: LookupTrace,
  end: LookupEnd,
): ArmGallery {
  const { status } = "response" in outcome ? outcome.response : { status: 0 };
  if ("response" in outcome && status >= 200 && status < 300) {
    logger.verbose(`${trace.what}: HTTP ${status} after ${trace.attempts} attempt(s)`);
    return parseGalleryBody(trace.ref, outcome.response);
  }
  const error = failure(outcome, trace, end);
  logger.warning(
    `${trace.what}: ${trace.last}; giving up (${error.name}) after ${trace.attempts} attempt(s)`,
  );
  throw error;
}

function failure(
  outcome: { response: ArmAnswer } | { error: unknown },
  trace: LookupTrace,
  end: LookupEnd,
): GalleryLookupError {
  const { ref } = trace;
  const context: FailureContext = { attempts: trace.attempts, elapsedMs: Date.now() - trace.startedAt };
  const deadline = { ...context, deadlineMs: trace.deadlineMs, last: trace.last };
  if ("response" in outcome) {
    const { response } = outcome;
    // A second 401 without a renewal of ours: the library met ARM's claims challenge and was refused again.
    const renewal = trace.renewal ?? (trace.refusals >= 2 ? "claims" : undefined);
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
  const { code, message, details, response } = error as RestError;
  if (code === RESPONSE_TOO_LARGE) return oversizedResponse(ref, end.maxResponseBytes, context);
  if (code !== PAST_DEADLINE) return connectionError(ref, code ?? "UNKNOWN", message, context, end.endpoint);
  const { waitMs, askedByArm, shared } = details as PastDeadline;
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
    { deadlineMs: trace.deadlineMs },
  );
}

/** Maps a final non-2xx answer to the package's error. */
export function errorFromAnswer(
  ref: GalleryReference,
  answer: ArmAnswer,
  context: FailureContext,
  note: AnswerNote = {},
): GalleryLookupError {
  const { status } = answer;
  const requestId = requestIdOf(answer);
  const cloudError = parseCloudError(answer.bodyAsText ?? "");
  const code = cloudError?.code;
  const armMessage = cloudError?.message === undefined ? undefined : sanitizeText(cloudError.message, 600);
  const details = {
    status,
    ...(code !== undefined ? { code } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
  const head = `Galleries - Get of ${galleryPath(ref)} failed with HTTP ${status}`;
  const arm =
    code !== undefined || armMessage !== undefined
      ? ` ${code ?? "(no code)"}: ${armMessage ?? "(no message)"}`
      : "";
  const tail = ` (${trailer(requestId, context)})`;
  const asked =
    context.retryAfterMs === undefined || status === 429
      ? ""
      : note.deadlineMs !== undefined
        ? ` ARM asked to retry after ${context.retryAfterMs} ms, past the deadline of ${note.deadlineMs} ms (GALLERY_LOOKUP_DEADLINE_MS).`
        : ` ARM asked to retry after ${context.retryAfterMs} ms.`;

  if (status === 429) {
    const wait = context.retryAfterMs === undefined ? "" : ` ARM asked to wait ${context.retryAfterMs} ms.`;
    return new ThrottledError(
      `${head}${arm}${tail}. ARM is throttling reads of subscription ${escapeUnsafe(String(ref.subscriptionId))}.${wait} ` +
        "Run fewer lookups at once, or raise GALLERY_LOOKUP_DEADLINE_MS.",
      context.retryAfterMs,
      details,
    );
  }
  if (status === 401) {
    return new AuthenticationFailedError(`${head}${arm}${tail}. ${refusedTokenHint(note)}`, details);
  }
  if (cloudError === undefined) {
    return invalidResponse(ref, answer, "an error answer that is not an ARM CloudError", context);
  }
  if (status === 404) {
    return new GalleryNotFoundError(`${head}${arm}${tail}. ${notFoundHint(ref, code)}`, ref, details);
  }
  if (status === 403) {
    const action = /action '([^']+)'/.exec(armMessage ?? "")?.[1] ?? DEFAULT_ACTION;
    const scope = /scope '([^']+)'/.exec(armMessage ?? "")?.[1] ?? galleryResourceId(escapedRef(ref));
    return new AuthorizationFailedError(
      `${head}${arm}${tail}. The signed-in principal may not perform '${action}' over '${scope}': ` +
        "ask for a role that includes it (for example Reader) on the gallery, its resource group or the " +
        "subscription; if it was just granted, sign in again to refresh the token.",
      action,
      scope,
      details,
    );
  }
  return new ArmRequestError(`${head}${arm}${tail}.${asked}`, details);
}

/** What happened after a 401, truthfully: which token was refused, and whether a new one could be had. */
function refusedTokenHint(note: AnswerNote): string {
  switch (note.renewal) {
    case "claims":
      return (
        "ARM refused the token, then also the new one requested with the claims of its challenge " +
        `(Continuous Access Evaluation): the signed-in identity does not meet the tenant's access policy now. ${SIGN_IN_HINT}`
      );
    case "bypassCache":
      return (
        "ARM refused the token, then also a new, different one obtained after the first 401 (past the " +
        `token caches), so the signed-in identity is not accepted for this cloud or tenant. ${SIGN_IN_HINT}`
      );
    case "sameToken":
      return (
        `ARM refused the token (revoked, or expired on the server's side), and ${note.credential ?? "the credential"} ` +
        "handed back the same token from its cache, so no new token could be tried. Pass `renewCredential` to " +
        `the ArmClient to let it make a fresh credential, or sign in again. ${SIGN_IN_HINT}`
      );
    default:
      return `ARM refused the token. ${SIGN_IN_HINT}`;
  }
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

/** The answer is not what ARM sends: names gallery, status, content type, request id and a short excerpt. */
function invalidResponse(
  ref: GalleryReference,
  answer: ArmAnswer,
  problem: string,
  context?: FailureContext,
): InvalidResponseError {
  const requestId = requestIdOf(answer);
  const contentType = sanitizeText(answer.headers.get("content-type") ?? "none", 80);
  const excerpt = sanitizeText(answer.bodyAsText ?? "", 120);
  return new InvalidResponseError(
    `Galleries - Get of ${galleryPath(ref)} got ${problem}: HTTP ${answer.status}, content-type ${contentType}, ` +
      `x-ms-request-id ${requestId ?? "none"}${context ? `, ${attempts(context)}` : ""}; ` +
      `body starts: "${excerpt}". A proxy or gateway may have answered instead of ARM: check ` +
      "AZURE_RESOURCE_MANAGER_ENDPOINT and any HTTPS proxy.",
    { status: answer.status, ...(requestId !== undefined ? { requestId } : {}) },
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

/** `x-ms-request-id`, sanitized: it is echoed into messages. */
function requestIdOf(answer: Pick<ArmAnswer, "headers">): string | undefined {
  const value = answer.headers.get("x-ms-request-id");
  return value === undefined ? undefined : sanitizeText(value, 100);
}

function notFoundHint(given: GalleryReference, code: string | undefined): string {
  const ref = escapedRef(given);
  switch (code) {
    case "ResourceGroupNotFound":
      return `Resource group '${ref.resourceGroupName}' does not exist in subscription '${ref.subscriptionId}' (or is not visible to the signed-in principal).`;
    case "SubscriptionNotFound":
      return `Subscription '${ref.subscriptionId}' does not exist or is not visible to the signed-in principal: check the subscription id and the tenant you signed in to.`;
    default:
      return `Gallery '${ref.galleryName}' does not exist in resource group '${ref.resourceGroupName}' of subscription '${ref.subscriptionId}' (or is not visible to the signed-in principal).`;
  }
}

/** The reference with every part escaped for a message. */
function escapedRef(ref: GalleryReference): GalleryReference {
  return {
    subscriptionId: escapeUnsafe(String(ref.subscriptionId)),
    resourceGroupName: escapeUnsafe(String(ref.resourceGroupName)),
    galleryName: escapeUnsafe(String(ref.galleryName)),
  };
}

function trailer(requestId: string | undefined, context: FailureContext): string {
  return `x-ms-request-id ${requestId ?? "none"}, ${attempts(context)}`;
}

function attempts(context: FailureContext): string {
  return `${context.attempts} attempt${context.attempts === 1 ? "" : "s"} in ${Math.round(context.elapsedMs)} ms`;
}

const NOT_JSON = Symbol("not JSON");

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return NOT_JSON;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
