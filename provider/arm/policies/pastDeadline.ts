import type { PipelineRequest, PipelineResponse, RestError } from "@azure/core-rest-pipeline";

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

/** The error `armRetryPolicy` and `pacingPolicy` throw instead of a wait past the deadline. */
export function pastDeadlineError(
  message: string,
  details: PastDeadline,
  from: { request?: PipelineRequest; response?: PipelineResponse } = {},
): RestError {
  // Loaded with the policies, never with the package root (see ArmClient's lazy construction).
  const { RestError } = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
  const error = new RestError(message, { code: PAST_DEADLINE, ...from });
  error.details = details;
  return error;
}

/** The details of a {@link PAST_DEADLINE} error; undefined for any other error. */
export function pastDeadlineOf(error: Pick<RestError, "code" | "details">): PastDeadline | undefined {
  return error.code === PAST_DEADLINE ? (error.details as PastDeadline) : undefined;
}
