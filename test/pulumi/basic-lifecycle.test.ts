// examples/basic under the real Pulumi CLI (built from Go modules, see scripts/pulumi-cli.js), against the
// emulator: every line of the README's Lifecycle table, as a user runs it.
import { strict as assert } from "node:assert";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  basicExampleProject,
  requirePulumi,
  type PreviewJson,
  type PulumiProject,
} from "../support/pulumiCli";

const LOOKUP_TYPE = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup";
const EXPECT_NO_CHANGES_FAILED = 7;

function armRequests(azure: EmulatorHandle): { method: string; path: string }[] {
  return azure.journal().filter((entry) => entry.kind === "arm");
}

function lookupStep(preview: PreviewJson) {
  const step = preview.steps?.find((s) => s.urn.includes(LOOKUP_TYPE));
  assert.ok(step, `no GalleryLookup step in ${JSON.stringify(preview.steps?.map((s) => s.urn))}`);
  return step;
}

describe("real Pulumi CLI: examples/basic through its whole lifecycle", function () {
  this.timeout(180_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  let id: string;

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    id = galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery");
    project = await basicExampleProject(binary, azure, "myDemoGallery");
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("a new stack's preview shows uniqueName, principalId and the sharing ids as known values, with one GET", async () => {
    azure.clearJournal();
    const run = await project.ok(["preview", "--json"]);
    const step = lookupStep(JSON.parse(run.stdout) as PreviewJson);
    assert.equal(step.op, "create");
    // During a preview the engine shows a dynamic resource's checked inputs as its outputs.
    const shown = step.newState?.inputs ?? {};
    assert.equal(shown.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.equal(shown.principalId, "7d1c3e9a-0000-4000-8000-00000000a11e");
    assert.deepEqual(shown.sharedSubscriptionIds, [
      "34a4ab42-0d72-47d9-bd1a-aed207386dac",
      "380fd389-260b-41aa-bad9-0a83108c370b",
    ]);
    const gets = armRequests(azure);
    assert.deepEqual(
      gets.map((g) => g.method),
      ["GET"],
      `a preview of one lookup sends exactly one GET: ${JSON.stringify(gets)}`,
    );
  });

  it("the text preview prints the stack outputs as values, not [unknown]", async () => {
    const run = await project.ok(["preview"]);
    assert.match(run.stdout, /uniqueName\s*:\s*"5b5b5b5b-0000-4000-8000-000000000003-MYDEMOGALLERY"/);
    assert.match(run.stdout, /principalId\s*:\s*"7d1c3e9a-0000-4000-8000-00000000a11e"/);
    assert.doesNotMatch(run.stdout, /\[unknown\]/);
  });

  it("up, then preview --expect-no-changes exits 0; create sends no second GET", async () => {
    azure.clearJournal();
    await project.ok(["up", "--yes", "--skip-preview"]);
    assert.equal(armRequests(azure).length, 1, "up: check's GET only; create returns what check saw");
    const same = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(outputs.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.equal(outputs.galleryId, id);
  });

  it("a change made in Azure: the preview exits 7 with an update of the changed outputs, and refresh takes it in", async () => {
    azure.patchGallery(id, {
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [{ type: "Subscriptions", ids: ["34a4ab42-0d72-47d9-bd1a-aed207386dac"] }],
        },
      },
    });
    const drifted = await project.run(["preview", "--expect-no-changes", "--json"]);
    assert.equal(drifted.code, EXPECT_NO_CHANGES_FAILED, drifted.stderr);
    const step = lookupStep(JSON.parse(drifted.stdout) as PreviewJson);
    assert.equal(step.op, "update", "drift is an update, never a replace");
    // --json carries no diff keys for a dynamic resource: compare what it shows before and after.
    assert.deepEqual(step.oldState?.outputs?.sharedSubscriptionIds, [
      "34a4ab42-0d72-47d9-bd1a-aed207386dac",
      "380fd389-260b-41aa-bad9-0a83108c370b",
    ]);
    assert.deepEqual(step.newState?.inputs?.sharedSubscriptionIds, ["34a4ab42-0d72-47d9-bd1a-aed207386dac"]);
    const text = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(text.code, EXPECT_NO_CHANGES_FAILED);
    const diffLine = /GalleryLookup gallery update \[diff: ([^\]]*)\]/.exec(text.stdout);
    assert.ok(diffLine, text.stdout);
    assert.deepEqual(diffLine[1].replace(/^~/, "").split(","), [
      "sharedSubscriptionIds",
      "sharedTenantIds",
      "sharingProfile",
    ]);
    assert.equal(step.replaceReasons, undefined, "no replace");

    const refreshPreview = await project.run(["refresh", "--preview-only", "--expect-no-changes"]);
    assert.notEqual(refreshPreview.code, 0, "refresh --preview-only --expect-no-changes fails on drift");
    assert.match(
      refreshPreview.stdout + refreshPreview.stderr,
      /no changes were expected/,
      refreshPreview.stderr,
    );

    await project.ok(["refresh", "--yes", "--skip-preview"]);
    const after = await project.run(["refresh", "--preview-only", "--expect-no-changes", "--json"]);
    assert.equal(after.code, 0, after.stdout + after.stderr);
    const exported = await project.exportStack();
    const lookup = exported.deployment.resources?.find((r) => r.type === LOOKUP_TYPE);
    assert.deepEqual(lookup?.outputs?.sharedSubscriptionIds, ["34a4ab42-0d72-47d9-bd1a-aed207386dac"]);
  });

  it("a change of letter case alone in galleryName is no change", async () => {
    await project.ok(["config", "set", "galleryName", "MYDEMOGALLERY"]);
    try {
      const run = await project.run(["preview", "--expect-no-changes"]);
      assert.equal(run.code, 0, run.stdout + run.stderr);
    } finally {
      await project.ok(["config", "set", "galleryName", "myDemoGallery"]);
    }
  });

  it("another galleryName is a replace that sends only GETs, and destroy sends nothing", async () => {
    await project.ok(["config", "set", "galleryName", "mySharingGroupsGallery"]);
    azure.clearJournal();
    const preview = await project.run(["preview", "--json"]);
    assert.equal(preview.code, 0, preview.stderr);
    const step = lookupStep(JSON.parse(preview.stdout) as PreviewJson);
    assert.match(step.op, /replace/, `another gallery is a replace: ${step.op}`);
    await project.ok(["up", "--yes", "--skip-preview"]);
    assert.ok(
      armRequests(azure).every((r) => r.method === "GET"),
      JSON.stringify(armRequests(azure)),
    );

    azure.clearJournal();
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    assert.deepEqual(armRequests(azure), [], "destroy sends nothing to ARM");
    await project.ok(["config", "set", "galleryName", "myDemoGallery"]);
  });

  it("a deleted gallery: refresh drops the lookup from state, and the preview fails naming the gallery", async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    assert.ok(azure.removeGallery(id));
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    const exported = await project.exportStack();
    assert.equal(
      exported.deployment.resources?.filter((r) => r.type === LOOKUP_TYPE).length,
      0,
      "the refresh dropped the lookup",
    );
    const preview = await project.run(["preview"]);
    assert.notEqual(preview.code, 0);
    assert.match(preview.stdout + preview.stderr, /myDemoGallery/);
  });
});
