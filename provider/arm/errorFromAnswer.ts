// A final non-2xx answer from ARM → the package's error class for its status, with the hint that says
// what to do: a 401 tells which token was refused and whether a new one could be had.
import { galleryResourceId } from "../gallery/galleryId";
import { SIGN_IN_HINT } from "../auth/signInHint";
import { escapeUnsafe, sanitizeText } from "../errors/safeText";
import { ArmRequestError } from "../errors/ArmRequestError";
import { AuthenticationFailedError } from "../errors/AuthenticationFailedError";
import { AuthorizationFailedError } from "../errors/AuthorizationFailedError";
import type { GalleryLookupError } from "../errors/GalleryLookupError";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { ThrottledError } from "../errors/ThrottledError";
import type { GalleryReference } from "../types/lookup";
import {
  escapedRef,
  galleryPath,
  requestIdOf,
  trailer,
  type ArmAnswer,
  type FailureContext,
} from "./errorMessage";
import type { TokenRenewal } from "./policies/tokenRenewal";
import { invalidResponse, parseCloudError } from "./responseBody";

/** The action a 403 names when ARM's message does not: the one Galleries - Get needs. */
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
