// The provider plugin under the real Pulumi CLI, from YAML through Pulumi's own pulumi-language-yaml, on the
// emulator: the tarball of `npm run plugin:path` installed with `pulumi plugin install --file`, signed in
// through the plugin's own stack config (azure-gallery-lookup:*, the client secret a secret), and the whole
// lifecycle: values known at preview of a new stack, up, fn::invoke of getGallery, drift exiting 7,
// `gallery-lookup drift` seeing the same, refresh, and a destroy that sends nothing.
import { strict as assert } from "node:assert";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { readDocBlocks } from "../docs/docBlocks";
import { runDrift } from "../support/driftCli";
import { REPO_ROOT } from "../support/engineInstall";
import { NO_SIGN_IN, requireLanguageYaml, yamlPluginProject } from "../support/pluginCli";
import { requirePulumi, type PreviewJson, type PulumiProject, type PulumiRun } from "../support/pulumiCli";
import { CANARY } from "../support/canaries";

const LOOKUP_TYPE = "azure-gallery-lookup:index:GalleryLookup";
const EXPECT_NO_CHANGES_FAILED = 7;

/** The YAML program of docs/plugin.md, run as written (it names the emulator's resource group and gallery). */
function docsProgram(): string {
  const block = readDocBlocks(REPO_ROOT).find((b) => b.file === "docs/plugin.md" && b.lang === "yaml");
  assert.ok(block, "docs/plugin.md has a yaml block");
  return `${block.code}\n`;
}

describe("real Pulumi CLI: the provider plugin from YAML (pulumi-language-yaml)", function () {
  this.timeout(300_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  let id: string;
  const runs: PulumiRun[] = [];
  const armRequests = () => azure.journal().filter((e) => e.kind === "arm");
  const run = async (args: string[]) => {
    const result = await project.run(args);
    runs.push(result);
    return result;
  };
  const ok = async (args: string[]) => {
    const result = await run(args);
    assert.equal(result.code, 0, `pulumi ${args.join(" ")}\n${result.stdout}\n${result.stderr}`);
    return result;
  };

  before(async function () {
    const binary = requirePulumi(this);
    const languageYaml = requireLanguageYaml(this);
    azure = await startEmulator({ clientSecret: CANARY.clientSecret });
    id = galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery");
    project = await yamlPluginProject(binary, languageYaml, azure, docsProgram(), { env: NO_SIGN_IN });
    for (const [key, value] of [
      ["subscriptionId", azure.subscriptionId],
      ["tenantId", azure.tenantId],
      ["clientId", azure.clientId],
    ])
      await project.ok(["config", "set", `azure-gallery-lookup:${key}`, value]);
    await project.ok(["config", "set", "--secret", "azure-gallery-lookup:clientSecret", CANARY.clientSecret]);
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("a new stack's preview shows the lookup's values as known, sending GET only", async () => {
    azure.clearJournal();
    const preview = JSON.parse((await ok(["preview", "--json"])).stdout) as PreviewJson;
    const step = preview.steps?.find((s) => s.urn.includes(LOOKUP_TYPE));
    assert.ok(step, JSON.stringify(preview.steps?.map((s) => s.urn)));
    assert.equal(step.op, "create");
    // A new lookup's check only validates (its values come from Create, which `--json` steps do not show).
    assert.equal(
      step.newState?.inputs?.subscriptionId,
      azure.subscriptionId,
      "defaulted from azure-gallery-lookup:subscriptionId",
    );
    // What the program sees: the stack outputs built from the lookup, known.
    azure.clearJournal();
    const text = await ok(["preview"]);
    assert.doesNotMatch(text.stdout, /\[unknown\]|output<string>/);
    assert.match(text.stdout, /uniqueName\s*:\s*"5b5b5b5b-0000-4000-8000-000000000003-MYDEMOGALLERY"/);
    assert.match(text.stdout, /principalId\s*:\s*"7d1c3e9a-0000-4000-8000-00000000a11e"/);
    // One GET for the lookup (its Create in the preview) and one for the program's fn::invoke.
    assert.equal(armRequests().length, 2);
    assert.deepEqual([...new Set(armRequests().map((e) => e.method))], ["GET"]);
  });

  it("up stores the lookup, fn::invoke of getGallery answers the same gallery, and a second preview has no changes", async () => {
    await ok(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
    assert.equal(outputs.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.equal(outputs.invokedUniqueName, outputs.uniqueName);
    assert.equal(outputs.invokedId, id);
    assert.deepEqual(outputs.sharedSubscriptionIds, [
      "34a4ab42-0d72-47d9-bd1a-aed207386dac",
      "380fd389-260b-41aa-bad9-0a83108c370b",
    ]);
    const state = await project.exportStack();
    const lookup = state.deployment.resources?.find((r) => r.type === LOOKUP_TYPE);
    assert.ok(lookup);
    assert.equal((lookup as { id?: string }).id, id);
    const same = await run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
  });

  it("drift: after the gallery changes in Azure, preview --expect-no-changes exits 7, and gallery-lookup drift reports it", async () => {
    azure.patchGallery(id, { tags: { costCenter: "changed-in-azure" } });
    const drift = await run(["preview", "--expect-no-changes", "--diff"]);
    assert.equal(drift.code, EXPECT_NO_CHANGES_FAILED, drift.stdout + drift.stderr);
    assert.match(drift.stdout, /changed-in-azure/);
    // The drift check signs in through the environment, as in CI.
    const report = await runDrift(["--backend", `file://${project.backendDir}`, "--json"], {
      ...project.env,
      ...azure.environment(),
      PATH: process.env.PATH,
    });
    assert.equal(report.code, 2, report.stdout + report.stderr);
    const parsed = JSON.parse(report.stdout) as {
      lookups: { urn: string; status: string; changes?: unknown }[];
    };
    const mine = parsed.lookups.filter((l) => l.urn.includes(LOOKUP_TYPE));
    assert.equal(mine.length, 1, report.stdout);
    assert.equal(mine[0].status, "drifted");
    assert.match(JSON.stringify(mine[0].changes), /tags/);
  });

  it("refresh takes the gallery as it is now; then no changes", async () => {
    await ok(["refresh", "--yes", "--skip-preview"]);
    const state = await project.exportStack();
    const lookup = state.deployment.resources?.find((r) => r.type === LOOKUP_TYPE);
    assert.deepEqual((lookup?.outputs?.tags as Record<string, string>).costCenter, "changed-in-azure");
    const same = await run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
  });

  it("the client secret is in no run's output and in no lookup's inputs or outputs, even with --show-secrets", async () => {
    const shown = await project.exportStack(true);
    for (const resource of shown.deployment.resources ?? []) {
      if (resource.type.startsWith("pulumi:providers:")) continue; // the engine keeps its config, encrypted
      assert.doesNotMatch(JSON.stringify(resource), new RegExp(CANARY.clientSecret), resource.urn);
    }
    assert.doesNotMatch(JSON.stringify(await project.exportStack()), new RegExp(CANARY.clientSecret));
    for (const r of runs) assert.doesNotMatch(r.stdout + r.stderr, new RegExp(CANARY.clientSecret));
  });

  it("destroy sends nothing to Azure", async () => {
    azure.clearJournal();
    await ok(["destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(
      armRequests().map((e) => `${e.method} ${e.path}`),
      [],
    );
  });
});
