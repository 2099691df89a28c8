import {
  retryPolicy,
  type PipelinePolicy,
  type PipelineResponse,
  type RestError,
  type RetryModifiers,
  type RetryStrategy,
} from "@azure/core-rest-pipeline";
import { logger } from "../logger";
import { lookupName, remainingMs } from "../lookupRequest";
import { attemptNoteOf, noteAttempt, type AttemptNote } from "./attemptPolicy";
import { pastDeadlineError } from "./pastDeadline";
import { retryAfterMs } from "./retryAfter";

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;

/** Network failures worth another try. `ATTEMPT_TIMEOUT` is this package's per-attempt timeout. */
export const RETRIABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNREFUSED",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ATTEMPT_TIMEOUT",
]);
const BACKOFF_STATUSES: ReadonlySet<number> = new Set([408, 429, 500, 502, 503, 504]);

/**
 * The library's `retryPolicy`, with two strategies of ours in its usual order (throttling, then
 * exponential). The library's own strategies are not exported, and differ where a test holds us: they read
 * an HTTP-date Retry-After against the client's clock (ours against the answer's `Date`), know fewer
 * network codes, and would start a wait that ends past the lookup's deadline.
 *
 * An error that starts above the attempts (the library's AbortError at the deadline, a wait refused by
 * this policy or by `pacingPolicy`) carries no attempt of its own: it leaves with the last attempt's note
 * (`attemptPolicy`), so that the message can say what the lookup met before it stopped.
 */
export function armRetryPolicy(maxRetries: number): PipelinePolicy {
  /** Waits only when the wait ends before the deadline; else stops, saying what it would have waited. */
  const within = (outcome: PipelineResponse | RestError, waitMs: number, askedByArm: boolean) =>
    scheduled(outcome, waitMs, askedByArm, maxRetries);

  /** 429 and 503 with a Retry-After: wait what ARM asked. */
  const throttlingStrategy: RetryStrategy = {
    name: "throttlingRetryStrategy",
    retry({ response }) {
      const asked = response === undefined ? undefined : retryAfterMs(response);
      if (response === undefined || asked === undefined) return { skipStrategy: true };
      return within(response, asked, true);
    },
  };

  /** 408, 5xx and 429 without Retry-After, and transient network codes: exponential backoff, full jitter. */
  const backoffStrategy: RetryStrategy = {
    name: "exponentialRetryStrategy",
    retry({ retryCount, response, responseError }) {
      const retriable =
        response !== undefined
          ? BACKOFF_STATUSES.has(response.status)
          : RETRIABLE_NETWORK_CODES.has(responseError?.code ?? "");
      if (!retriable) return responseError ? { errorToThrow: responseError } : { skipStrategy: true };
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** retryCount);
      return within(response ?? responseError!, Math.floor(Math.random() * ceiling), false);
    },
  };

  const retry = retryPolicy([throttlingStrategy, backoffStrategy], { maxRetries, logger });
  return {
    name: "armRetryPolicy",
    async sendRequest(request, next) {
      let last: AttemptNote | undefined;
      const seen = (outcome: unknown): void => {
        last = attemptNoteOf(outcome) ?? last;
      };
      try {
        return await retry.sendRequest(request, (sent) =>
          next(sent).then(
            (response) => (seen(response), response),
            (error: unknown) => {
              seen(error);
              throw error;
            },
          ),
        );
      } catch (error) {
        if (last !== undefined && typeof error === "object" && error !== null && !attemptNoteOf(error)) {
          noteAttempt(error, last);
        }
        throw error;
      }
    },
  };
}

function scheduled(
  outcome: PipelineResponse | RestError,
  waitMs: number,
  askedByArm: boolean,
  maxRetries: number,
): RetryModifiers {
  const request = outcome.request!;
  if (waitMs < remainingMs(request)) {
    const note = attemptNoteOf(outcome);
    logger.warning(
      `${lookupName(request)}: ${note?.outcome ?? "no attempt"}; retry ${note?.attempt ?? 0} of ${maxRetries} in ${waitMs} ms`,
    );
    return { retryAfterInMs: waitMs };
  }
  const response = "status" in outcome ? { response: outcome } : {};
  const error = pastDeadlineError(
    `a wait of ${waitMs} ms would pass the deadline`,
    { waitMs, askedByArm },
    {
      request,
      ...response,
    },
  );
  return { errorToThrow: error };
}
