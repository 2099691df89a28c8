// `gallery-lookup drift` over what the real Pulumi CLI wrote (`pulumi stack export`, with and without
// --show-secrets, piped to `drift -`, and the file:// backend read in place) reaches the verdict that
// `pulumi preview --expect-no-changes` reaches on the same stack: in sync, drifted, deleted.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as path from "node:path";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { installedProgram } from "../support/engineInstall";
import {
  EXPECT_NO_CHANGES_EXIT,
  basicExampleProject,
  requirePulumi,
  type PulumiProject,
} from "../support/pulumiCli";

interface DriftRun {
  code: number | null;
  report: { exitCode: number; lookups: { status: string; changes?: { path: string[] }[] }[] };
  stderr: string;
}

describe("real Pulumi CLI: gallery-lookup drift agrees with preview --expect-no-changes", function () {
  this.timeout(180_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  let id: string;

  /** The installed package's CLI, as `npx gallery-lookup drift --json ARGS` runs it, with the emulator's environment. */
  function drift(args: string[], stdin = ""): Promise<DriftRun> {
    const main = path.join(
      installedProgram().dir,
      "node_modules",
      "pulumi-azure-gallery-lookup",
      "dist",
      "cli",
      "main.js",
    );
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [main, "drift", "--json", ...args], {
        env: {
          PATH: project.env.PATH,
          HOME: project.env.HOME,
          TMPDIR: project.env.TMPDIR,
          ...azure.environment(),
        },
        stdio: "pipe",
      });
      let stdout = "";
      let stderr = "";
      child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
      child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      child.stdin.end(stdin);
      child.on("error", reject);
      child.on("close", (code) => {
        try {
          resolve({ code, report: JSON.parse(stdout) as DriftRun["report"], stderr });
        } catch {
          reject(new Error(`drift printed no report (exit ${code}): ${stdout}${stderr}`));
        }
      });
    });
  }

  /** The preview's exit code, and what drift says from the three sources, side by side. */
  async function verdicts() {
    const preview = await project.run(["preview", "--expect-no-changes"]);
    const exported = (await project.ok(["stack", "export"])).stdout;
    const shown = (await project.ok(["stack", "export", "--show-secrets"])).stdout;
    assert.notEqual(exported, shown, "the state holds a secret, so --show-secrets is another input");
    const runs = {
      export: await drift(["-"], exported),
      showSecrets: await drift(["-"], shown),
      backend: await drift(["--backend", `file://${project.backendDir}`]),
    };
    for (const [source, run] of Object.entries(runs)) {
      assert.equal(run.report.exitCode, run.code, source);
      assert.equal(run.report.lookups.length, 1, `${source}: ${JSON.stringify(run.report)}`);
    }
    return { preview, runs };
  }

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    id = galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery");
    project = await basicExampleProject(binary, azure, "myDemoGallery");
    await project.ok(["config", "set", "--secret", "deployToken"], { stdin: "not-read-by-anything" });
    await project.ok(["up", "--yes", "--skip-preview"]);
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("in sync: the preview exits 0, and drift exits 0 from every source", async () => {
    const { preview, runs } = await verdicts();
    assert.equal(preview.code, 0, preview.stdout + preview.stderr);
    for (const [source, run] of Object.entries(runs)) {
      assert.equal(run.code, 0, `${source}: ${JSON.stringify(run.report)}`);
      assert.equal(run.report.lookups[0].status, "in_sync", source);
    }
  });

  it("drifted: the preview exits 7, drift exits 2 from every source, naming the fields the preview diffs", async () => {
    azure.patchGallery(id, {
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [{ type: "Subscriptions", ids: ["34a4ab42-0d72-47d9-bd1a-aed207386dac"] }],
        },
      },
    });
    const { preview, runs } = await verdicts();
    assert.equal(preview.code, EXPECT_NO_CHANGES_EXIT, preview.stdout + preview.stderr);
    const diffLine = /GalleryLookup gallery update \[diff: ~([^\]]*)\]/.exec(preview.stdout);
    assert.ok(diffLine, preview.stdout);
    const previewKeys = diffLine[1].split(",").sort();
    for (const [source, run] of Object.entries(runs)) {
      assert.equal(run.code, 2, `${source}: ${JSON.stringify(run.report)}`);
      const lookup = run.report.lookups[0];
      assert.equal(lookup.status, "drifted", source);
      const driftKeys = [...new Set((lookup.changes ?? []).map((c) => c.path[0]))].sort();
      assert.deepEqual(driftKeys, previewKeys, `${source}: drift and the preview name the same outputs`);
    }
  });

  it("deleted: the preview fails naming the gallery, and drift exits 2 with the lookup deleted, from every source", async () => {
    assert.ok(azure.removeGallery(id));
    const { preview, runs } = await verdicts();
    assert.notEqual(preview.code, 0);
    assert.notEqual(preview.code, EXPECT_NO_CHANGES_EXIT, "a failure, not a change");
    assert.match(
      preview.stdout + preview.stderr,
      /property galleryName value {myDemoGallery} has a problem: gallery "myDemoGallery" .* was not found/,
    );
    for (const [source, run] of Object.entries(runs)) {
      assert.equal(run.code, 2, `${source}: ${JSON.stringify(run.report)}`);
      assert.equal(run.report.lookups[0].status, "deleted", source);
    }
  });
});
