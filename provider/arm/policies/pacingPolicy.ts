import {
  RestError,
  type PipelinePolicy,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import { createAbortablePromise, delay } from "@azure/core-util";
import { logger } from "../logger";
import { lookupName, pacerKeyOf, remainingMs } from "../lookupRequest";
import { pastDeadlineError } from "./pastDeadline";
import { PROBE_WAIT_MS, RECHECK_MS, REMAINING_READS_HEADER, type Pacer, type PacerSlot } from "../pacer";
import { retryAfterMs } from "./retryAfter";

/**
 * Each attempt books a slot of ARM's read bucket ({@link Pacer}), waits its turn, and feeds the answer
 * back: the booking and the feedback are one `try`/`finally`, so every reservation is observed exactly
 * once, whatever the attempt ends with.
 */
export function pacingPolicy(pacer: Pacer): PipelinePolicy {
  return {
    name: "pacingPolicy",
    async sendRequest(request, next) {
      const key = pacerKeyOf(request);
      // The rest of a first burst waits for the first answer: does this endpoint report a bucket at all?
      const first = pacer.firstAnswer(key);
      if (first !== undefined) await raceDelay(first, Math.min(PROBE_WAIT_MS, remainingMs(request)));
      const slot = pacer.reserve(key);
      let response: PipelineResponse | undefined;
      try {
        await waitTurn(pacer, slot, key, request);
        response = await next(request);
        return response;
      } catch (error) {
        if (error instanceof RestError) response = error.response;
        throw error;
      } finally {
        pacer.observe(
          key,
          response === undefined
            ? {}
            : {
                status: response.status,
                // The one header the pacer reads, not a copy of them all on every attempt.
                headers: { [REMAINING_READS_HEADER]: response.headers.get(REMAINING_READS_HEADER) },
                retryAfterMs: retryAfterMs(response),
              },
        );
      }
    },
  };
}

/**
 * Waits for the slot's turn. Only a wait ARM asked for (a 429's Retry-After, shared by the key's lookups)
 * can fail the lookup, and only when it would pass the deadline; the pacer's own estimate never fails a
 * lookup: past the deadline it is cut short and the request is sent.
 */
async function waitTurn(pacer: Pacer, slot: PacerSlot, key: string, request: PipelineRequest): Promise<void> {
  const { abortSignal } = request;
  let paced = slot.waitMs;
  for (;;) {
    const asked = pacer.blockedFor(key);
    if (asked > 0) {
      if (asked >= remainingMs(request)) {
        pacer.depart(key, slot);
        throw pastDeadlineError(`ARM's Retry-After of ${asked} ms would pass the deadline`, {
          waitMs: asked,
          askedByArm: true,
          shared: true,
        });
      }
      logger.warning(`pacing ${lookupName(request)}: ARM asked to wait ${asked} ms (Retry-After)`);
      await delay(asked, { abortSignal });
      continue;
    }
    if (paced <= 0 || paced >= remainingMs(request)) {
      pacer.depart(key, slot);
      return;
    }
    logger.info(`pacing ${lookupName(request)}: ${paced} ms for ARM's read bucket`);
    await delay(Math.min(paced, RECHECK_MS), { abortSignal });
    // Asked again: room ARM reported or a faster refill shortens the wait, a slower one lengthens it.
    paced = pacer.waitFor(key, slot);
  }
}

/**
 * Resolves once `promise` settles or `ms` passed, whichever is first. A bound, not a wait: like the deadline,
 * it is Node's own timer (`AbortSignal.timeout`, unref'd), which keeps real time under fake timers.
 */
async function raceDelay(promise: Promise<void>, ms: number): Promise<void> {
  if (!(ms > 0)) return;
  const bound = { abortSignal: AbortSignal.timeout(ms) };
  await createAbortablePromise<void>((resolve) => void promise.then(resolve, resolve), bound).catch(
    () => undefined,
  );
}
