// Upgrading under the real Pulumi CLI: a stack deployed with the package as it was at an earlier commit (built
// from the git history), then today's package installed in its place. Every later command runs the provider
// text stored in that state (refresh, destroy) or today's (preview) with today's code: each must work, and
// the upgrade alone must show no change. Two earlier texts are in users' states: release 0.1.0's, which loads
// `dist/lookup/operations`, and the one Pulumi's closure serializer made until the text was written by hand
// (lookup/provider.ts), which loads the `dynamic-provider` export and calls its functions one by one.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { installedProgram, REPO_ROOT } from "../support/engineInstall";
import {
  LAST_SERIALIZED_PROVIDER_COMMIT,
  nodeModulesWith,
  RELEASE_0_1_0_COMMIT,
  tarballAt,
} from "../support/packageAtCommit";
import {
  armRequestsSeen,
  GALLERY_LOOKUP_TYPE,
  basicExampleProject,
  requirePulumi,
  temporaryFolder,
  useNodeModules,
  type PulumiProject,
  type StackExport,
} from "../support/pulumiCli";

const fixture = (name: string) => fs.readFileSync(path.join(REPO_ROOT, "test", "fixtures", name), "utf8");

function storedLookup(exported: StackExport) {
  const lookups = exported.deployment.resources?.filter((r) => r.type === GALLERY_LOOKUP_TYPE) ?? [];
  assert.equal(lookups.length, 1, JSON.stringify(exported.deployment.resources?.map((r) => r.urn)));
  return lookups[0];
}

const EARLIER = [
  {
    label: "0.1.0",
    commit: RELEASE_0_1_0_COMMIT,
    providerText: fixture("serialized-provider-0.1.0.js"),
    stableSubpath: false,
  },
  {
    label: `the serialized provider (${LAST_SERIALIZED_PROVIDER_COMMIT})`,
    commit: LAST_SERIALIZED_PROVIDER_COMMIT,
    providerText: fixture(`serialized-provider-${LAST_SERIALIZED_PROVIDER_COMMIT}.js`),
    stableSubpath: true,
  },
];

for (const { label, commit, providerText, stableSubpath } of EARLIER)
  describe(`real Pulumi CLI: a stack written by ${label}, then today's package`, function () {
    this.timeout(180_000);
    let azure: EmulatorHandle;
    let project: PulumiProject;
    let deployed: StackExport;

    before(async function () {
      const binary = requirePulumi(this);
      const old = nodeModulesWith(tarballAt(commit), temporaryFolder(`gallery-lookup-${commit}-`));
      azure = await startEmulator();
      project = await basicExampleProject(binary, azure, "myDemoGallery");
      useNodeModules(project, old);
    });
    after(async () => {
      project?.close();
      await azure?.close();
    });

    it(`${label} deploys, and its state holds its provider text (the one the compatibility fixture keeps)`, async () => {
      const installed = JSON.parse(
        fs.readFileSync(
          path.join(project.dir, "node_modules", "pulumi-azure-gallery-lookup", "package.json"),
          "utf8",
        ),
      ) as { version: string; exports: Record<string, unknown> };
      assert.equal(installed.version, "0.1.0");
      assert.equal("./dynamic-provider" in installed.exports, stableSubpath, "the layout of that commit");
      await project.ok(["up", "--yes", "--skip-preview"]);
      deployed = await project.exportStack();
      const lookup = storedLookup(deployed);
      assert.equal(lookup.inputs?.__provider, providerText);
      assert.equal(lookup.outputs?.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    });

    it("with today's package: refresh runs the stored text and finds nothing to change, then refresh and preview --expect-no-changes exit 0", async () => {
      useNodeModules(project, path.join(installedProgram().dir, "node_modules"));
      azure.clearJournal();
      const refreshPreview = await project.run(["refresh", "--preview-only", "--expect-no-changes"]);
      assert.equal(refreshPreview.code, 0, refreshPreview.stdout + refreshPreview.stderr);
      assert.deepEqual(
        armRequestsSeen(azure).map((r) => `${r.method} ${r.status}`),
        ["GET 200"],
        "the stored text's read ran today's code",
      );
      await project.ok(["refresh", "--yes", "--skip-preview"]);
      const refreshed = storedLookup(await project.exportStack());
      assert.equal(refreshed.inputs?.__provider, providerText, "refresh keeps the stored provider");
      // Today's read folds what the gallery lacks as null (so a preview knows it); nothing else may change.
      const withoutNulls = (outputs: Record<string, unknown> = {}) =>
        Object.fromEntries(Object.entries(outputs).filter(([, v]) => v !== null));
      assert.deepEqual(
        withoutNulls(refreshed.outputs),
        withoutNulls(storedLookup(deployed).outputs),
        "refresh changed nothing",
      );

      const preview = await project.run(["preview", "--expect-no-changes", "--diff"]);
      assert.equal(preview.code, 0, `the upgrade alone is no change:\n${preview.stdout}${preview.stderr}`);
    });

    it("destroy of that state with today's package works and sends nothing", async () => {
      azure.clearJournal();
      await project.ok(["destroy", "--yes", "--skip-preview"]);
      assert.deepEqual(armRequestsSeen(azure), []);
      const exported = await project.exportStack();
      assert.equal(
        exported.deployment.resources?.filter((r) => r.type === GALLERY_LOOKUP_TYPE).length ?? 0,
        0,
      );
    });
  });
