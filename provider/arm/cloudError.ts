/**
 * Turns ARM's error answers into this package's errors. Pure: it sees only status, headers (never the
 * request's) and body, so no token can reach a message.
 */
import { galleryResourceId } from "../gallery/galleryId";
import { SIGN_IN_HINT, sanitizeText } from "../auth/signInHint";
import { ArmRequestError } from "../errors/ArmRequestError";
import { AuthenticationFailedError } from "../errors/AuthenticationFailedError";
import { AuthorizationFailedError } from "../errors/AuthorizationFailedError";
import { ConnectionError } from "../errors/ConnectionError";
import type { GalleryLookupError } from "../errors/GalleryLookupError";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { InvalidResponseError } from "../errors/InvalidResponseError";
import { LookupTimeoutError } from "../errors/LookupTimeoutError";
import { ThrottledError } from "../errors/ThrottledError";
import type { ArmGallery } from "../gallery/armGallery";
import type { GalleryReference } from "../lookup/types";

/** An HTTP answer as the transport hands it over. Header names lower-case. */
export interface ArmAnswer {
  status: number;
  headers: Readonly<Record<string, string | undefined>>;
  body: string;
}

/** ARM's error body: `{ error: { code, message, target, details, innererror } }`. */
export interface CloudErrorBody {
  code?: string;
  message?: string;
  target?: string;
  details?: CloudErrorBody[];
  innererror?: unknown;
}

/** How the lookup went before it failed: quoted in every message. */
export interface FailureContext {
  attempts: number;
  elapsedMs: number;
  retryAfterMs?: number;
}

export const DEFAULT_ACTION = "Microsoft.Compute/galleries/read";

/** `subscriptions/…/resourceGroups/…/galleries/…`: how messages name the gallery. */
export function galleryPath(ref: GalleryReference): string {
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
    ...(typeof error.target === "string" ? { target: error.target } : {}),
    ...(Array.isArray(error.details) ? { details: error.details as CloudErrorBody[] } : {}),
    ...(error.innererror !== undefined ? { innererror: error.innererror } : {}),
  };
}

/** The body of a 2xx as a Gallery, or an InvalidResponseError naming what came instead. */
export function parseGalleryBody(ref: GalleryReference, answer: ArmAnswer): ArmGallery {
  const parsed = parseJson(answer.body);
  if (!isObject(parsed)) {
    throw invalidResponse(
      ref,
      answer,
      parsed === NOT_JSON ? "a body that is not JSON" : "JSON that is not an object",
    );
  }
  return parsed as ArmGallery;
}

/** Maps a final non-2xx answer to the package's error. */
export function errorFromAnswer(
  ref: GalleryReference,
  answer: ArmAnswer,
  context: FailureContext,
): GalleryLookupError {
  const { status } = answer;
  const requestId = requestIdOf(answer);
  const cloudError = parseCloudError(answer.body);
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

  if (status === 429) {
    const wait = context.retryAfterMs === undefined ? "" : ` ARM asked to wait ${context.retryAfterMs} ms.`;
    return new ThrottledError(
      `${head}${arm}${tail}. ARM is throttling reads of subscription ${ref.subscriptionId}.${wait} ` +
        "Run fewer lookups at once, or raise GALLERY_LOOKUP_DEADLINE_MS.",
      context.retryAfterMs,
      details,
    );
  }
  if (status === 401) {
    return new AuthenticationFailedError(
      `${head}${arm}${tail}. ARM refused the token twice (a fresh one was obtained after the first 401), ` +
        `so the signed-in identity is not accepted for this cloud or tenant. ${SIGN_IN_HINT}`,
      details,
    );
  }
  if (cloudError === undefined) {
    return invalidResponse(ref, answer, "an error answer that is not an ARM CloudError", context);
  }
  if (status === 404) {
    return new GalleryNotFoundError(`${head}${arm}${tail}. ${notFoundHint(ref, code)}`, ref, details);
  }
  if (status === 403) {
    const action = /action '([^']+)'/.exec(cloudError.message ?? "")?.[1] ?? DEFAULT_ACTION;
    const scope = /scope '([^']+)'/.exec(cloudError.message ?? "")?.[1] ?? galleryResourceId(ref);
    return new AuthorizationFailedError(
      `${head}${arm}${tail}. The signed-in principal may not perform '${action}' over '${scope}': ` +
        "ask for a role that includes it (for example Reader) on the gallery, its resource group or the " +
        "subscription; if it was just granted, sign in again to refresh the token.",
      action,
      scope,
      details,
    );
  }
  return new ArmRequestError(`${head}${arm}${tail}.`, details);
}

