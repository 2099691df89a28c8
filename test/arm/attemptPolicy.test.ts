import assert from "node:assert/strict";
import { createEmptyPipeline, type RestError } from "@azure/core-rest-pipeline";
import { armRetryPolicy } from "#internal/arm/policies/armRetryPolicy";
import { attemptNoteOf, attemptPolicy } from "#internal/arm/policies/attemptPolicy";
import { PAST_DEADLINE } from "#internal/arm/policies/pastDeadline";
import { useFakeTime } from "../support/fakeTime";
import { lookupRequest, scriptedHttpClient, type Step } from "../support/scriptedHttpClient";

/** armRetryPolicy over attemptPolicy over scripted answers, as in the client's pipeline. */
async function send(steps: Step[], deadlineMs?: number): Promise<unknown> {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(armRetryPolicy(4), { phase: "Retry" });
  pipeline.addPolicy(attemptPolicy(), { afterPhase: "Retry" });
  try {
    return await pipeline.sendRequest(scriptedHttpClient(steps), lookupRequest(deadlineMs));
  } catch (error) {
    return error;
  }
}

describe("attemptPolicy: counts each GET on the wire and notes it on its answer or error", () => {
  const time = useFakeTime(() => ({ random: 0 }));

  it("notes the answer's status and the attempt's number", async () => {
    assert.deepEqual(attemptNoteOf(await send([200])), { attempt: 1, outcome: "HTTP 200", status: 200 });
    assert.deepEqual(attemptNoteOf(await send([503, 500, 200])), {
      attempt: 3,
      outcome: "HTTP 200",
      status: 200,
    });
  });

  it("notes a network failure with its code and no status", async () => {
    const error = (await send(["ECONNRESET", "EAI_AGAIN"])) as RestError;
    assert.equal(error.code, "EAI_AGAIN");
    assert.deepEqual(attemptNoteOf(error), { attempt: 5, outcome: "EAI_AGAIN" });
  });

  it("an error that starts above the attempts leaves with the last attempt's note", async () => {
    time().setRandom(0.9); // a backoff of 450 ms, past a deadline of 100
    const error = (await send([500, 200], 100)) as RestError;
    assert.equal(error.code, PAST_DEADLINE);
    assert.deepEqual(attemptNoteOf(error), { attempt: 1, outcome: "HTTP 500", status: 500 });
  });

  it("counts nothing the HttpClient was not asked to send", async () => {
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(attemptPolicy());
    pipeline.addPolicy({
      name: "refuses",
      sendRequest: () => Promise.reject(new Error("refused before the wire")),
    });
    const error = await pipeline.sendRequest(scriptedHttpClient([200]), lookupRequest()).catch((e) => e);
    assert.equal(attemptNoteOf(error), undefined, "not a RestError: nothing noted");
    assert.equal(attemptNoteOf({}), undefined);
  });
});
