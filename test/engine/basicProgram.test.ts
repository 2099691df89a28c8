// What `npm start` runs: examples/basic, found through the root Pulumi.yaml as `pulumi preview` would, run by
// Pulumi's own Node.js runtime on the embedded engine, with Pulumi's dynamic provider host in the installed
// package. A preview of a new stack, an up of it, a preview with no change, and drift as an update; what the
// engine no longer does (an update of a deployed stack) is refused by name. Every claim here is proven under
// the real Pulumi CLI too (docs/engine-proof.md); this suite proves the path that needs no CLI.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { galleryId } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { runProgram, type RunProgramOptions } from "#internal/preview/runProgram";
import { startBasicProgram, type BasicProgramRig } from "../support/engineHarness";
import { REPO_ROOT } from "../support/engineInstall";
import { assertOnlyGets } from "../support/reliability";

const SHARED_WITH = ["34a4ab42-0d72-47d9-bd1a-aed207386dac", "380fd389-260b-41aa-bad9-0a83108c370b"];

describe("engine: examples/basic on the embedded engine (npm start)", function () {
  this.timeout(60_000);
  let rig: BasicProgramRig;
  let azure: EmulatorHandle;
  let base: RunProgramOptions;

  before(async () => {
    rig = await startBasicProgram();
    ({ azure, base } = rig);
  });
  after(() => rig?.close());
  beforeEach(() => {
    azure.clearFaults();
    azure.clearJournal();
  });
  afterEach(() => assertOnlyGets(azure));

  it("runs the example the root Pulumi.yaml names, not the package's own entry point", () => {
    assert.equal(
      path.resolve(base.programDir, base.entryPoint ?? "."),
      path.join(REPO_ROOT, "examples", "basic", "index.ts"),
    );
  });

  it("preview, up, no change, then drift as an update of the changed fields; an up of that stack is refused", async () => {
    const preview = await runProgram(base);
    assert.equal(preview.exitCode, 0, `${preview.errors.join("\n")}\n${preview.stderr}`);
    assert.deepEqual(preview.outputs.sharedSubscriptionIds, SHARED_WITH, "known at preview of a new stack");
    assert.deepEqual(
      preview.steps.map((s) => s.op),
      ["create", "create"],
    );

    const up = await runProgram({ ...base, dryRun: false });
    assert.equal(up.exitCode, 0, up.stderr);
    const id = galleryId(azure.subscriptionId, azure.resourceGroupName, "mySharingGroupsGallery");
    assert.equal(up.outputs.galleryId, id);
    assert.equal(up.state.find((r) => r.type.endsWith(":GalleryLookup"))?.id, id, "Create's id");

    const same = await runProgram({ ...base, state: up.state });
    assert.deepEqual(
      same.steps.map((s) => s.op),
      ["same", "same"],
    );

    azure.patchGallery(id, {
      properties: {
        sharingProfile: { permissions: "Groups", groups: [{ type: "Subscriptions", ids: [SHARED_WITH[0]] }] },
      },
    });
    const drift = await runProgram({ ...base, state: up.state });
    const lookup = drift.steps.find((s) => s.type.endsWith(":GalleryLookup"));
    assert.equal(lookup?.op, "update");
    assert.ok(lookup?.changedKeys.includes("sharedSubscriptionIds"), lookup?.changedKeys.join(", "));
    assert.deepEqual(drift.outputs.sharedSubscriptionIds, [SHARED_WITH[0]]);

    // Updating a deployed stack is the Pulumi CLI's: the embedded engine says so before it runs anything.
    await assert.rejects(
      runProgram({ ...base, dryRun: false, state: up.state }),
      /the embedded engine updates only a new stack: an update of a deployed stack needs the Pulumi CLI/,
    );
  });

  it("a slow answer (1.5 s) is waited for, not sent again, and the preview still knows the values", async () => {
    azure.injectFault({ pathIncludes: "/galleries/", delayMs: 1500 });
    const started = Date.now();
    const preview = await runProgram(base);
    assert.equal(preview.exitCode, 0, `${preview.errors.join("\n")}\n${preview.stderr}`);
    assert.ok(Date.now() - started >= 1400, "the fault was served");
    assert.equal(
      preview.outputs.galleryId,
      galleryId(azure.subscriptionId, azure.resourceGroupName, "mySharingGroupsGallery"),
    );
    const arm = azure.journal().filter((e) => e.kind === "arm");
    assert.equal(arm.length, 1, "a slow answer is not a reason to ask again");
    assert.ok(arm[0].fault, "the one GET met the fault");
  });
});