/** A failure without an HTTP answer, after retries. Only the error code and a sanitized message survive. */
export function connectionError(
  ref: GalleryReference,
  code: string,
  message: string,
  context: FailureContext,
  endpoint: string,
): ConnectionError {
  const tls = /CERT|SSL|TLS/i.test(code)
    ? " The server's certificate is not trusted: for a local emulator or a TLS-inspecting proxy, " +
      "pass its CA (option `ca`) or start Node with NODE_EXTRA_CA_CERTS=<ca.pem>."
    : "";
  return new ConnectionError(
    `Galleries - Get of ${galleryPath(ref)} got no answer from ${endpoint}: ${code}: ${sanitizeText(message, 200)} ` +
      `(${trailer(undefined, context)}).${tls}`,
    { code },
  );
}

/** The lookup's deadline would pass before the next attempt could start or finish. */
export function deadlineError(
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
export function throttledPastDeadline(
  ref: GalleryReference,
  context: FailureContext & { deadlineMs: number; retryAfterMs: number; status?: number },
  requestId?: string,
): ThrottledError {
  return new ThrottledError(
    `Galleries - Get of ${galleryPath(ref)} is throttled: waiting ${context.retryAfterMs} ms would pass the ` +
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
export function invalidResponse(
  ref: GalleryReference,
  answer: ArmAnswer,
  problem: string,
  context?: FailureContext,
): InvalidResponseError {
  const requestId = requestIdOf(answer);
  const contentType = sanitizeText(answer.headers["content-type"] ?? "none", 80);
  const excerpt = sanitizeText(answer.body, 120);
  return new InvalidResponseError(
    `Galleries - Get of ${galleryPath(ref)} got ${problem}: HTTP ${answer.status}, content-type ${contentType}, ` +
      `x-ms-request-id ${requestId ?? "none"}${context ? `, ${attempts(context)}` : ""}; ` +
      `body starts: "${excerpt}". A proxy or gateway may have answered instead of ARM: check ` +
      "AZURE_RESOURCE_MANAGER_ENDPOINT and any HTTPS proxy.",
    { status: answer.status, ...(requestId !== undefined ? { requestId } : {}) },
  );
}

/** The body passed GALLERY_LOOKUP_MAX_RESPONSE_BYTES and was cut off unread. */
export function oversizedResponse(
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
export function requestIdOf(answer: Pick<ArmAnswer, "headers">): string | undefined {
  const value = answer.headers["x-ms-request-id"];
  return value === undefined ? undefined : sanitizeText(value, 100);
}

function notFoundHint(ref: GalleryReference, code: string | undefined): string {
  switch (code) {
    case "ResourceGroupNotFound":
      return `Resource group '${ref.resourceGroupName}' does not exist in subscription '${ref.subscriptionId}' (or is not visible to the signed-in principal).`;
    case "SubscriptionNotFound":
      return `Subscription '${ref.subscriptionId}' does not exist or is not visible to the signed-in principal: check the subscription id and the tenant you signed in to.`;
    default:
      return `Gallery '${ref.galleryName}' does not exist in resource group '${ref.resourceGroupName}' of subscription '${ref.subscriptionId}' (or is not visible to the signed-in principal).`;
  }
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
