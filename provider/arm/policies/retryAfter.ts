import type { PipelineResponse } from "@azure/core-rest-pipeline";

/**
 * How long ARM asked to wait with a 429 or 503, in ms: `retry-after-ms`, `x-ms-retry-after-ms`, then
 * `Retry-After` (delta-seconds or an HTTP date). An HTTP date is read against the answer's own `Date`
 * header, so that a skewed client clock does not stretch or cancel the wait; the client's clock only when
 * the answer has no readable `Date`. Undefined when absent or unreadable.
 */
export function retryAfterMs(response: Pick<PipelineResponse, "status" | "headers">): number | undefined {
  if (response.status !== 429 && response.status !== 503) return undefined;
  const { headers } = response;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const value = headers.get(name)?.trim();
    if (value !== undefined && /^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value));
  }
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  const answeredAt = Date.parse(headers.get("date") ?? "");
  return Math.max(0, date - (Number.isNaN(answeredAt) ? Date.now() : answeredAt));
}
