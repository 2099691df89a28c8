/**
 * When to try a Galleries - Get again, and after how long. Pure: the clock, the random source and the
 * state are passed in, so each rule is testable without waiting.
 */

/** What one attempt produced. Header names are lower-case. */
export type AttemptOutcome =
  | { kind: "response"; status: number; headers: Readonly<Record<string, string | undefined>> }
  | { kind: "networkError"; code: string };

/** What the lookup has done so far. */
export interface RetryState {
  /** Attempts made, including the one that produced the outcome. */
  attempts: number;
  /** 1 + GALLERY_LOOKUP_MAX_RETRIES. */
  maxAttempts: number;
  /** Time since the lookup started. */
  elapsedMs: number;
  /** GALLERY_LOOKUP_DEADLINE_MS. */
  deadlineMs: number;
  /** Whether a 401 already caused a token refresh (ARM gets exactly one fresh token). */
  tokenRefreshed: boolean;
  /** Wall clock for Retry-After HTTP dates. */
  nowMs: number;
}

export type GiveUpReason =
  "notRetriable" | "attemptsExhausted" | "deadline" | "retryAfterPastDeadline" | "authenticationFailed";

export type RetryDecision =
  | { action: "success" }
  /** ARM refused the token: get another once, with the claims of a CAE challenge when it sent one. */
  | { action: "refreshToken"; claims?: string }
  | { action: "retry"; delayMs: number; retryAfterMs?: number }
  | { action: "giveUp"; reason: GiveUpReason; retryAfterMs?: number };

export const BACKOFF_BASE_MS = 500;
export const BACKOFF_CAP_MS = 10_000;

/** Network failures that are worth another try. `ATTEMPT_TIMEOUT` is this package's per-attempt timeout. */
export const RETRIABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ETIMEDOUT",
  "ECONNREFUSED",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ATTEMPT_TIMEOUT",
]);

const BACKOFF_STATUSES: ReadonlySet<number> = new Set([408, 500, 502, 504]);
const RETRY_AFTER_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/**
 * Decides what to do after an attempt.
 * @param random returns [0, 1): the full jitter of the exponential backoff.
 */
export function decideRetry(
  outcome: AttemptOutcome,
  state: RetryState,
  random: () => number = Math.random,
): RetryDecision {
  if (outcome.kind === "response") {
    const { status } = outcome;
    if (status >= 200 && status < 300) return { action: "success" };
    if (status === 401) {
      // A revoked or server-side expired token is the usual cause; a second 401 with a new token is not transient.
      if (state.tokenRefreshed) return { action: "giveUp", reason: "authenticationFailed" };
      const claims = parseClaimsChallenge(outcome.headers["www-authenticate"]);
      return claims === undefined ? { action: "refreshToken" } : { action: "refreshToken", claims };
    }
    if (RETRY_AFTER_STATUSES.has(status)) {
      const retryAfterMs = parseRetryAfter(outcome.headers, state.nowMs);
      if (retryAfterMs !== undefined) return scheduled(retryAfterMs, state, retryAfterMs);
      return scheduled(backoffDelay(state.attempts, random), state);
    }
    if (BACKOFF_STATUSES.has(status)) return scheduled(backoffDelay(state.attempts, random), state);
    return { action: "giveUp", reason: "notRetriable" };
  }
  if (!RETRIABLE_NETWORK_CODES.has(outcome.code)) return { action: "giveUp", reason: "notRetriable" };
  return scheduled(backoffDelay(state.attempts, random), state);
}

function scheduled(delayMs: number, state: RetryState, retryAfterMs?: number): RetryDecision {
  const withRetryAfter = retryAfterMs === undefined ? {} : { retryAfterMs };
  if (state.attempts >= state.maxAttempts)
    return { action: "giveUp", reason: "attemptsExhausted", ...withRetryAfter };
  // Never start a wait that would end past the deadline: fail now, with what we know.
  if (state.elapsedMs + delayMs >= state.deadlineMs) {
    return {
      action: "giveUp",
      reason: retryAfterMs === undefined ? "deadline" : "retryAfterPastDeadline",
      ...withRetryAfter,
    };
  }
  return { action: "retry", delayMs, ...withRetryAfter };
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base * 2^(attempts-1))). */
export function backoffDelay(attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.floor(random() * ceiling);
}

/**
 * The claims of a Continuous Access Evaluation challenge, decoded from base64 (what the Azure SDK's
 * bearer policy passes to `getToken`): `WWW-Authenticate: Bearer …, error="insufficient_claims",
 * claims="<base64 JSON>"`. Undefined for any other 401, or claims that are not base64 JSON.
 */
export function parseClaimsChallenge(header: string | undefined): string | undefined {
  if (header === undefined || !/\berror\s*=\s*"?insufficient_claims"?/i.test(header)) return undefined;
  const encoded = /\bclaims\s*=\s*"([^"]*)"/i.exec(header)?.[1];
  if (encoded === undefined || !/^[A-Za-z0-9+/_-]+=*$/.test(encoded)) return undefined;
  const claims = Buffer.from(encoded, "base64").toString("utf8");
  try {
    const parsed: unknown = JSON.parse(claims);
    return typeof parsed === "object" && parsed !== null && !Array.isArray(parsed) ? claims : undefined;
  } catch {
    return undefined;
  }
}

/**
 * How long the service asked to wait, in ms: `retry-after-ms`, `x-ms-retry-after-ms`, then
 * `Retry-After` (delta-seconds or an HTTP date). An HTTP date is read against the answer's own `Date`
 * header, so that a skewed client clock does not stretch or cancel the wait; `nowMs` only when the
 * answer has no readable `Date`. Undefined when absent or unreadable.
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | undefined>>,
  nowMs: number,
): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers[name]?.trim();
    if (value !== undefined && /^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  }
  const value = headers["retry-after"]?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  const answeredAt = Date.parse(headers.date ?? "");
  return Math.max(0, date - (Number.isNaN(answeredAt) ? nowMs : answeredAt));
}
