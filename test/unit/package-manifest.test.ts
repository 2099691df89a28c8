import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const { publishedManifest, INSTALL_SCRIPTS } = require(path.join(ROOT, "scripts", "pack-manifest.js")) as {
  publishedManifest(
    m: Record<string, unknown>,
  ): { scripts: Record<string, string> } & Record<string, unknown>;
  INSTALL_SCRIPTS: string[];
};

describe("package: the published manifest", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const published = publishedManifest(manifest);

  it("keeps prepare for npm ci in the repository, and packs without any install-time script", () => {
    assert.match((manifest.scripts as Record<string, string>).prepare, /link-self/);
    for (const name of INSTALL_SCRIPTS) assert.equal(published.scripts[name], undefined, name);
  });

  it("runs no file that is not shipped", () => {
    const files = manifest.files as string[];
    for (const [name, command] of Object.entries(published.scripts)) {
      for (const [, file] of command.matchAll(/node ([\w./-]+\.js)/g)) {
        assert.ok(
          files.some((f) => file.startsWith(f)),
          `${name} runs ${file}, which is not in "files"`,
        );
      }
    }
  });

  it("names its repository, homepage and issue tracker; ships the demo's example and the CLI", () => {
    assert.match(String((manifest.repository as { url?: string })?.url), /^git\+https:\/\/github\.com\//);
    assert.match(String(manifest.homepage), /^https:\/\//);
    assert.match(String((manifest.bugs as { url?: string })?.url), /\/issues$/);
    assert.ok((manifest.files as string[]).includes("examples/basic/index.ts"));
    assert.ok(fs.existsSync(path.join(ROOT, "examples", "basic", "index.ts")));
  });
});
