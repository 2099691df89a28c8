import assert from "node:assert/strict";
import { createEmptyPipeline, type RestError, type PipelineResponse } from "@azure/core-rest-pipeline";
import { PAST_DEADLINE, type PastDeadline } from "#internal/arm/policies/pastDeadline";
import { BACKOFF_CAP_MS, armRetryPolicy } from "#internal/arm/policies/armRetryPolicy";
import { useFakeTime } from "../support/fakeTime";
import { lookupRequest, scriptedHttpClient, type Step } from "../support/scriptedHttpClient";

const NOW = Date.parse("2026-01-01T00:00:00Z");

/** Sends one lookup's request through the library's pipeline with armRetryPolicy over scripted answers. */
async function lookup(
  steps: Step[],
  options: { maxRetries?: number; deadlineMs?: number } = {},
): Promise<{ sent: number; response?: PipelineResponse; error?: RestError }> {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(armRetryPolicy(options.maxRetries ?? 4));
  const request = lookupRequest(options.deadlineMs);
  const httpClient = scriptedHttpClient(steps);
  try {
    const response = await pipeline.sendRequest(httpClient, request);
    return { sent: httpClient.sent.length, response };
  } catch (error) {
    return { sent: httpClient.sent.length, error: error as RestError };
  }
}

describe("armRetryPolicy: the library's retryPolicy with our throttling and backoff strategies", () => {
  const time = useFakeTime(() => ({ now: NOW, random: 0.5 }));
  const waits = (): number[] => time().waits();

  it("a 2xx is returned at once", async () => {
    const { response } = await lookup([200]);
    assert.equal(response?.status, 200);
    assert.deepEqual(waits(), []);
  });

  for (const status of [429, 503]) {
    it(`${status} waits exactly Retry-After, else backs off`, async () => {
      assert.equal((await lookup([[status, { "retry-after": "2" }], 200])).response?.status, 200);
      assert.equal((await lookup([status, status, 200])).response?.status, 200);
      assert.deepEqual(waits(), [2000, 250, 500]);
    });
  }

  for (const status of [408, 500, 502, 504]) {
    it(`${status} backs off exponentially with full jitter`, async () => {
      await lookup([status, status, status, 200]);
      assert.deepEqual(waits(), [250, 500, 1000]);
    });
  }

  it("caps the backoff at 10 s and stays in [0, ceiling)", async () => {
    time().setRandom(0.999999);
    await lookup(
      Array.from({ length: 9 }, () => 500),
      { maxRetries: 8, deadlineMs: 3_600_000 },
    );
    assert.equal(Math.max(...waits()), BACKOFF_CAP_MS - 1);
    time().setRandom(0);
    await lookup([500, 200]);
    assert.equal(waits().at(-1), 0);
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
    it(`retries network error ${code}`, async () => {
      const { response } = await lookup([code, 200]);
      assert.equal(response?.status, 200);
      assert.deepEqual(waits(), [250]);
    });
  }

  it("does not retry TLS or unknown network errors", async () => {
    for (const code of ["DEPTH_ZERO_SELF_SIGNED_CERT", "UNKNOWN"]) {
      const { error } = await lookup([code, 200]);
      assert.equal(error?.code, code);
    }
    assert.deepEqual(waits(), []);
  });

  for (const status of [400, 401, 403, 404, 409, 501, 505]) {
    it(`never retries ${status}`, async () => {
      assert.equal((await lookup([status, 200])).response?.status, status);
      assert.deepEqual(waits(), []);
    });
  }

  it("stops after GALLERY_LOOKUP_MAX_RETRIES and returns the last answer", async () => {
    assert.equal((await lookup([500], { maxRetries: 4 })).response?.status, 500);
    assert.equal(waits().length, 4);
    assert.equal((await lookup(["ECONNRESET"], { maxRetries: 1 })).error?.code, "ECONNRESET");
  });

  it("never starts a wait that ends past the deadline, and says which wait", async () => {
    time().setRandom(0.9);
    const backoff = (await lookup([500, 200], { deadlineMs: 400 })).error;
    assert.equal(backoff?.code, PAST_DEADLINE);
    assert.deepEqual(backoff?.details, { waitMs: 450, askedByArm: false } satisfies PastDeadline);
    assert.equal(backoff?.response?.status, 500);
    const asked = (await lookup([[429, { "retry-after": "1200" }], 200])).error;
    assert.deepEqual(asked?.details, { waitMs: 1_200_000, askedByArm: true } satisfies PastDeadline);
    assert.deepEqual(waits(), []);
  });
});
