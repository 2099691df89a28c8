// The engine tests' installed program is cached in the temp folder. A cache whose dependency links point
// into a checkout that is gone (another clone, deleted after it made the cache) must be rebuilt, not used.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installedProgram } from "../support/engineInstall";

/** Whether `name` resolves from `dir`, asked in a fresh process (Node caches package.json misses). */
function resolvesIn(dir: string, name: string): boolean {
  try {
    execFileSync(
      process.execPath,
      ["-e", `require.resolve(${JSON.stringify(name)}, { paths: [${JSON.stringify(dir)}] })`],
      {
        stdio: "ignore",
      },
    );
    return true;
  } catch {
    return false;
  }
}

describe("the engine tests' install cache", function () {
  this.timeout(180_000);

  it("rebuilds a cached program whose links lead into a deleted checkout", () => {
    const { dir } = installedProgram();
    // What a deleted clone leaves behind: the cache's links now lead nowhere.
    const dead = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-dead-checkout-"));
    fs.rmSync(dead, { recursive: true, force: true });
    for (const name of ["@azure/identity", "@pulumi/pulumi"]) {
      const link = path.join(dir, "node_modules", name);
      fs.rmSync(link, { recursive: true, force: true });
      fs.symlinkSync(path.join(dead, "node_modules", name), link, "junction");
    }
    assert.equal(resolvesIn(dir, "@azure/identity"), false, "the links are dead");

    // A fresh process, as a fresh clone's test run would be: it finds the cache and must not trust it.
    const support = path.join(__dirname, "..", "support", "engineInstall.js");
    const report = execFileSync(
      process.execPath,
      ["-e", `process.stdout.write(JSON.stringify(require(${JSON.stringify(support)}).installedProgram()))`],
      { encoding: "utf8" },
    );
    const rebuilt = JSON.parse(report) as { dir: string; fresh: boolean };
    assert.equal(rebuilt.fresh, true, "the broken cache was rebuilt");
    for (const name of ["@azure/identity", "@pulumi/pulumi", "@pulumi/azure-native"]) {
      assert.ok(resolvesIn(rebuilt.dir, name), `${name} resolves from the rebuilt program`);
    }
    // The program this run's other engine tests use is usable again.
    assert.ok(resolvesIn(dir, "@azure/identity"));
  });
});
