// The command line as installed from the packed tarball (no examples/ beside it but the one shipped, no
// scripts/, no repository): `--demo` runs, and `--version` answers, from node_modules.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { installedProgram } from "../support/engineInstall";
import { finished, isolatedEnv } from "../support/cliProject";

describe("gallery-lookup from the installed package", function () {
  this.timeout(90_000);

  it("preview --demo runs the shipped example: preview, up, no change, drift; only GETs", async () => {
    const program = installedProgram();
    const bin = path.join(
      program.dir,
      "node_modules",
      "pulumi-azure-gallery-lookup",
      "dist",
      "cli",
      "main.js",
    );
    assert.ok(fs.existsSync(path.join(path.dirname(bin), "..", "..", "examples", "basic", "index.ts")));
    assert.equal(
      execFileSync(process.execPath, [bin, "--version"], { encoding: "utf8" }).trim(),
      (
        JSON.parse(
          fs.readFileSync(
            path.join(program.dir, "node_modules", "pulumi-azure-gallery-lookup", "package.json"),
            "utf8",
          ),
        ) as { version: string }
      ).version,
    );
    const child = spawn(process.execPath, [bin, "preview", "--demo"], {
      cwd: program.dir,
      env: { ...process.env, ...isolatedEnv() },
      stdio: "pipe",
    });
    const run = await finished(child);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /Previewing again with nothing changed in Azure: no changes\./);
    assert.match(run.stdout, /~ sharedSubscriptionIds: .*9f0e8d7c-0000-4000-8000-00000000d1f7/);
    assert.match(run.stdout, /ARM requests sent: \d+, methods: GET\./);
  });
});
