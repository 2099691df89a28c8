import type { PipelinePolicy, PipelineRequest, PipelineResponse, RestError } from "@azure/core-rest-pipeline";

/** What one attempt (one GET on the wire) came to: its number in the lookup, and its outcome as messages quote it. */
export interface AttemptNote {
  /** 1 for the first GET of the lookup; the bearer policy's resend after a 401 counts as one. */
  readonly attempt: number;
  /** `HTTP 503`, `ECONNRESET`, `ATTEMPT_TIMEOUT`, `RESPONSE_TOO_LARGE`, … */
  readonly outcome: string;
  /** The answer's status; undefined when the attempt got none. */
  readonly status?: number;
}

const NOTE = Symbol("attemptNote");
type Noted = { [NOTE]?: AttemptNote };

/** The note {@link attemptPolicy} put on a response or a RestError; undefined on anything else. */
export function attemptNoteOf(outcome: unknown): AttemptNote | undefined {
  return typeof outcome === "object" && outcome !== null ? (outcome as Noted)[NOTE] : undefined;
}

/** Puts `note` on `outcome` (an error thrown above the attempts, which carries none, takes the last one's). */
export function noteAttempt(outcome: object, note: AttemptNote): void {
  (outcome as Noted)[NOTE] = note;
}

/**
 * Counts the attempts of a lookup and notes each one on what it came to: the response, or the RestError
 * the HttpClient threw. It sits right above the HttpClient, below the retry and bearer policies, so that it
 * sees every GET that goes on the wire, and nothing that a policy refused before sending.
 */
export function attemptPolicy(): PipelinePolicy {
  const counts = new WeakMap<PipelineRequest, number>();
  return {
    name: "attemptPolicy",
    async sendRequest(request, next) {
      const attempt = (counts.get(request) ?? 0) + 1;
      counts.set(request, attempt);
      let response: PipelineResponse;
      try {
        response = await next(request);
      } catch (error) {
        // The library's errors are RestErrors; it is loaded lazily, so no `instanceof` here.
        if (error instanceof Error && error.name === "RestError") {
          const { code } = error as RestError;
          noteAttempt(error, { attempt, outcome: code ?? "UNKNOWN" });
        }
        throw error;
      }
      noteAttempt(response, { attempt, outcome: `HTTP ${response.status}`, status: response.status });
      return response;
    },
  };
}
