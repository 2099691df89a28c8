import { strict as assert } from "node:assert";
import fc from "fast-check";
import { checkedInputs, diffLookup, OBSERVED_KEYS, sameValue } from "#internal/gallery/diff";
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

describe("checkedInputs: what the gallery lacks is null, so a preview shows it as known", () => {
  const observed = {
    resourceId: "/subscriptions/s/resourceGroups/RG/providers/Microsoft.Compute/galleries/Gallery",
    name: "Gallery",
  };

  it("every output the observation lacks is folded as null, arguments as given", () => {
    const inputs = checkedInputs(
      { resourceGroupName: "RG", galleryName: "Gallery", subscriptionId: "s" },
      observed,
    );
    for (const key of [...OBSERVED_KEYS, "select", "expand", "environment"]) {
      assert.ok(key in inputs, `${key} is present`);
    }
    assert.equal(inputs.principalId, null);
    assert.equal(inputs.uniqueName, null);
    assert.equal(inputs.name, "Gallery");
    assert.equal(inputs.galleryName, "Gallery");
  });

  it("a state written before nulls were folded (the keys left out) is no change", () => {
    const old = { resourceGroupName: "RG", galleryName: "Gallery", subscriptionId: "s", ...observed };
    const news = checkedInputs(old, observed);
    assert.deepEqual(diffLookup(old, news), { changes: false, replaces: [], changed: [] });
    assert.deepEqual(diffLookup(news, old), { changes: false, replaces: [], changed: [] });
  });

  it("a value that appears where there was none is still drift", () => {
    const old = checkedInputs(
      { resourceGroupName: "RG", galleryName: "Gallery", subscriptionId: "s" },
      observed,
    );
    const news = checkedInputs(old, {
      ...observed,
      identity: { type: "SystemAssigned", principalId: "p" },
      principalId: "p",
    });
    assert.deepEqual(diffLookup(old, news).changed, ["identity", "principalId"]);
  });
});
