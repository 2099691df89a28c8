// A program of three lookups (plain, `expand: "SharingProfile/Groups"`, `select: "Permissions"`) and a
// downstream resource built from their outputs, under the real Pulumi CLI against the emulator: what the
// downstream resource is given is known at preview on a new stack, and a change in Azure reaches it in the
// same preview that shows the drift.
import { strict as assert } from "node:assert";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  armRequestsSeen,
  EXPECT_NO_CHANGES_EXIT,
  previewStep,
  pulumiProject,
  requirePulumi,
  UNKNOWN_IN_JSON,
  type PreviewJson,
  type PulumiProject,
} from "../support/pulumiCli";

/**
 * The program. RoleAssignmentRecord stands in for a role assignment (no azure-native plugin is
 * installed here): a dynamic resource that keeps what it is given, and is an update when that changes.
 */
function multiLookupProgram(resourceGroupName: string): string {
  return `
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";

const resourceGroupName = ${JSON.stringify(resourceGroupName)};
const demo = new GalleryLookup("demo", { resourceGroupName, galleryName: "myDemoGallery" });
const groups = new GalleryLookup("groups", {
  resourceGroupName,
  galleryName: "mySharingGroupsGallery",
  expand: "SharingProfile/Groups",
});
const permissions = new GalleryLookup("permissions", {
  resourceGroupName,
  galleryName: "mySelectPermissionsGallery",
  select: "Permissions",
});

const recordProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "record", outs: inputs };
  },
  async diff(_id, olds, news) {
    const keys = ["principalId", "scope", "sharedWith", "permissions"];
    return { changes: keys.some((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])) };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
};

interface RecordArgs {
  principalId: pulumi.Input<string | undefined>;
  scope: pulumi.Input<string | undefined>;
  sharedWith: pulumi.Input<string[] | undefined>;
  permissions: pulumi.Input<string | undefined>;
}
class RoleAssignmentRecord extends pulumi.dynamic.Resource {
  constructor(name: string, args: RecordArgs) {
    super(recordProvider, name, args, {}, "test", "RoleAssignmentRecord");
  }
}

new RoleAssignmentRecord("reader", {
  principalId: demo.principalId,
  scope: groups.resourceId,
  sharedWith: groups.sharedSubscriptionIds,
  permissions: permissions.permissions,
});

export const uniqueNames = [demo.uniqueName, groups.uniqueName, permissions.uniqueName];
`;
}

const PRINCIPAL = "7d1c3e9a-0000-4000-8000-00000000a11e";
const NEW_PRINCIPAL = "7d1c3e9a-0000-4000-8000-0000000b0b0b";
const SHARED = ["34a4ab42-0d72-47d9-bd1a-aed207386dac", "380fd389-260b-41aa-bad9-0a83108c370b"];

describe("real Pulumi CLI: three lookups and a downstream resource consuming their outputs", function () {
  this.timeout(180_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  let expectedRecord: Record<string, unknown>;

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    project = await pulumiProject(binary, azure, { "index.ts": multiLookupProgram(azure.resourceGroupName) });
    expectedRecord = {
      principalId: PRINCIPAL,
      scope: galleryId(azure.subscriptionId, azure.resourceGroupName, "mySharingGroupsGallery"),
      sharedWith: SHARED,
      permissions: "Groups",
    };
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("a new stack's preview --json gives the downstream resource its inputs as known values, with one GET per lookup", async () => {
    azure.clearJournal();
    const run = await project.ok(["preview", "--json"]);
    const preview = JSON.parse(run.stdout) as PreviewJson;
    const record = previewStep(preview, "reader");
    assert.equal(record.op, "create");
    const inputs = record.newState?.inputs ?? {};
    assert.ok(!JSON.stringify(inputs).includes(UNKNOWN_IN_JSON), `unknowns in ${JSON.stringify(inputs)}`);
    for (const [key, value] of Object.entries(expectedRecord)) assert.deepEqual(inputs[key], value, key);
    for (const name of ["demo", "groups", "permissions"])
      assert.equal(previewStep(preview, name).op, "create");

    const gets = armRequestsSeen(azure);
    assert.deepEqual(gets.map((g) => g.method).sort(), ["GET", "GET", "GET"], JSON.stringify(gets));
    assert.deepEqual(
      gets.map((g) => g.path.split("/").pop()).sort(),
      ["myDemoGallery", "mySelectPermissionsGallery", "mySharingGroupsGallery"],
      "one GET per distinct lookup",
    );
  });

  it("up, then preview --expect-no-changes exits 0; the record holds the lookups' values", async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    const same = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    const exported = await project.exportStack();
    const record = exported.deployment.resources?.find((r) => r.urn.endsWith("::reader"));
    for (const [key, value] of Object.entries(expectedRecord))
      assert.deepEqual(record?.outputs?.[key], value, key);
  });

  it("a new principal in Azure: --expect-no-changes exits 7, the lookup is an update, and the record shows the new value in the same preview", async () => {
    azure.patchGallery(galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery"), {
      identity: { type: "SystemAssigned", principalId: NEW_PRINCIPAL },
    });
    const drifted = await project.run(["preview", "--expect-no-changes", "--json"]);
    assert.equal(drifted.code, EXPECT_NO_CHANGES_EXIT, drifted.stdout + drifted.stderr);
    const preview = JSON.parse(drifted.stdout) as PreviewJson;
    const demo = previewStep(preview, "demo");
    assert.equal(demo.op, "update", "drift is an update, never a replace");
    assert.equal(demo.oldState?.outputs?.principalId, PRINCIPAL);
    assert.equal(demo.newState?.inputs?.principalId, NEW_PRINCIPAL);
    const record = previewStep(preview, "reader");
    assert.equal(record.op, "update");
    assert.equal(record.oldState?.outputs?.principalId, PRINCIPAL);
    assert.equal(record.newState?.inputs?.principalId, NEW_PRINCIPAL, "the new value, not an unknown");
    const changed = (preview.steps ?? []).filter((s) => s.op !== "same").map((s) => s.urn.split("::").pop());
    assert.deepEqual(changed.sort(), ["demo", "reader"], "the other lookups are unchanged");
  });
});
