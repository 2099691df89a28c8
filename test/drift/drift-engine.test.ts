// The drift check on state the project's own engine run writes (provider/preview: the real Node.js
// language runtime and the real dynamic provider host): after `up` it finds no drift; after the gallery
// changes it reports exactly what the engine's next preview shows as an update.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { checkDrift } from "#internal/drift/checkDrift";
import { galleryId } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { runProgram, type RunProgramOptions } from "#internal/preview/runProgram";
import { startBasicProgram, type BasicProgramRig } from "../support/basicProgram";
import { exportOfEngineState, writeDocument } from "../support/driftState";
import { assertOnlyGets, emulatorClient } from "../support/reliability";

describe("drift: on the state the engine writes (examples/basic)", function () {
  this.timeout(90_000);
  let rig: BasicProgramRig;
  let azure: EmulatorHandle;
  let base: RunProgramOptions;

  before(async () => {
    rig = await startBasicProgram();
    azure = rig.azure;
    base = { ...rig.base, dryRun: false };
  });
  after(() => rig?.close());

  it("no drift after up; after a change in Azure, the drift the engine's preview shows, field for field", async () => {
    const up = await runProgram(base);
    assert.equal(up.exitCode, 0, up.stderr);
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "drift-engine-"));
    const file = writeDocument(path.join(dir, "dev.json"), exportOfEngineState(up.state));
    const client = emulatorClient(azure);
    try {
      const clean = await checkDrift({ files: [file], client });
      assert.equal(clean.exitCode, 0, JSON.stringify(clean, null, 1));
      assert.equal(clean.summary.lookups, 1);
      assert.equal(clean.lookups[0].status, "in_sync");

      // Pulumi SDKs that predate named dynamic types store the generic type: the serialized provider
      // the engine kept in state still tells ours apart.
      const generic = JSON.parse(fs.readFileSync(file, "utf8"));
      for (const r of generic.deployment.resources) {
        if (r.type.endsWith(":GalleryLookup")) r.type = "pulumi-nodejs:dynamic:Resource";
      }
      const genericFile = writeDocument(path.join(dir, "generic.json"), generic);
      assert.equal((await checkDrift({ files: [genericFile], client })).summary.in_sync, 1);

      const id = galleryId(azure.subscriptionId, azure.resourceGroupName, "mySharingGroupsGallery");
      azure.patchGallery(id, {
        properties: {
          sharingProfile: {
            permissions: "Groups",
            groups: [{ type: "Subscriptions", ids: ["34a4ab42-0d72-47d9-bd1a-aed207386dac"] }],
          },
        },
      });
      const drift = await checkDrift({ files: [file], client });
      const preview = await runProgram({ ...base, dryRun: true, state: up.state });
      const step = preview.steps.find((s) => s.type.endsWith(":GalleryLookup"));
      assert.equal(step?.op, "update");
      assert.equal(drift.exitCode, 2);
      const [entry] = drift.lookups;
      assert.equal(entry.status, "drifted");
      assert.equal(entry.galleryId, id);
      assert.deepEqual(
        [...new Set(entry.changes.map((c) => c.path[0]))].sort(),
        [...(step?.changedKeys ?? [])].sort(),
      );
      const ids = entry.changes.find((c) => c.path[0] === "sharedSubscriptionIds");
      assert.deepEqual(ids?.after, ["34a4ab42-0d72-47d9-bd1a-aed207386dac"]);
      assert.equal((ids?.before as string[]).length, 2);
      assertOnlyGets(azure);
    } finally {
      client.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
