// ARM's bodies, read without trusting them: the Gallery of a 2xx (refused when it names another resource),
// the CloudError of an error answer, and anything else an InvalidResponseError that says what came instead.
import { galleryResourceId } from "../gallery/galleryId";
import { escapeUnsafe, sanitizeText } from "../errors/safeText";
import { InvalidResponseError } from "../errors/InvalidResponseError";
import type { ArmGallery } from "../types/armGallery";
import type { GalleryReference } from "../types/lookup";
import { attempts, galleryPath, requestIdOf, type ArmAnswer, type FailureContext } from "./errorMessage";

/** What messages quote of ARM's error body, `{ error: { code, message, … } }`. */
export interface CloudErrorBody {
  code?: string;
  message?: string;
}

/** The `error` object of a CloudError body, or undefined when the body is not one. */
export function parseCloudError(body: string): CloudErrorBody | undefined {
  const parsed = parseJson(body);
  if (!isObject(parsed) || !isObject(parsed.error)) return undefined;
  const error = parsed.error;
  return {
    ...(typeof error.code === "string" ? { code: error.code } : {}),
    ...(typeof error.message === "string" ? { message: error.message } : {}),
  };
}

/**
 * The body of a 2xx as a Gallery, or an InvalidResponseError naming what came instead. The answer's
 * `id` must be the gallery asked for (compared without regard to case, as ARM compares ids): a gateway,
 * cache or bug answering for another subscription, resource group, gallery or resource type is refused.
 */
export function parseGalleryBody(ref: GalleryReference, answer: ArmAnswer): ArmGallery {
  const parsed = parseJson(answer.bodyAsText ?? "");
  if (!isObject(parsed)) {
    throw invalidResponse(
      ref,
      answer,
      parsed === NOT_JSON ? "a body that is not JSON" : "JSON that is not an object",
    );
  }
  const expected = galleryResourceId(ref);
  const id = parsed.id;
  // Lengths first: an id of megabytes is refused without copying it.
  if (
    typeof id !== "string" ||
    id.length !== expected.length ||
    id.toLowerCase() !== expected.toLowerCase()
  ) {
    const got = typeof id === "string" ? `id ${JSON.stringify(sanitizeText(id, 300))}` : "no id";
    throw invalidResponse(
      ref,
      answer,
      `an answer for another resource (${got}, expected ${escapeUnsafe(expected)})`,
    );
  }
  return parsed;
}

/** The answer is not what ARM sends: names gallery, status, content type, request id and a short excerpt. */
export function invalidResponse(
  ref: GalleryReference,
  answer: ArmAnswer,
  problem: string,
  context?: FailureContext,
): InvalidResponseError {
  const requestId = requestIdOf(answer);
  const contentType = sanitizeText(answer.headers.get("content-type") ?? "none", 80);
  const excerpt = sanitizeText(answer.bodyAsText ?? "", 120);
  return new InvalidResponseError(
    `Galleries - Get of ${galleryPath(ref)} got ${problem}: HTTP ${answer.status}, content-type ${contentType}, ` +
      `x-ms-request-id ${requestId ?? "none"}${context ? `, ${attempts(context)}` : ""}; ` +
      `body starts: "${excerpt}". A proxy or gateway may have answered instead of ARM: check ` +
      "AZURE_RESOURCE_MANAGER_ENDPOINT and any HTTPS proxy.",
    { status: answer.status, ...(requestId !== undefined ? { requestId } : {}) },
  );
}

const NOT_JSON = Symbol("not JSON");

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return NOT_JSON;
  }
}

// Not @azure/core-util's isObject: this file loads with the package root, which does not load that library
// (a Pulumi program pays for it only once a lookup sends its request). For JSON.parse's output they agree.
function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
