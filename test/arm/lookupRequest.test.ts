import assert from "node:assert/strict";
import fc from "fast-check";
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import { galleryResourceId } from "#internal/gallery/galleryId";
import { escapeUnsafe } from "#internal/errors/safeText";
import { galleryUrl } from "#internal/arm/galleryUrl";
import { lookupName, pacerKeyOf, remainingMs, withDeadline } from "#internal/arm/lookupRequest";
import { pacerKey } from "#internal/arm/pacer";

describe("lookupRequest: what policies read from a lookup's request", () => {
  it("the deadline is on the request", () => {
    const request = withDeadline(createPipelineRequest({ url: "https://arm.invalid/x" }), 5000);
    assert.equal(request.deadlineMs, 5000);
    const left = remainingMs(request);
    assert.ok(left > 4900 && left <= 5000, String(left));
    assert.equal(remainingMs(createPipelineRequest({ url: "https://arm.invalid/x" })), Infinity);
  });

  it("the pacer's key and the lookup's name come from the URL, as from the reference (property)", () => {
    const segment = fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s !== "." && s !== "..");
    fc.assert(
      fc.property(segment, segment, segment, (subscriptionId, resourceGroupName, galleryName) => {
        const ref = { subscriptionId, resourceGroupName, galleryName };
        const endpoint = "https://Management.Example.com:8443";
        let url: string;
        try {
          url = galleryUrl(endpoint, ref, { select: "Permissions" });
        } catch {
          return; // refused references (lone surrogates) never reach the pipeline
        }
        const request = createPipelineRequest({ url });
        assert.equal(pacerKeyOf(request), pacerKey(endpoint, subscriptionId));
        assert.equal(lookupName(request), `GET ${escapeUnsafe(galleryResourceId(ref))}`);
      }),
      { numRuns: 500 },
    );
  });
});
