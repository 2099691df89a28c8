import {
  RestError,
  createHttpHeaders,
  createPipelineRequest,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { withDeadline, type LookupRequest } from "#internal/arm/lookupRequest";

/**
 * One scripted outcome per send: a status, a status with headers (and a body), or a network error code
 * (thrown as the HttpClient throws it: a RestError with that code).
 */
export type Step = number | [number, Record<string, string>, string?] | string;

/** An HttpClient that answers `steps` in order (the last one repeats) and records what it was sent. */
export interface ScriptedHttpClient extends HttpClient {
  /** Each request as it was sent: its URL and its Authorization header, copied at the time. */
  readonly sent: { url: string; authorization: string | undefined }[];
}

export function scriptedHttpClient(steps: Step[]): ScriptedHttpClient {
  const sent: ScriptedHttpClient["sent"] = [];
  return {
    sent,
    async sendRequest(request: PipelineRequest) {
      const step = steps[Math.min(sent.length, steps.length - 1)];
      sent.push({ url: request.url, authorization: request.headers.get("authorization") });
      if (typeof step === "string") throw new RestError(step, { code: step, request });
      const [status, headers, body] = typeof step === "number" ? [step, {}, undefined] : step;
      return {
        request,
        status,
        headers: createHttpHeaders(headers),
        ...(body !== undefined ? { bodyAsText: body } : {}),
      };
    },
  };
}

/** A gallery's lookup request as ArmClient makes it: `GET url`, ending at a deadline `deadlineMs` from now. */
export function lookupRequest(
  deadlineMs = 120_000,
  url = "https://arm.invalid/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g?api-version=2025-03-03",
): LookupRequest {
  return withDeadline(createPipelineRequest({ url, method: "GET" }), deadlineMs);
}
