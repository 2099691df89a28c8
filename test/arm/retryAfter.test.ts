import assert from "node:assert/strict";
import { createHttpHeaders } from "@azure/core-rest-pipeline";
import { retryAfterMs } from "#internal/arm/policies/retryAfter";
import { useFakeTime } from "../support/fakeTime";

const NOW = Date.parse("2026-01-01T00:00:00Z");
const answer = (status: number, headers: Record<string, string> = {}) => ({
  status,
  headers: createHttpHeaders(headers),
});

describe("retryAfter: how long ARM asked to wait", () => {
  useFakeTime(() => ({ now: NOW }));

  it("reads Retry-After as seconds, HTTP date (against the answer's Date) and the ms variants", () => {
    assert.equal(retryAfterMs(answer(429, { "retry-after": "7" })), 7000);
    const at = (ms: number) => new Date(NOW + ms).toUTCString();
    assert.equal(retryAfterMs(answer(429, { "retry-after": at(3000) })), 3000);
    assert.equal(retryAfterMs(answer(429, { "retry-after": at(-3000) })), 0);
    // A server an hour ahead: its own Date makes the wait 3 s, whatever the client's clock says.
    const ahead = { date: at(3_600_000), "retry-after": at(3_603_000) };
    assert.equal(retryAfterMs(answer(503, ahead)), 3000);
    assert.equal(retryAfterMs(answer(429, { "retry-after-ms": "250" })), 250);
    assert.equal(retryAfterMs(answer(429, { "x-ms-retry-after-ms": "120", "retry-after": "9" })), 120);
    assert.equal(retryAfterMs(answer(429, { "retry-after": "soon" })), undefined);
    assert.equal(retryAfterMs(answer(429)), undefined);
    assert.equal(retryAfterMs(answer(500, { "retry-after": "7" })), undefined, "only 429 and 503");
  });
});
