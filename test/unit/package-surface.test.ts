import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import path from "node:path";

const repoRoot = path.join(__dirname, "../../..");

/** Runs `code` in a fresh Node inside the package (so the package's own name resolves through `exports`). */
function inFreshNode(code: string): string {
  return execFileSync(process.execPath, ["-e", code], { cwd: repoRoot, encoding: "utf8" });
}

// A user's Pulumi program loads the package root: it must not pay for, or be exposed to, the tooling
// that ships beside the data source (the emulator and its certificate library, the offline engine, the CLI).
describe("the package's public surface", () => {
  it("loading the root loads none of the tooling", () => {
    const loaded = JSON.parse(
      inFreshNode(
        `require("pulumi-azure-gallery-lookup");` +
          `process.stdout.write(JSON.stringify(Object.keys(require.cache)))`,
      ),
    ) as string[];
    const tooling = loaded.filter((file) =>
      /[\\/](selfsigned|node-forge)[\\/]|[\\/]dist[\\/](emulator|preview|cli)[\\/]/.test(file),
    );
    assert.deepEqual(tooling, []);
    assert.ok(loaded.some((file) => /[\\/]dist[\\/]lookup[\\/]galleryLookup\.js$/.test(file)));
  });

  it("opens only the named subpaths; internals are not importable by users", () => {
    const outcome = (spec: string): string =>
      inFreshNode(
        `try { require.resolve(${JSON.stringify(spec)}); process.stdout.write("ok") }` +
          ` catch (e) { process.stdout.write(e.code) }`,
      );
    for (const spec of [
      "pulumi-azure-gallery-lookup",
      "pulumi-azure-gallery-lookup/emulator",
      "pulumi-azure-gallery-lookup/dynamic-provider",
      "pulumi-azure-gallery-lookup/runtime-preload",
      "pulumi-azure-gallery-lookup/dist/lookup/operations",
    ]) {
      assert.equal(outcome(spec), "ok", spec);
    }
    assert.equal(outcome("pulumi-azure-gallery-lookup/dist/arm/armClient"), "ERR_PACKAGE_PATH_NOT_EXPORTED");
  });

  it("the stable provider paths load the same operations module", () => {
    const same = inFreshNode(
      `process.stdout.write(String(require("pulumi-azure-gallery-lookup/dynamic-provider") === ` +
        `require("pulumi-azure-gallery-lookup/dist/lookup/operations")))`,
    );
    assert.equal(same, "true");
  });
});
