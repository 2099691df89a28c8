// Issue 26 for the provider plugin: the engine runs Check one resource at a time but Create in parallel,
// and the plugin GETs a new lookup in Create (in a preview too: it answers Configure with supportsPreview).
// Proved by counting, not timing, from YAML (Pulumi's pulumi-language-yaml): the emulator holds every ARM
// answer until all of them have arrived, so lookups whose GETs went one after the other would never finish.
// Still one GET per lookup per operation, and every value known in the preview of a new stack. The engine
// runs at most --parallel steps at once (default: 4 per core, so 8 on 2 cores), so the runs here ask for
// more than the lookups they hold.
import { strict as assert } from "node:assert";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { requireLanguageYaml, yamlPluginProject } from "../support/pluginCli";
import {
  armRequestsSeen,
  getsByGallery,
  occurrences,
  putGalleries,
  requirePulumi,
  type PulumiProject,
} from "../support/pulumiCli";

const LOOKUPS = 20;
const names = Array.from({ length: LOOKUPS }, (_, i) => `gallery${String(i).padStart(2, "0")}`);

const PROGRAM = (group: string) =>
  [
    "name: plugin-overlap",
    "runtime: yaml",
    "resources:",
    ...names.flatMap((name) => [
      `  ${name}:`,
      "    type: azure-gallery-lookup:index:GalleryLookup",
      "    properties:",
      `      resourceGroupName: ${group}`,
      `      galleryName: ${name}`,
    ]),
    "outputs:",
    ...names.map((name) => `  ${name}: \${${name}.uniqueName}`),
    "",
  ].join("\n");

