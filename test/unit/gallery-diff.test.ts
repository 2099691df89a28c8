import { strict as assert } from "node:assert";
import fc from "fast-check";
import { diffLookup, sameValue } from "#internal/gallery/diff";
import { UNKNOWN } from "#internal/gallery/unknowns";

const stored = {
  subscriptionId: "00000000-0000-0000-0000-000000000001",
  resourceGroupName: "RG",
  galleryName: "Gallery",
  expand: "SharingProfile/Groups",
  uniqueName: "00000000-0000-0000-0000-000000000001-GALLERY",
  sharedSubscriptionIds: ["a", "b"],
  identity: { type: "SystemAssigned", principalId: "p" },
};

describe("diffLookup", () => {
  it("nothing changed: no changes", () => {
    assert.deepEqual(diffLookup(stored, { ...stored, __provider: "x" }), {
      changes: false,
      replaces: [],
      changed: [],
    });
  });

  it("a change of letter case alone is no change", () => {
    const news = {
      ...stored,
      resourceGroupName: "rg",
      galleryName: "GALLERY",
      subscriptionId: stored.subscriptionId.toUpperCase(),
    };
    assert.equal(diffLookup(stored, news).changes, false);
  });

  for (const key of ["subscriptionId", "resourceGroupName", "galleryName", "environment"]) {
    it(`another ${key} replaces`, () => {
      const result = diffLookup(stored, { ...stored, [key]: "other" });
      assert.deepEqual(result.replaces, [key]);
      assert.equal(result.changes, true);
    });
  }

  it("select or expand changed: an update, not a replacement", () => {
    const result = diffLookup(stored, { ...stored, expand: undefined, select: "Permissions" });
    assert.deepEqual(result, { changes: true, replaces: [], changed: ["select", "expand"] });
  });

  it("drift in what was observed is an update, never a replacement", () => {
    const result = diffLookup(stored, {
      ...stored,
      sharedSubscriptionIds: ["a", "b", "c"],
      identity: { type: "None" },
    });
    assert.deepEqual(result, { changes: true, replaces: [], changed: ["identity", "sharedSubscriptionIds"] });
  });

  it("an output that disappeared is drift", () => {
    const { uniqueName: _gone, ...news } = stored;
    assert.deepEqual(diffLookup(stored, news).changed, ["uniqueName"]);
  });

  it("an unknown identifying input counts as a possible replacement", () => {
    assert.deepEqual(diffLookup(stored, { ...stored, galleryName: UNKNOWN }).replaces, ["galleryName"]);
  });

  it("sameValue ignores key order and undefined members (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), (obj) => {
        const reversed = Object.fromEntries(Object.entries(obj).reverse());
        assert.equal(sameValue(obj, { ...reversed, extra: undefined }), true);
      }),
    );
  });
});
