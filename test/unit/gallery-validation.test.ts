import { strict as assert } from "node:assert";
import fc from "fast-check";
import { UNKNOWN } from "#internal/gallery/unknowns";
import { validateLookupArgs } from "#internal/gallery/validation";

const SUB = "00000000-0000-0000-0000-000000000001";
const valid = { subscriptionId: SUB, resourceGroupName: "rg-images", galleryName: "corp.Images_1" };

function failuresFor(inputs: Record<string, unknown>): string[] {
  return validateLookupArgs(inputs).failures.map((f) => f.property);
}

describe("validateLookupArgs", () => {
  it("accepts valid arguments and returns them", () => {
    const result = validateLookupArgs({ ...valid, select: "Permissions", expand: "SharingProfile/Groups" });
    assert.deepEqual(result.failures, []);
    assert.deepEqual(result.args, { ...valid, select: "Permissions", expand: "SharingProfile/Groups" });
  });

  it("names the property and the rule for each broken argument", () => {
    const result = validateLookupArgs({
      subscriptionId: "nope",
      resourceGroupName: "rg.",
      galleryName: "-x",
    });
    assert.deepEqual(
      result.failures.map((f) => f.property),
      ["subscriptionId", "resourceGroupName", "galleryName"],
    );
    assert.match(result.failures[0].reason, /GUID/);
    assert.match(result.failures[1].reason, /not end with '\.'/);
    assert.match(result.failures[2].reason, /start with a letter or digit/);
    assert.equal(result.args, undefined);
  });

  it("says where a subscription can come from when none was found", () => {
    const [failure] = validateLookupArgs({ resourceGroupName: "rg", galleryName: "g" }).failures;
    assert.equal(failure.property, "subscriptionId");
    assert.match(failure.reason, /azure-native:subscriptionId/);
    assert.match(failure.reason, /ARM_SUBSCRIPTION_ID/);
  });

  it("applies ARM's gallery name rule at its edges", () => {
    for (const name of ["a", "A1", "a".repeat(80), "a_b-c.d", "9z"])
      assert.deepEqual(failuresFor({ ...valid, galleryName: name }), []);
    for (const name of ["_a", "a-", "a.", "a".repeat(81), "a b", "a/b", "ga\u0142", ".a", "-a"]) {
      assert.deepEqual(failuresFor({ ...valid, galleryName: name }), ["galleryName"], name);
    }
  });

  it("applies ARM's resource group rule at its edges", () => {
    for (const rg of ["a", "(a)", "a.b", "a".repeat(90), "-_"])
      assert.deepEqual(failuresFor({ ...valid, resourceGroupName: rg }), []);
    for (const rg of ["a.", "a".repeat(91), "a/b", "a b", "a%2Fb", ".."]) {
      assert.deepEqual(failuresFor({ ...valid, resourceGroupName: rg }), ["resourceGroupName"], rg);
    }
  });

  it("accepts select and expand in any letter case, as ARM does, and keeps the canonical spelling", () => {
    const result = validateLookupArgs({ ...valid, select: "permissions", expand: "sharingProfile/groups" });
    assert.deepEqual(result.failures, []);
    assert.equal(result.args?.select, "Permissions");
    assert.equal(result.args?.expand, "SharingProfile/Groups");
  });

  it("accepts only the one value of select and expand", () => {
    assert.deepEqual(failuresFor({ ...valid, select: "permission" }), ["select"]);
    assert.deepEqual(failuresFor({ ...valid, expand: "SharingProfile" }), ["expand"]);
  });

  it("refuses values that are not strings without throwing", () => {
    const result = validateLookupArgs({ ...valid, galleryName: 42, select: {} });
    assert.deepEqual(
      result.failures.map((f) => f.property),
      ["galleryName", "select"],
    );
    assert.match(result.failures[0].reason, /must be a string \(got number\)/);
  });

  it("treats the unknown sentinel as neither a failure nor a value", () => {
    const result = validateLookupArgs({ ...valid, galleryName: UNKNOWN, resourceGroupName: "rg." });
    assert.deepEqual(result.unknown, ["galleryName"]);
    assert.deepEqual(
      result.failures.map((f) => f.property),
      ["resourceGroupName"],
    );
    assert.equal(result.args, undefined);
  });

  it("quotes bad values with control characters escaped and long ones cut", () => {
    const [failure] = validateLookupArgs({ ...valid, galleryName: "a\u0000b" + "x".repeat(500) }).failures;
    assert.match(failure.reason, /\\u0000/);
    assert.ok(failure.reason.length < 400);
  });

  it("never throws, and accepts a name only if it matches ARM's pattern (property)", () => {
    const armGallery = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$/;
    fc.assert(
      fc.property(fc.string({ maxLength: 120, unit: "binary" }), (name) => {
        const ok = failuresFor({ ...valid, galleryName: name }).length === 0;
        assert.equal(ok, armGallery.test(name) && !/[-.]$/.test(name));
      }),
      { numRuns: 10_000 },
    );
  });
});