describe("real Pulumi CLI: the provider plugin's new lookups overlap (issue 26)", function () {
  this.timeout(300_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  let binary: string;
  let languageYaml: string;

  before(async function () {
    binary = requirePulumi(this);
    languageYaml = requireLanguageYaml(this);
    azure = await startEmulator();
    putGalleries(azure, names, "plain");
    project = await yamlPluginProject(binary, languageYaml, azure, PROGRAM(azure.resourceGroupName));
  });
  afterEach(() => azure?.releaseAnswers());
  after(async () => {
    project?.close();
    await azure?.close();
  });

  for (const [title, args] of [
    ["a preview of a new stack", ["preview", "--parallel", "32"]],
    ["an up of a new stack", ["up", "--yes", "--skip-preview", "--parallel", "32"]],
  ] as const) {
    it(`with every answer held until all ${LOOKUPS} GETs have arrived, ${title} finishes, one GET each, every value known`, async () => {
      azure.clearJournal();
      azure.holdAnswers(LOOKUPS);
      // GETs that queue would hold the first one forever: a lookup's deadline is far beyond this bound.
      const run = await project.run([...args], { timeoutMs: 120_000 });
      azure.releaseAnswers();
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.deepEqual(
        [...getsByGallery(azure).entries()].sort(),
        names.map((n) => [n, 1]),
      );
      for (const name of names)
        assert.match(
          run.stdout,
          new RegExp(`${name}\\s*:\\s*"${azure.subscriptionId}-${name.toUpperCase()}"`),
        );
    });
  }

  it("a preview of the stack now up to date sends one GET per lookup (in Check, one at a time) and has no changes", async () => {
    azure.clearJournal();
    const run = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.deepEqual(
      [...getsByGallery(azure).entries()].sort(),
      names.map((n) => [n, 1]),
    );
  });

  // The engine then runs each Diff as a step of its own, bounded by --parallel as Create is.
  describe("with PULUMI_PARALLEL_DIFF=true, which makes the engine run Diff in parallel", () => {
    const PARALLEL_DIFF = { env: { PULUMI_PARALLEL_DIFF: "true" } };
    const EXPECT_NO_CHANGES_FAILED = 7;

    it(`with every answer held until all ${LOOKUPS} GETs have arrived, a preview of the up-to-date stack finishes, one GET each (in Diff), no changes`, async () => {
      azure.clearJournal();
      azure.holdAnswers(LOOKUPS);
      const run = await project.run(["preview", "--expect-no-changes", "--parallel", "32"], {
        ...PARALLEL_DIFF,
        timeoutMs: 120_000,
      });
      azure.releaseAnswers();
      assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
      assert.deepEqual(
        [...getsByGallery(azure).entries()].sort(),
        names.map((n) => [n, 1]),
      );
    });

    it("drift: the preview sees it (exit 7), and up stores the gallery as it is now, one GET per lookup each", async () => {
      const id = azure.galleries().find((g) => g.endsWith(`/${names[3]}`))!;
      azure.patchGallery(id, { properties: { description: "changed in Azure" } });
      try {
        azure.clearJournal();
        const preview = await project.run(["preview", "--expect-no-changes"], PARALLEL_DIFF);
        assert.equal(preview.code, EXPECT_NO_CHANGES_FAILED, `${preview.stdout}\n${preview.stderr}`);
        assert.match(
          preview.stdout,
          new RegExp(`~\\s+azure-gallery-lookup:index:GalleryLookup\\s+${names[3]}\\s+update`),
        );
        assert.deepEqual(
          [...getsByGallery(azure).entries()].sort(),
          names.map((n) => [n, 1]),
        );
        azure.clearJournal();
        await project.ok(["up", "--yes", "--skip-preview"], PARALLEL_DIFF);
        assert.deepEqual(
          [...getsByGallery(azure).entries()].sort(),
          names.map((n) => [n, 1]),
          "Update returns what Diff saw",
        );
        const stored = (await project.exportStack()).deployment.resources?.find((r) =>
          r.urn.endsWith(`::${names[3]}`),
        );
        assert.equal(stored?.outputs?.description, "changed in Azure");
      } finally {
        azure.patchGallery(id, { properties: { description: "" } });
      }
    });

    it("a stored lookup whose gallery is gone fails the preview once, naming galleryName, with no stack trace", async () => {
      const gone = names[5];
      azure.removeGallery(azure.galleries().find((g) => g.endsWith(`/${gone}`))!);
      try {
        azure.clearJournal();
        const run = await project.run(["preview"], PARALLEL_DIFF);
        assert.notEqual(run.code, 0);
        const output = run.stdout + run.stderr;
        const section = run.stdout.split("\nDiagnostics:\n")[1] ?? "";
        const reason = `galleryName: gallery "${gone}" in resource group "${azure.resourceGroupName}" of subscription ${azure.subscriptionId} was not found (ARM ResourceNotFound`;
        assert.equal(occurrences(section, reason), 1, output);
        assert.equal(occurrences(output, "    at "), 0, `no stack trace\n${output}`);
        assert.equal(armRequestsSeen(azure).filter((e) => e.path.endsWith(`/${gone}`)).length, 1);
      } finally {
        putGalleries(azure, [gone], "plain");
      }
    });
  });

  it("a new lookup of a gallery that does not exist fails the preview once, naming galleryName, after its one GET", async () => {
    const missing = await yamlPluginProject(
      binary,
      languageYaml,
      azure,
      PROGRAM(azure.resourceGroupName).replace("galleryName: gallery00", "galleryName: noSuchGallery"),
    );
    try {
      azure.clearJournal();
      const run = await missing.run(["preview"]);
      assert.notEqual(run.code, 0);
      const output = run.stdout + run.stderr;
      // Once in the diagnostics, under the lookup (the progress lines echo them, as for any error).
      const section = run.stdout.split("\nDiagnostics:\n")[1] ?? "";
      const reason = `galleryName: gallery "noSuchGallery" in resource group "${azure.resourceGroupName}" of subscription ${azure.subscriptionId} was not found (ARM ResourceNotFound`;
      assert.equal(occurrences(section, reason), 1, output);
      assert.match(section, /GalleryLookup \(gallery00\):\n\s+error: Preview failed: galleryName: /);
      assert.equal(occurrences(output, "    at "), 0, `no stack trace\n${output}`);
      assert.equal(armRequestsSeen(azure).filter((e) => e.path.endsWith("/noSuchGallery")).length, 1);
    } finally {
      missing.close();
    }
  });
});
