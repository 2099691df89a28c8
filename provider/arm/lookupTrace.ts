import type { PipelineRequest } from "@azure/core-rest-pipeline";
import type { GalleryReference } from "../types/lookup";

/** How a 401 was met: a token with the claims of ARM's challenge, one from past every cache, or none new. */
export type TokenRenewal = "claims" | "bypassCache" | "sameToken";

/**
 * What one lookup has done so far, kept beside its one `PipelineRequest`: the policies write it as they
 * go (each attempt, each renewal), and the mapper quotes it in the error. Times are `Date.now()`.
 */
export interface LookupTrace {
  readonly ref: GalleryReference;
  readonly startedAt: number;
  /** `startedAt` + GALLERY_LOOKUP_DEADLINE_MS: no wait may end past it. */
  readonly deadlineAt: number;
  readonly deadlineMs: number;
  /** The pacer's key: ARM's bucket (endpoint and subscription). */
  readonly pacerKey: string;
  /** `GET subscriptions/…/galleries/…`, escaped: how log lines name the lookup. */
  readonly what: string;
  attempts: number;
  /** The last attempt's outcome, as messages quote it: `HTTP 503`, `ECONNRESET`, `no attempt`. */
  last: string;
  lastStatus?: number;
  /** 401s received: a second one without a renewal of ours means the library met a claims challenge. */
  refusals: number;
  renewal?: TokenRenewal;
}

const traces = new WeakMap<PipelineRequest, LookupTrace>();

/** Starts the trace of a lookup's request. */
export function startTrace(
  request: PipelineRequest,
  lookup: { ref: GalleryReference; deadlineMs: number; pacerKey: string; what: string },
): LookupTrace {
  const startedAt = Date.now();
  const trace: LookupTrace = {
    ...lookup,
    startedAt,
    deadlineAt: startedAt + lookup.deadlineMs,
    attempts: 0,
    refusals: 0,
    last: "no attempt",
  };
  traces.set(request, trace);
  return trace;
}

/** The trace of a lookup's request. The pipeline only ever carries requests that have one. */
export function traceOf(request: PipelineRequest): LookupTrace {
  const trace = traces.get(request);
  if (trace === undefined) throw new Error("a request without a lookup trace reached the ARM pipeline");
  return trace;
}

/** Time left before the lookup's deadline, in ms (0 or less once it passed). */
export function remainingMs(trace: LookupTrace): number {
  return trace.deadlineAt - Date.now();
}

/** The code of the failure of an attempt whose answer passed GALLERY_LOOKUP_MAX_RESPONSE_BYTES. */
export const RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE";

/** The code of the error a policy throws instead of starting a wait that would end past the deadline. */
export const PAST_DEADLINE = "GALLERY_LOOKUP_PAST_DEADLINE";

/** What a {@link PAST_DEADLINE} error carries in `details`: the wait it refused, and whether ARM asked for it. */
export interface PastDeadline {
  waitMs: number;
  /** ARM's Retry-After (429, 503), as opposed to the package's own backoff. */
  askedByArm: boolean;
  /** The Retry-After was sent to another lookup of the subscription (the pacer's shared block). */
  shared?: boolean;
}
