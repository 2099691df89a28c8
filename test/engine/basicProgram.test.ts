// examples/basic, found through the root Pulumi.yaml as `pulumi preview` would, run by Pulumi's own Node.js
// runtime: preview of a new stack, up, a preview with no change, and drift as an update. This is `npm start`.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { galleryId } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { runProgram, type RunProgramOptions } from "#internal/preview/runProgram";
import { startBasicProgram, type BasicProgramRig } from "../support/basicProgram";
import { REPO_ROOT } from "../support/engineInstall";
import { assertOnlyGets } from "../support/reliability";

describe("engine: examples/basic under the Node.js language runtime", function () {
  this.timeout(60_000);
  let rig: BasicProgramRig;
  let azure: EmulatorHandle;
  let base: RunProgramOptions;

  before(async () => {
    rig = await startBasicProgram();
    ({ azure, base } = rig);
  });
  after(() => rig?.close());

  it("runs the example the root Pulumi.yaml names, not the package's own entry point", () => {
    assert.equal(
      path.resolve(base.programDir, base.entryPoint ?? "."),
      path.join(REPO_ROOT, "examples", "basic", "index.ts"),
    );
  });

  it("preview, up, no change, then drift as an update of the changed fields; only GETs", async () => {
    const preview = await runProgram(base);
    assert.equal(preview.exitCode, 0, `${preview.errors.join("\n")}\n${preview.stderr}`);
    const ids = ["34a4ab42-0d72-47d9-bd1a-aed207386dac", "380fd389-260b-41aa-bad9-0a83108c370b"];
    assert.deepEqual(preview.outputs.sharedSubscriptionIds, ids, "known at preview of a new stack");
    assert.deepEqual(
      preview.steps.map((s) => s.op),
      ["create", "create"],
    );

    const up = await runProgram({ ...base, dryRun: false });
    assert.equal(up.exitCode, 0, up.stderr);
    const id = galleryId(azure.subscriptionId, azure.resourceGroupName, "mySharingGroupsGallery");
    assert.equal(up.outputs.galleryId, id);

    const same = await runProgram({ ...base, state: up.state });
    assert.deepEqual(
      same.steps.map((s) => s.op),
      ["same", "same"],
    );

    azure.patchGallery(id, {
      properties: {
        sharingProfile: { permissions: "Groups", groups: [{ type: "Subscriptions", ids: [ids[0]] }] },
      },
    });
    const drift = await runProgram({ ...base, state: up.state });
    const lookup = drift.steps.find((s) => s.type.endsWith(":GalleryLookup"));
    assert.equal(lookup?.op, "update");
    assert.ok(lookup?.changedKeys.includes("sharedSubscriptionIds"), lookup?.changedKeys.join(", "));
    assert.deepEqual(drift.outputs.sharedSubscriptionIds, [ids[0]]);

    assertOnlyGets(azure);
  });
});
