// The real Pulumi CLI logged in to an azblob:// backend on Azurite (Microsoft's Blob Storage emulator, on
// 127.0.0.1), stacks brought up against the Azure emulator, and `gallery-lookup drift --stack/--all-stacks`
// reading them back through the CLI: the same verdicts as over an exported file of each stack.
//
// How the CLI reaches a local Blob endpoint (gocloud.dev/blob/azureblob at the version Pulumi v3.276.0
// pins, v0.46.1-0.20260810195832-b5401c07b5f1): the bucket URL's `domain=127.0.0.1:PORT` (a domain starting
// with 127.0.0.1 puts the account in the path, as Azurite expects), `protocol=http` and `localemu=true`;
// AZURE_STORAGE_ACCOUNT and AZURE_STORAGE_KEY give the shared key.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DriftReport } from "#internal/drift/driftReport";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzurite, type Azurite } from "../support/azurite";
import { runDrift, useStacksRig, verdicts } from "../support/driftCli";
import { lookupsProgram } from "../support/pulumiCli";

describe("real Pulumi CLI on an azblob:// backend (Azurite): drift through the CLI", function () {
  this.timeout(300_000);
  let azurite: Azurite;
  before(async () => {
    azurite = await startAzurite();
    await azurite.createContainer("state");
  });
  after(async () => await azurite?.close());
  const rig = useStacksRig({
    galleries: ["azblobDev", "azblobProd"],
    projects: (azure) => ({
      images: {
        dev: lookupsProgram(azure.resourceGroupName, { gallery: { galleryName: "azblobDev" } }),
        prod: lookupsProgram(azure.resourceGroupName, { gallery: { galleryName: "azblobProd" } }),
      },
    }),
    login: () => ({
      PULUMI_BACKEND_URL: `azblob://state?domain=${azurite.host}&protocol=http&localemu=true`,
      AZURE_STORAGE_ACCOUNT: AZURITE_ACCOUNT,
      AZURE_STORAGE_KEY: AZURITE_KEY,
    }),
  });

  const report = (stdout: string) => JSON.parse(stdout) as DriftReport;

  it("the stacks live in the container, and --all-stacks finds them in sync", async () => {
    const blobs = await azurite.listBlobs("state");
    assert.ok(blobs.includes(".pulumi/stacks/images/dev.json"), JSON.stringify(blobs));
    assert.ok(blobs.includes(".pulumi/stacks/images/prod.json"), JSON.stringify(blobs));
    assert.equal(
      fs.readdirSync(rig.backend.backendDir).length,
      0,
      "nothing in the file:// folder the harness made",
    );
    const run = await runDrift(["--json", "--all-stacks"], rig.env);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    const r = report(run.stdout);
    assert.deepEqual(
      r.sources.map((s) => s.source),
      ["pulumi:organization/images/dev", "pulumi:organization/images/prod"],
    );
    assert.deepEqual(
      r.lookups.map((l) => l.status),
      ["in_sync", "in_sync"],
    );
  });

  it("drifted and deleted: --stack, --all-stacks and the exported files reach the same verdicts", async () => {
    rig.azure.patchGallery(rig.id("azblobDev"), { tags: { costCenter: "moved" } });
    assert.ok(rig.azure.removeGallery(rig.id("azblobProd")));
    const stacks = ["organization/images/dev", "organization/images/prod"];
    const files: string[] = [];
    for (const stack of stacks) {
      const file = path.join(rig.scratch, `${stack.split("/").pop()}.json`);
      await rig.backend.projects.images.ok(["stack", "export", "--stack", stack, "--file", file]);
      files.push(file);
    }
    const overFiles = await runDrift(["--json", ...files], rig.env);
    const overStacks = await runDrift(["--json", ...stacks.flatMap((s) => ["--stack", s])], rig.env);
    const overAll = await runDrift(["--json", "--all-stacks"], rig.env);
    for (const run of [overFiles, overStacks, overAll]) assert.equal(run.code, 2, run.stdout + run.stderr);
    const expected = verdicts(report(overFiles.stdout));
    assert.deepEqual(
      Object.values(expected).map((v) => (v as { status: string }).status),
      ["drifted", "deleted"],
    );
    assert.deepEqual(verdicts(report(overStacks.stdout)), expected, "--stack = FILE");
    assert.deepEqual(verdicts(report(overAll.stdout)), expected, "--all-stacks = FILE");
  });
});
