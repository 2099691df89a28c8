import { InvalidArgumentError, type ArgumentFailure } from "../errors/InvalidArgumentError";
import type { GalleryReference } from "../types/lookup";
import { EXPAND_VALUE, SELECT_VALUE, sameText } from "../gallery/validation";
import type { GalleryQuery } from "../types/lookup";

/** The api-version of Galleries - Get this package speaks. */
import { GALLERY_API_VERSION } from "../gallery/apiVersion";

export { GALLERY_API_VERSION };

const SEGMENTS = ["subscriptionId", "resourceGroupName", "galleryName"] as const;

/**
 * The Galleries - Get URL:
 * `{endpoint}/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{name}?api-version=…`.
 *
 * Each segment is percent-encoded, and segments that a URL parser would collapse (empty, `.`, `..`)
 * or that cannot be encoded (lone surrogates) are refused, so no input can leave the path template.
 * @param endpoint ARM origin without trailing slash (see `readArmSettings`).
 * @throws InvalidArgumentError naming every bad property.
 */
export function galleryUrl(endpoint: string, ref: GalleryReference, options: GalleryQuery = {}): string {
  const failures: ArgumentFailure[] = [];
  const encoded: Partial<Record<(typeof SEGMENTS)[number], string>> = {};
  for (const property of SEGMENTS) {
    const value: unknown = ref[property];
    const reason = segmentProblem(value);
    if (reason !== undefined) failures.push({ property, reason });
    else encoded[property] = encodeSegment(value as string);
  }
  // ARM reads both without regard to case; the wire form below is the canonical spelling.
  if (options.select !== undefined && !sameText(String(options.select), SELECT_VALUE)) {
    failures.push({ property: "select", reason: `must be "${SELECT_VALUE}" when given` });
  }
  if (options.expand !== undefined && !sameText(String(options.expand), EXPAND_VALUE)) {
    failures.push({ property: "expand", reason: `must be "${EXPAND_VALUE}" when given` });
  }
  if (failures.length > 0) throw new InvalidArgumentError(failures);

  let url =
    `${endpoint}/subscriptions/${encoded.subscriptionId}/resourceGroups/${encoded.resourceGroupName}` +
    `/providers/Microsoft.Compute/galleries/${encoded.galleryName}?api-version=${GALLERY_API_VERSION}`;
  // Same wire form as the official JS SDK.
  if (options.select !== undefined) url += "&%24select=Permissions";
  if (options.expand !== undefined) url += "&%24expand=SharingProfile%2FGroups";
  return url;
}

function segmentProblem(value: unknown): string | undefined {
  if (typeof value !== "string") return "must be a string";
  if (value === "") return "must not be empty";
  if (value === "." || value === "..") return 'must not be "." or ".."';
  if (encodeSegment(value) === undefined) return "must be well-formed Unicode (it holds a lone surrogate)";
  return undefined;
}

function encodeSegment(value: string): string | undefined {
  try {
    return encodeURIComponent(value);
  } catch {
    return undefined; // URIError: lone surrogate
  }
}
