import assert from "node:assert/strict";
import { RestError, createHttpHeaders, type PipelineResponse } from "@azure/core-rest-pipeline";
import { lookupResult } from "#internal/arm/errorMapping";
import { RESPONSE_TOO_LARGE } from "#internal/arm/byteBudget";
import { noteAttempt } from "#internal/arm/policies/attemptPolicy";
import { pastDeadlineError } from "#internal/arm/policies/pastDeadline";
import { noteRenewal } from "#internal/arm/policies/tokenRenewal";
import {
  AuthenticationFailedError,
  ConnectionError,
  InvalidResponseError,
  LookupTimeoutError,
  ThrottledError,
} from "#internal/errors/index";
import { lookupRequest } from "../support/scriptedHttpClient";

const ref = { subscriptionId: "s", resourceGroupName: "rg", galleryName: "g" };
const lookup = { ref, startedAt: Date.now(), deadlineMs: 1000 };
const end = {
  endpoint: "https://arm.invalid",
  maxResponseBytes: 4096,
  credentialName: () => "TestCredential",
};

function response(status: number, headers: Record<string, string> = {}, attempt = 1): PipelineResponse {
  const answer: PipelineResponse = {
    request: lookupRequest(),
    status,
    headers: createHttpHeaders({ "x-ms-request-id": "req-1", ...headers }),
    bodyAsText: JSON.stringify({ error: { code: "C", message: "m" } }),
  };
  noteAttempt(answer, { attempt, outcome: `HTTP ${status}`, status });
  return answer;
}

function thrown(error: unknown): Error {
  try {
    lookupResult({ error }, lookup, end);
  } catch (e) {
    return e as Error;
  }
  assert.fail("lookupResult did not throw");
}

function answered(answer: PipelineResponse): Error {
  try {
    lookupResult({ response: answer }, lookup, end);
  } catch (e) {
    return e as Error;
  }
  assert.fail("lookupResult did not throw");
}

describe("errorMapping: the pipeline's outcome → the Gallery or the package's error, from noted facts", () => {
  it("quotes the attempts the attempt policy noted", () => {
    const e = answered(response(500, {}, 3));
    assert.match(e.message, /failed with HTTP 500 C: m \(x-ms-request-id req-1, 3 attempts in \d+ ms\)/);
  });

  it("a 401 says how the bearer policy met it, and only what it noted", () => {
    const plain = answered(response(401, {}, 2));
    assert.ok(plain instanceof AuthenticationFailedError);
    assert.match(plain.message, /\. ARM refused the token\. /);
    for (const [renewal, says] of [
      ["claims", /the claims of its challenge/],
      ["bypassCache", /past the token caches/],
      ["sameToken", /TestCredential handed back the same token/],
    ] as const) {
      const answer = response(401, {}, 2);
      noteRenewal(answer, renewal);
      assert.match(answered(answer).message, says);
    }
  });

  it("a network failure → ConnectionError naming the code and the attempts", () => {
    const error = new RestError("socket hang up", { code: "ECONNRESET" });
    noteAttempt(error, { attempt: 5, outcome: "ECONNRESET" });
    const e = thrown(error);
    assert.ok(e instanceof ConnectionError);
    assert.match(
      e.message,
      /got no answer from https:\/\/arm\.invalid: ECONNRESET: socket hang up \(x-ms-request-id none, 5 attempts/,
    );
  });

  it("an answer past the size cap → InvalidResponseError", () => {
    const e = thrown(new RestError("too large", { code: RESPONSE_TOO_LARGE }));
    assert.ok(e instanceof InvalidResponseError);
    assert.match(e.message, /larger than 4096 bytes/);
  });

  it("the deadline (the library's AbortError) quotes the last attempt noted on it", () => {
    const abort = Object.assign(new Error("The operation was aborted."), { name: "AbortError" });
    noteAttempt(abort, { attempt: 2, outcome: "ATTEMPT_TIMEOUT" });
    const e = thrown(abort);
    assert.ok(e instanceof LookupTimeoutError);
    assert.match(
      e.message,
      /deadline of 1000 ms .*last outcome: ATTEMPT_TIMEOUT \(x-ms-request-id none, 2 attempts/,
    );
    assert.match(
      thrown(Object.assign(new Error("aborted"), { name: "AbortError" })).message,
      /last outcome: no attempt/,
    );
  });

  it("a wait past the deadline: ARM's 429, another lookup's 429 after a failure of its own, own backoff", () => {
    const throttled = pastDeadlineError("w", { waitMs: 5000, askedByArm: true }, { response: response(429) });
    noteAttempt(throttled, { attempt: 1, outcome: "HTTP 429", status: 429 });
    const e429 = thrown(throttled);
    assert.ok(e429 instanceof ThrottledError);
    assert.match(e429.message, /\(ARM answered 429\): waiting 5000 ms would pass the deadline of 1000 ms/);

    const shared = pastDeadlineError("w", { waitMs: 7000, askedByArm: true, shared: true });
    noteAttempt(shared, { attempt: 1, outcome: "HTTP 503", status: 503 });
    const eShared = thrown(shared);
    assert.ok(eShared instanceof LookupTimeoutError);
    assert.match(
      eShared.message,
      /last outcome: HTTP 503, then ARM's Retry-After to another lookup of the subscription \(7000 ms\)/,
    );

    const sharedFirst = thrown(pastDeadlineError("w", { waitMs: 7000, askedByArm: true, shared: true }));
    assert.ok(sharedFirst instanceof ThrottledError);
    assert.match(sharedFirst.message, /ARM answered 429 to another lookup of the subscription/);

    const backoff = pastDeadlineError("w", { waitMs: 450, askedByArm: false }, { response: response(500) });
    noteAttempt(backoff, { attempt: 1, outcome: "HTTP 500", status: 500 });
    const eBackoff = thrown(backoff);
    assert.ok(eBackoff instanceof LookupTimeoutError);
    assert.match(eBackoff.message, /last outcome: HTTP 500 \(x-ms-request-id req-1, 1 attempt in/);
  });

  it("rethrows what is not the pipeline's", () => {
    const bug = new TypeError("a bug");
    assert.equal(thrown(bug), bug);
  });
});
