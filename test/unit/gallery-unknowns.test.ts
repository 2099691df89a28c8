import { strict as assert } from "node:assert";
import { containsUnknown, UNKNOWN } from "#internal/gallery/unknowns";

describe("containsUnknown", () => {
  it("finds the engine's sentinel at any depth", () => {
    assert.equal(containsUnknown(UNKNOWN), true);
    assert.equal(containsUnknown({ a: [{ b: UNKNOWN }] }), true);
    assert.equal(containsUnknown({ a: ["x", { b: "y" }], c: null }), false);
    assert.equal(containsUnknown("04DA6B54-80E4-46F7-96EC-B56FF0331BA9"), false);
  });
});
