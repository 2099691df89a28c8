import assert from "node:assert/strict";
import { createEmptyPipeline, type RestError } from "@azure/core-rest-pipeline";
import { Pacer, REMAINING_READS_HEADER, pacerKey } from "#internal/arm/pacer";
import { pacingPolicy } from "#internal/arm/policies/pacingPolicy";
import { PAST_DEADLINE, pastDeadlineOf } from "#internal/arm/policies/pastDeadline";
import { lookupRequest, scriptedHttpClient, type Step } from "../support/scriptedHttpClient";

const KEY = pacerKey("https://arm.invalid", "s");

async function send(pacer: Pacer, steps: Step[], deadlineMs = 120_000) {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(pacingPolicy(pacer));
  const httpClient = scriptedHttpClient(steps);
  const outcome = await pipeline
    .sendRequest(httpClient, lookupRequest(deadlineMs))
    .catch((error: RestError) => error);
  return { outcome, sent: httpClient.sent.length };
}

describe("pacingPolicy: one slot of ARM's read bucket per attempt", () => {
  it("books a slot under the request's endpoint and subscription, and feeds the answer back", async () => {
    const pacer = new Pacer();
    await send(pacer, [[200, { [REMAINING_READS_HEADER]: "200" }]]);
    assert.equal(pacer.state(KEY)?.tokens, 200, "ARM's figure was observed under the URL's key");
    assert.equal(pacer.state(KEY)?.paced, true);
  });

  it("a Retry-After shared by the subscription that would pass the deadline fails before sending", async () => {
    const pacer = new Pacer();
    await send(pacer, [[429, { "retry-after": "30" }]]);
    const { outcome, sent } = await send(pacer, [200], 1000);
    assert.equal(sent, 0, "nothing went on the wire");
    assert.equal((outcome as RestError).code, PAST_DEADLINE);
    const details = pastDeadlineOf(outcome as RestError);
    assert.equal(details?.askedByArm, true);
    assert.equal(details?.shared, true);
    assert.ok(
      details !== undefined && details.waitMs > 29_000 && details.waitMs <= 30_000,
      String(details?.waitMs),
    );
  });

  it("observes a slot exactly once when the attempt fails", async () => {
    const pacer = new Pacer();
    const { outcome } = await send(pacer, ["ECONNRESET"]);
    assert.equal((outcome as RestError).code, "ECONNRESET");
    // A second lookup is not held behind the first one's unanswered slot.
    const { outcome: second } = await send(pacer, [200]);
    assert.equal((second as { status: number }).status, 200);
  });
});
