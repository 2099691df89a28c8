// The same program through both engines: the real Pulumi CLI, and the in-memory stand-in that `gallery-lookup
// preview` falls back to (provider/preview/localEngine.ts). Step kinds, values known at preview, exit codes and
// stack outputs must agree; where they cannot, docs/engine-proof.md says so.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { galleryId } from "#internal/emulator/index";
import { runProgram, type RunProgramResult } from "#internal/preview/runProgram";
import { startBasicProgram, type BasicProgramRig } from "../support/engineHarness";
import { REPO_ROOT } from "../support/engineInstall";
import { pulumiProject, requirePulumi, type PreviewJson, type PulumiProject } from "../support/pulumiCli";

const PROJECT = "gallery-lookup-basic";

/** `type → op` of a run, with the type's last segment (both engines name the same resources). */
function opsOfCli(preview: PreviewJson): Record<string, string> {
  return Object.fromEntries(
    (preview.steps ?? []).map((s) => [s.urn.split("::")[2].split(":").pop() ?? "", s.op]),
  );
}

function opsOfLocal(run: RunProgramResult): Record<string, string> {
  return Object.fromEntries(run.steps.map((s) => [s.type.split(":").pop() ?? "", s.op]));
}

describe("real Pulumi CLI and the offline engine agree on examples/basic", function () {
  this.timeout(240_000);
  let rig: BasicProgramRig;
  let project: PulumiProject;
  let state: RunProgramResult["state"];

  const config = { galleryName: "myDemoGallery" };
  const localConfig = () => ({
    ...rig.base.config,
    ...Object.fromEntries(Object.entries(config).map(([k, v]) => [`${PROJECT}:${k}`, v])),
  });

  before(async function () {
    const binary = requirePulumi(this);
    rig = await startBasicProgram();
    project = await pulumiProject(
      binary,
      rig.azure,
      { "index.ts": fs.readFileSync(path.join(REPO_ROOT, "examples", "basic", "index.ts"), "utf8") },
      { name: PROJECT },
    );
    await project.ok(["config", "set", "galleryName", config.galleryName]);
  });
  after(async () => {
    project?.close();
    await rig?.close();
  });

  it("a new stack's preview: the same steps, and the same lookup values known", async () => {
    const cli = JSON.parse((await project.ok(["preview", "--json"])).stdout) as PreviewJson;
    const local = await runProgram({ ...rig.base, config: localConfig() });
    assert.equal(local.exitCode, 0, local.stderr);
    assert.deepEqual(opsOfCli(cli), opsOfLocal(local));
    const shown = cli.steps?.find((s) => s.urn.endsWith("::gallery"))?.newState?.inputs ?? {};
    for (const key of ["uniqueName", "principalId", "sharedSubscriptionIds", "resourceId"]) {
      const output = key === "resourceId" ? "galleryId" : key;
      assert.deepEqual(local.outputs[output], shown[key], `${key}: the same known value in both previews`);
    }
  });

  it("up: the same stack outputs; then the same 'same' steps and exit 0 with --expect-no-changes", async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    const local = await runProgram({ ...rig.base, config: localConfig(), dryRun: false });
    assert.equal(local.exitCode, 0, local.stderr);
    state = local.state;
    const cliOutputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<
      string,
      unknown
    >;
    assert.deepEqual(cliOutputs, JSON.parse(JSON.stringify(local.outputs)));

    const cli = await project.run(["preview", "--expect-no-changes", "--json", "--show-sames"]);
    assert.equal(cli.code, 0);
    const again = await runProgram({ ...rig.base, config: localConfig(), state });
    assert.deepEqual(opsOfCli(JSON.parse(cli.stdout) as PreviewJson), opsOfLocal(again));
  });

  it("drift: both show an update of the lookup, and the CLI's --expect-no-changes exits 7", async () => {
    const id = galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, config.galleryName);
    rig.azure.patchGallery(id, { tags: { costCenter: "finance" } });
    const cli = await project.run(["preview", "--expect-no-changes", "--json", "--show-sames"]);
    assert.equal(cli.code, 7);
    const local = await runProgram({ ...rig.base, config: localConfig(), state });
    assert.deepEqual(opsOfCli(JSON.parse(cli.stdout) as PreviewJson), opsOfLocal(local));
    assert.deepEqual(
      local.steps.find((s) => s.type.endsWith(":GalleryLookup"))?.changedKeys,
      ["tags"],
      "the offline engine names the changed output",
    );
  });

  it("a missing gallery: both fail the preview, naming the gallery", async () => {
    await project.ok(["config", "set", "galleryName", "noSuchGallery"]);
    const cli = await project.run(["preview"]);
    const local = await runProgram({
      ...rig.base,
      config: { ...localConfig(), [`${PROJECT}:galleryName`]: "noSuchGallery" },
    });
    assert.notEqual(cli.code, 0);
    assert.notEqual(local.exitCode, 0);
    assert.match(cli.stdout, /noSuchGallery/);
    assert.match([...local.errors, local.stderr].join("\n"), /noSuchGallery/);
  });
});
