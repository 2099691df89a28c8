// The lookup inside Pulumi's own dynamic provider host, installed from the packed tarball, driven over
// gRPC in the orders the engine uses for preview, up, drift, refresh, replace and destroy.
import { strict as assert } from "node:assert";
import { galleryId } from "#internal/emulator/index";
import { LOOKUP_URN, startEngineRig, type EngineRig, type Props } from "../support/engineHarness";

const GALLERY = "myManagedIdentityGallery";

describe("engine: GalleryLookup in the dynamic provider host", function () {
  this.timeout(30_000);
  let rig: EngineRig;
  let news: Props;
  let id: string;
  /** What the engine keeps in state after `up`. */
  const state = { inputs: {} as Props, outputs: {} as Props };

  before(async function () {
    this.timeout(60_000);
    rig = await startEngineRig();
    news = rig.inputsFor({
      subscriptionId: rig.azure.subscriptionId,
      resourceGroupName: rig.azure.resourceGroupName,
      galleryName: GALLERY,
      expand: "SharingProfile/Groups",
    });
    id = galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, GALLERY);
  });
  after(async () => rig?.close());
  beforeEach(() => rig.azure.clearJournal());
  afterEach(() => rig.assertOnlyGets());

  it("registers the inputs the host needs: the serialized provider requires the package by name", () => {
    assert.equal(typeof news.__provider, "string");
    assert.match(news.__provider as string, /require\("pulumi-azure-gallery-lookup\/dynamic-provider"\)/);
    assert.equal(news.galleryName, GALLERY);
  });

  it("preview of a new stack: Check folds the observation into the inputs, so values are known", async () => {
    const checked = await rig.host.check(LOOKUP_URN, {}, news);
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs.uniqueName, `${rig.azure.subscriptionId}-${GALLERY.toUpperCase()}`);
    assert.equal(checked.inputs.principalId, "00000000-0000-0000-0000-000000000000");
    assert.equal(checked.inputs.__provider, news.__provider);
    assert.equal(rig.armRequests().length, 1);
  });

  it("up: Check then Create gives the ARM id and the outputs, with exactly one GET", async () => {
    const checked = await rig.host.check(LOOKUP_URN, {}, news);
    const created = await rig.host.create(LOOKUP_URN, checked.inputs);
    assert.equal(created.id, id);
    assert.equal(created.properties.uniqueName, checked.inputs.uniqueName);
    assert.equal(created.properties.principalId, checked.inputs.principalId);
    assert.equal(rig.armRequests().length, 1, "check and create must share one GET");
    state.inputs = checked.inputs;
    state.outputs = created.properties;
  });

  it("preview with nothing changed: Diff answers DIFF_NONE", async () => {
    const checked = await rig.host.check(LOOKUP_URN, state.inputs, news);
    const diff = await rig.host.diff(id, LOOKUP_URN, state.outputs, checked.inputs, state.inputs);
    assert.equal(diff.changes, "none");
    assert.deepEqual(diff.replaces, []);
  });

  it("drift in Azure: Diff answers DIFF_SOME without replace, and Update returns the new values", async () => {
    const added = "9f0e8d7c-0000-4000-8000-00000000d1f7";
    rig.azure.patchGallery(id, {
      properties: {
        sharingProfile: { permissions: "Groups", groups: [{ type: "Subscriptions", ids: [added] }] },
      },
    });
    const checked = await rig.host.check(LOOKUP_URN, state.inputs, news);
    const diff = await rig.host.diff(id, LOOKUP_URN, state.outputs, checked.inputs, state.inputs);
    assert.equal(diff.changes, "some");
    assert.deepEqual(diff.replaces, []);
    const updated = await rig.host.update(id, LOOKUP_URN, state.outputs, checked.inputs, state.inputs);
    assert.deepEqual(updated.sharedSubscriptionIds, [added]);
    assert.equal(updated.permissions, "Groups");
    state.inputs = checked.inputs;
    state.outputs = updated;
  });

  it("refresh: Read returns the fresh observation as outputs and as inputs", async () => {
    rig.azure.patchGallery(id, { properties: { description: "refreshed" } });
    const read = await rig.host.read(id, LOOKUP_URN, state.outputs, state.inputs);
    assert.equal(read.id, id);
    assert.equal(read.properties.description, "refreshed");
    assert.equal(read.inputs.description, "refreshed");
    assert.equal(read.inputs.galleryName, GALLERY);
    assert.equal(rig.armRequests().length, 1);
    state.inputs = read.inputs;
    state.outputs = read.properties;
  });

  it("another gallery name: Diff replaces on galleryName", async () => {
    const other = { ...news, galleryName: "mySharingGroupsGallery" };
    const checked = await rig.host.check(LOOKUP_URN, state.inputs, other);
    const diff = await rig.host.diff(id, LOOKUP_URN, state.outputs, checked.inputs, state.inputs);
    assert.ok(diff.replaces.includes("galleryName"), `replaces: ${diff.replaces.join(", ")}`);
  });

  it("a change of letter case only in the names: no replace (ARM names are case-insensitive)", async () => {
    const shouted = {
      ...news,
      galleryName: GALLERY.toUpperCase(),
      resourceGroupName: rig.azure.resourceGroupName.toUpperCase(),
    };
    const checked = await rig.host.check(LOOKUP_URN, state.inputs, shouted);
    assert.deepEqual(checked.failures, []);
    const diff = await rig.host.diff(id, LOOKUP_URN, state.outputs, checked.inputs, state.inputs);
    assert.deepEqual(diff.replaces, []);
  });

  it("destroy: Delete sends no request at all", async () => {
    await rig.host.delete(id, LOOKUP_URN, state.outputs, state.inputs);
    assert.deepEqual(rig.azure.journal(), []);
  });

  it("gallery deleted in Azure: Read answers an empty id, so the engine drops it from state", async () => {
    assert.ok(rig.azure.removeGallery(id));
    const read = await rig.host.read(id, LOOKUP_URN, state.outputs, state.inputs);
    assert.equal(read.id, "");
    assert.ok(rig.host.alive());
  });
});
