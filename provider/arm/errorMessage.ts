// The parts every error of a lookup shares: how it names the gallery (each part escaped) and the trailer
// that quotes the request id and the attempts. One place, so that every message reads the same.
import type { PipelineResponse } from "@azure/core-rest-pipeline";
import { escapeUnsafe, sanitizeText } from "../errors/safeText";
import type { GalleryReference } from "../types/lookup";

/** An HTTP answer as the pipeline hands it over. */
export type ArmAnswer = Pick<PipelineResponse, "status" | "headers" | "bodyAsText">;

/** How the lookup went before it failed: quoted in every message. */
export interface FailureContext {
  attempts: number;
  elapsedMs: number;
  retryAfterMs?: number;
}

/** `subscriptions/…/resourceGroups/…/galleries/…`: how messages name the gallery (control characters escaped). */
export function galleryPath(given: GalleryReference): string {
  const ref = escapedRef(given);
  return `subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroupName}/galleries/${ref.galleryName}`;
}

/** `x-ms-request-id`, sanitized: it is echoed into messages. */
export function requestIdOf(answer: Pick<ArmAnswer, "headers">): string | undefined {
  const value = answer.headers.get("x-ms-request-id");
  return value === undefined ? undefined : sanitizeText(value, 100);
}

/** The reference with every part escaped for a message. */
export function escapedRef(ref: GalleryReference): GalleryReference {
  return {
    subscriptionId: escapeUnsafe(String(ref.subscriptionId)),
    resourceGroupName: escapeUnsafe(String(ref.resourceGroupName)),
    galleryName: escapeUnsafe(String(ref.galleryName)),
  };
}

/** What a message ends with: the request id to quote to Azure support, and the attempts and their time. */
export function trailer(requestId: string | undefined, context: FailureContext): string {
  return `x-ms-request-id ${requestId ?? "none"}, ${attempts(context)}`;
}

/** `N attempts in M ms`. */
export function attempts(context: FailureContext): string {
  return `${context.attempts} attempt${context.attempts === 1 ? "" : "s"} in ${Math.round(context.elapsedMs)} ms`;
}
