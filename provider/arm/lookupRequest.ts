import type { PipelineRequest } from "@azure/core-rest-pipeline";
import { escapeUnsafe } from "../errors/safeText";

/**
 * The one `PipelineRequest` of a lookup, as `ArmClient` creates it: its `abortSignal` ends at the
 * lookup's deadline, and `deadlineAt` says when that is, so that a policy can tell whether a wait would
 * end past it. Everything else a policy needs is in the URL (see {@link pacerKeyOf}, {@link lookupName}).
 */
export interface LookupRequest extends PipelineRequest {
  /** `Date.now()` when the lookup started + GALLERY_LOOKUP_DEADLINE_MS. */
  readonly deadlineAt: number;
  /** GALLERY_LOOKUP_DEADLINE_MS, as messages quote it. */
  readonly deadlineMs: number;
}

/** Gives `request` its deadline, `deadlineMs` from now. The request's `abortSignal` should end then too. */
export function withDeadline(request: PipelineRequest, deadlineMs: number): LookupRequest {
  return Object.assign(request, { deadlineAt: Date.now() + deadlineMs, deadlineMs });
}

/** Time left before the request's deadline, in ms (0 or less once it passed; Infinity without one). */
export function remainingMs(request: PipelineRequest): number {
  const { deadlineAt } = request as Partial<LookupRequest>;
  return deadlineAt === undefined ? Infinity : deadlineAt - Date.now();
}

const SUBSCRIPTIONS = "/subscriptions/";

/**
 * The pacer's key of a Galleries - Get URL: ARM's bucket, endpoint and subscription (see `pacerKey`).
 * The endpoint is an origin (settings), so the first `/subscriptions/` starts the path.
 */
export function pacerKeyOf(request: PipelineRequest): string {
  const { url } = request;
  const at = url.indexOf(SUBSCRIPTIONS);
  if (at < 0) return url.toLowerCase();
  const start = at + SUBSCRIPTIONS.length;
  const end = url.indexOf("/", start);
  const subscription = decodeURIComponent(url.slice(start, end < 0 ? undefined : end));
  return `${url.slice(0, at).toLowerCase()}|${subscription.toLowerCase()}`;
}

/** `GET /subscriptions/…/galleries/…`, each part decoded and escaped: how log lines name a lookup. */
export function lookupName(request: PipelineRequest): string {
  const { url } = request;
  const at = url.indexOf(SUBSCRIPTIONS);
  const path = (at < 0 ? url : url.slice(at)).replace(/\?.*$/s, "");
  return `GET ${escapeUnsafe(path.split("/").map(decodeURIComponent).join("/"))}`;
}
