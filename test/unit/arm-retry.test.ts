import assert from "node:assert/strict";
import {
  backoffDelay,
  decideRetry,
  parseRetryAfter,
  type AttemptOutcome,
  type RetryState,
} from "#internal/arm/retryPolicy";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const state = (over: Partial<RetryState> = {}): RetryState => ({
  attempts: 1,
  maxAttempts: 5,
  elapsedMs: 0,
  deadlineMs: 120_000,
  tokenRefreshed: false,
  nowMs: NOW,
  ...over,
});
const res = (status: number, headers: Record<string, string> = {}): AttemptOutcome => ({
  kind: "response",
  status,
  headers,
});
const half = () => 0.5;

describe("retryPolicy", () => {
  it("parses Retry-After as seconds, HTTP date and ms variants", () => {
    assert.equal(parseRetryAfter({ "retry-after": "7" }, NOW), 7000);
    assert.equal(parseRetryAfter({ "retry-after": new Date(NOW + 3000).toUTCString() }, NOW), 3000);
    assert.equal(parseRetryAfter({ "retry-after": new Date(NOW - 3000).toUTCString() }, NOW), 0);
    assert.equal(parseRetryAfter({ "retry-after-ms": "250" }, NOW), 250);
    assert.equal(parseRetryAfter({ "x-ms-retry-after-ms": "120", "retry-after": "9" }, NOW), 120);
    assert.equal(parseRetryAfter({ "retry-after": "soon" }, NOW), undefined);
    assert.equal(parseRetryAfter({}, NOW), undefined);
  });

  it("succeeds on 2xx", () => {
    assert.deepEqual(decideRetry(res(200), state()), { action: "success" });
  });

  for (const status of [429, 503]) {
    it(`${status} waits exactly Retry-After, else backs off`, () => {
      assert.deepEqual(decideRetry(res(status, { "retry-after": "2" }), state()), {
        action: "retry",
        delayMs: 2000,
        retryAfterMs: 2000,
      });
      assert.deepEqual(decideRetry(res(status), state({ attempts: 2 }), half), {
        action: "retry",
        delayMs: 500,
      });
    });
  }

  for (const status of [408, 500, 502, 504]) {
    it(`${status} backs off exponentially with full jitter`, () => {
      assert.deepEqual(decideRetry(res(status), state({ attempts: 1 }), half), {
        action: "retry",
        delayMs: 250,
      });
      assert.deepEqual(decideRetry(res(status), state({ attempts: 3 }), half), {
        action: "retry",
        delayMs: 1000,
      });
    });
  }

  it("caps backoff at 10 s and stays in [0, ceiling)", () => {
    assert.equal(
      backoffDelay(20, () => 0.999999),
      9999,
    );
    assert.equal(
      backoffDelay(1, () => 0),
      0,
    );
    for (let i = 0; i < 1000; i++) assert.ok(backoffDelay(4) < 4000);
  });

  for (const code of [
    "ECONNRESET",
    "ETIMEDOUT",
    "ECONNREFUSED",
    "EPIPE",
    "ECONNABORTED",
    "EAI_AGAIN",
    "ATTEMPT_TIMEOUT",
  ]) {
    it(`retries network error ${code}`, () => {
      assert.equal(decideRetry({ kind: "networkError", code }, state(), half).action, "retry");
    });
  }

  it("does not retry TLS or unknown network errors", () => {
    assert.deepEqual(decideRetry({ kind: "networkError", code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, state()), {
      action: "giveUp",
      reason: "notRetriable",
    });
  });

  for (const status of [400, 403, 404, 409, 501, 505]) {
    it(`never retries ${status}`, () => {
      assert.deepEqual(decideRetry(res(status), state()), { action: "giveUp", reason: "notRetriable" });
    });
  }

  it("401 refreshes the token once, then gives up", () => {
    assert.deepEqual(decideRetry(res(401), state()), { action: "refreshToken" });
    assert.deepEqual(decideRetry(res(401), state({ tokenRefreshed: true })), {
      action: "giveUp",
      reason: "authenticationFailed",
    });
  });

  it("stops after maxAttempts", () => {
    assert.deepEqual(decideRetry(res(500), state({ attempts: 5 })), {
      action: "giveUp",
      reason: "attemptsExhausted",
    });
    assert.deepEqual(decideRetry(res(429, { "retry-after": "1" }), state({ attempts: 5 })), {
      action: "giveUp",
      reason: "attemptsExhausted",
      retryAfterMs: 1000,
    });
  });

  it("never starts a wait that ends past the deadline", () => {
    assert.deepEqual(
      decideRetry(res(500), state({ elapsedMs: 9_900, deadlineMs: 10_000 }), () => 0.9),
      {
        action: "giveUp",
        reason: "deadline",
      },
    );
    assert.deepEqual(decideRetry(res(429, { "retry-after": "1200" }), state()), {
      action: "giveUp",
      reason: "retryAfterPastDeadline",
      retryAfterMs: 1_200_000,
    });
  });
});
