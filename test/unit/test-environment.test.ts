import { strict as assert } from "node:assert";
import { applyEnv, withEnv } from "../support/environment";
import { envChanges } from "../support/environmentGuard";

// The helpers every environment-changing test relies on: an unset name must come back unset, not
// as the string "undefined" (which once became os.tmpdir() for the rest of a CI run).
describe("test support: changing process.env for one test", () => {
  const NAME = "GALLERY_LOOKUP_TEST_ONLY_VARIABLE";

  it("restores an unset name to unset and a set one to its value, also when the test throws", async () => {
    assert.equal(NAME in process.env, false);
    await assert.rejects(
      withEnv({ [NAME]: "x" }, () => {
        assert.equal(process.env[NAME], "x");
        throw new Error("boom");
      }),
      /boom/,
    );
    assert.equal(NAME in process.env, false, "still unset, not the string 'undefined'");

    const restore = applyEnv({ [NAME]: "kept" });
    try {
      await withEnv({ [NAME]: undefined }, () => assert.equal(NAME in process.env, false));
      assert.equal(process.env[NAME], "kept");
    } finally {
      restore();
    }
    assert.equal(NAME in process.env, false);
  });

  it("the guard names what a test changed, set or unset, without its value", () => {
    const before = new Map<string, string | undefined>([
      ["A", "1"],
      ["B", "2"],
    ]);
    const after = new Map<string, string | undefined>([
      ["A", "secret-value"],
      ["C", "3"],
    ]);
    const changes = envChanges(before, after);
    assert.deepEqual(changes, ["A: set -> set", "B: set -> unset", "C: unset -> set"]);
    assert.ok(!changes.join().includes("secret-value"), "values never appear: they may be secrets");
    assert.deepEqual(envChanges(before, new Map(before)), []);
  });
});
