import { strict as assert } from "node:assert";
import { setDefaultArmClient } from "#internal/arm/armClient";
import { emulatorEndpoint, localClient } from "../support/localClients";
import * as ops from "#internal/lookup/operations";
import { galleryLookupProvider } from "#internal/lookup/operations";
import { UNKNOWN } from "#internal/gallery/unknowns";
import { GALLERY_EXAMPLES, startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { FakeCredential } from "../support/fakeCredential";
import { assertOnlyGets } from "../support/reliability";

// The dynamic provider's operations, run as the provider host runs them, against the local Azure
// emulator over HTTPS with an injected credential.
describe("GalleryLookup provider operations", () => {
  let azure: EmulatorHandle;
  let args: Record<string, string>;
  let id: string;

  before(async () => {
    azure = await startEmulator({ throttle: false });
    const credential = new FakeCredential({ emulator: azure });
    setDefaultArmClient(localClient(emulatorEndpoint(azure), { credential }));
    args = {
      subscriptionId: azure.subscriptionId,
      resourceGroupName: azure.resourceGroupName,
      galleryName: "mySharingGroupsGallery",
      expand: "SharingProfile/Groups",
    };
    id = azure.galleries().find((g) => g.endsWith("/mySharingGroupsGallery")) as string;
  });
  after(async () => {
    setDefaultArmClient(undefined);
    await azure.close();
  });
  beforeEach(() => azure.clearJournal());
  afterEach(() => assertOnlyGets(azure));

  const armRequests = () => azure.journal().filter((e) => e.kind === "arm");

  it("check looks the gallery up once and folds what it saw into the inputs", async () => {
    const result = await ops.check({}, { ...args, __provider: "serialized" });
    assert.equal(result.failures, undefined);
    const inputs = result.inputs as Record<string, unknown>;
    assert.equal(inputs.permissions, "Groups");
    assert.deepEqual(inputs.sharedSubscriptionIds, [
      "34a4ab42-0d72-47d9-bd1a-aed207386dac",
      "380fd389-260b-41aa-bad9-0a83108c370b",
    ]);
    assert.equal(inputs.resourceId, id);
    assert.equal(inputs.__provider, undefined, "the host adds __provider itself");
    assert.equal(armRequests().length, 1);
    assert.deepEqual(armRequests()[0].query["$expand"], "SharingProfile/Groups");
  });

  it("check carries uniqueName and the managed identity's principalId", async () => {
    const result = await ops.check({}, { ...args, galleryName: "myManagedIdentityGallery" });
    const inputs = result.inputs as Record<string, unknown>;
    assert.equal(inputs.uniqueName, `${azure.subscriptionId}-MYMANAGEDIDENTITYGALLERY`);
    assert.equal(inputs.principalId, "00000000-0000-0000-0000-000000000000");
  });

  it("check sends nothing and fails the property when an argument breaks a rule", async () => {
    const result = await ops.check({}, { ...args, galleryName: "bad/name" });
    assert.deepEqual(
      result.failures?.map((f) => f.property),
      ["galleryName"],
    );
    assert.equal(armRequests().length, 0);
  });

  it("check sends nothing and fails nothing when an input is not known yet", async () => {
    const result = await ops.check({}, { ...args, galleryName: UNKNOWN });
    assert.equal(result.failures, undefined);
    assert.equal((result.inputs as Record<string, unknown>).galleryName, UNKNOWN);
    assert.equal(armRequests().length, 0);
  });

  it("a gallery that does not exist is a galleryName failure naming gallery, group and subscription", async () => {
    const result = await ops.check({}, { ...args, galleryName: "noSuchGallery" });
    const [failure] = result.failures ?? [];
    assert.equal(failure?.property, "galleryName");
    assert.match(failure.reason, /noSuchGallery/);
    assert.ok(
      failure.reason.includes(azure.resourceGroupName) && failure.reason.includes(azure.subscriptionId),
    );
  });

  it("a missing resource group or subscription fails that property", async () => {
    const rg = await ops.check({}, { ...args, resourceGroupName: "noSuchGroup" });
    assert.deepEqual(
      rg.failures?.map((f) => f.property),
      ["resourceGroupName"],
    );
    const sub = await ops.check({}, { ...args, subscriptionId: "00000000-0000-0000-0000-00000000dead" });
    assert.deepEqual(
      sub.failures?.map((f) => f.property),
      ["subscriptionId"],
    );
  });

  it("create returns check's observation without a second GET, with the ARM id as id", async () => {
    const checked = (await ops.check({}, args)).inputs as Record<string, unknown>;
    azure.clearJournal();
    const created = await ops.create({ ...checked, __provider: "serialized" });
    assert.equal(created.id, id);
    assert.deepEqual(created.outs, checked);
    assert.equal(armRequests().length, 0);
  });

  it("diff: nothing changed, then drift in the service, then another gallery", async () => {
    const stored = (await ops.check({}, args)).inputs as Record<string, unknown>;
    const same = (await ops.check(stored, args)).inputs as Record<string, unknown>;
    assert.deepEqual(await ops.diff(id, stored, same), {
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    });

    azure.patchGallery(id, {
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [{ type: "Subscriptions", ids: ["11111111-1111-1111-1111-111111111111"] }],
        },
      },
    });
    try {
      const drifted = (await ops.check(stored, args)).inputs as Record<string, unknown>;
      assert.deepEqual(await ops.diff(id, stored, drifted), {
        changes: true,
        replaces: [],
        deleteBeforeReplace: false,
      });
      const updated = await ops.update(id, stored, drifted);
      assert.deepEqual((updated.outs as Record<string, unknown>).sharedSubscriptionIds, [
        "11111111-1111-1111-1111-111111111111",
      ]);
    } finally {
      const example = GALLERY_EXAMPLES.find((e) => e.name === "mySharingGroupsGallery");
      azure.patchGallery(id, { properties: example?.body.properties });
    }

    const other = (await ops.check(stored, { ...args, galleryName: "myManagedIdentityGallery" }))
      .inputs as Record<string, unknown>;
    assert.deepEqual((await ops.diff(id, stored, other)).replaces, ["galleryName"]);
  });

  it("read refreshes outputs and inputs; a deleted gallery reads as an empty id", async () => {
    const stored = (await ops.check({}, args)).inputs as Record<string, unknown>;
    azure.clearJournal();
    const read = await ops.read(id, { ...stored, uniqueName: "stale", __provider: "serialized" });
    assert.equal(read.id, id);
    assert.equal((read.props as Record<string, unknown>).uniqueName, stored.uniqueName);
    assert.deepEqual(read.inputs, read.props);
    assert.equal(armRequests().length, 1);

    const seed = {
      subscriptionId: azure.subscriptionId,
      resourceGroupName: azure.resourceGroupName,
      gallery: { name: "shortLived", location: "westus" },
    };
    azure.putGallery(seed);
    const gone = azure.galleries().find((g) => g.endsWith("/shortLived")) as string;
    const before = (await ops.check({}, { ...args, galleryName: "shortLived" })).inputs as Record<
      string,
      unknown
    >;
    azure.removeGallery(gone);
    assert.deepEqual(await ops.read(gone, before), { id: "" });
  });

  it("the provider's delete sends nothing", async () => {
    const before = armRequests().length;
    const outs = (await ops.check({}, args)).inputs as Record<string, unknown>;
    assert.equal(armRequests().length, before + 1, "check looks the gallery up once");
    await galleryLookupProvider.delete?.(id, outs);
    assert.equal(armRequests().length, before + 1, "delete sent a request");
  });
});
