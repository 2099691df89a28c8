import assert from "node:assert/strict";
import fc from "fast-check";
import { galleryUrl, GALLERY_API_VERSION } from "#internal/arm/galleryUrl";
import { InvalidArgumentError } from "#internal/errors/index";

const ENDPOINT = "https://management.azure.com";
const ref = {
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroupName: "rg",
  galleryName: "gal",
};

describe("galleryUrl", () => {
  it("builds the Galleries - Get URL with the api-version", () => {
    assert.equal(
      galleryUrl(ENDPOINT, ref),
      `${ENDPOINT}/subscriptions/${ref.subscriptionId}/resourceGroups/rg/providers/Microsoft.Compute/galleries/gal?api-version=${GALLERY_API_VERSION}`,
    );
    assert.equal(GALLERY_API_VERSION, "2025-03-03");
  });

  it("adds $select and $expand in the official SDK's encoding", () => {
    const url = galleryUrl(ENDPOINT, ref, { select: "Permissions", expand: "SharingProfile/Groups" });
    assert.ok(
      url.endsWith("?api-version=2025-03-03&%24select=Permissions&%24expand=SharingProfile%2FGroups"),
    );
    const parsed = new URL(url);
    assert.equal(parsed.searchParams.get("$select"), "Permissions");
    assert.equal(parsed.searchParams.get("$expand"), "SharingProfile/Groups");
  });

  for (const bad of ["", ".", ".."]) {
    it(`refuses the segment ${JSON.stringify(bad)}, naming the property`, () => {
      for (const property of ["subscriptionId", "resourceGroupName", "galleryName"] as const) {
        assert.throws(
          () => galleryUrl(ENDPOINT, { ...ref, [property]: bad }),
          (e: unknown) =>
            e instanceof InvalidArgumentError && e.failures.some((f) => f.property === property),
        );
      }
    });
  }

  it("refuses lone surrogates and unknown select/expand values", () => {
    assert.throws(() => galleryUrl(ENDPOINT, { ...ref, galleryName: "a\uD800" }), InvalidArgumentError);
    assert.throws(() => galleryUrl(ENDPOINT, ref, { select: "All" as never }), /select/);
    assert.throws(() => galleryUrl(ENDPOINT, ref, { expand: "x" as never }), /expand/);
  });

  it("never leaves the path template (fast-check, 10,000 runs)", () => {
    const tricky = fc.constantFrom(
      "/",
      "..",
      ".",
      "?",
      "#",
      "%2F",
      "%2e",
      "%2E%2e",
      "\\",
      "%",
      " ",
      "\u00e9",
      "\u{1F600}",
      "\uD800",
      "&",
      "=",
      "\t",
      "\n",
      "@",
      ":",
      "\r",
      "\u0000",
      "%00",
      "\u202e", // right-to-left override
      "／", // fullwidth solidus
      "．", // fullwidth full stop
      "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g", // a whole ARM id
    );
    const segment = fc.oneof(
      fc.string({ unit: "binary", maxLength: 12 }),
      fc
        .array(fc.oneof(tricky, fc.string({ maxLength: 3 })), { maxLength: 6 })
        .map((parts) => parts.join("")),
      tricky,
    );
    fc.assert(
      fc.property(segment, segment, segment, (subscriptionId, resourceGroupName, galleryName) => {
        const input = { subscriptionId, resourceGroupName, galleryName };
        const valid = [subscriptionId, resourceGroupName, galleryName].every(
          (s) => s !== "" && s !== "." && s !== ".." && isWellFormed(s),
        );
        let url: string;
        try {
          url = galleryUrl(ENDPOINT, input);
        } catch (e) {
          assert.ok(e instanceof InvalidArgumentError);
          assert.ok(!valid, `valid input refused: ${JSON.stringify(input)}`);
          return;
        }
        assert.ok(valid, `invalid input accepted: ${JSON.stringify(input)}`);
        const parsed = new URL(url);
        assert.equal(parsed.origin, ENDPOINT);
        assert.equal(parsed.hash, "");
        assert.equal(parsed.search, "?api-version=2025-03-03");
        // "/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Compute/galleries/{name}" splits into 9.
        const segments = parsed.pathname.split("/");
        assert.equal(segments.length, 9, `${url} from ${JSON.stringify(input)}`);
        assert.deepEqual(
          [segments[0], segments[1], segments[3], segments[5], segments[6], segments[7]],
          ["", "subscriptions", "resourceGroups", "providers", "Microsoft.Compute", "galleries"],
        );
        assert.deepEqual(
          [segments[2], segments[4], segments[8]].map((s) => decodeURIComponent(s)),
          [subscriptionId, resourceGroupName, galleryName],
        );
      }),
      { numRuns: 10_000 },
    );
  });
});

function isWellFormed(s: string): boolean {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
}
