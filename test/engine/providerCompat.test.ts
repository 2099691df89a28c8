// Every user's state stores the serialized provider text, with the module path its methods require. A
// state written by an older version must keep working with the newest package: this test feeds the host
// the exact provider text that version 0.1.0 serialized and drives a whole lifecycle with it.
import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import path from "node:path";
import { galleryId } from "#internal/emulator/index";
import { LOOKUP_URN, startEngineRig, type EngineRig, type Props } from "../support/engineHarness";

const GALLERY = "myManagedIdentityGallery";
const PROVIDER_0_1_0 = readFileSync(
  path.join(__dirname, "../../../test/fixtures/serialized-provider-0.1.0.js"),
  "utf8",
);

describe("engine: a provider serialized by an older version loads and answers with today's package", function () {
  this.timeout(30_000);
  let rig: EngineRig;

  before(async function () {
    this.timeout(60_000);
    rig = await startEngineRig();
  });
  after(async () => rig?.close());
  afterEach(() => rig.assertOnlyGets());

  it("0.1.0's provider text requires the path it always did", () => {
    assert.match(PROVIDER_0_1_0, /require\("pulumi-azure-gallery-lookup\/dist\/lookup\/operations"\)/);
    const today = rig.inputsFor({ subscriptionId: "s", resourceGroupName: "rg", galleryName: "g" });
    assert.notEqual(today.__provider, PROVIDER_0_1_0, "today's text should use the stable subpath");
  });

  it("check, create, diff, read and delete through 0.1.0's provider text", async () => {
    const news: Props = {
      ...rig.inputsFor({
        subscriptionId: rig.azure.subscriptionId,
        resourceGroupName: rig.azure.resourceGroupName,
        galleryName: GALLERY,
      }),
      __provider: PROVIDER_0_1_0,
    };
    const id = galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, GALLERY);
    const checked = await rig.host.check(LOOKUP_URN, {}, news);
    assert.deepEqual(checked.failures, []);
    assert.equal(checked.inputs.uniqueName, `${rig.azure.subscriptionId}-${GALLERY.toUpperCase()}`);
    const created = await rig.host.create(LOOKUP_URN, checked.inputs);
    assert.equal(created.id, id);
    const diff = await rig.host.diff(id, LOOKUP_URN, created.properties, checked.inputs, checked.inputs);
    assert.equal(diff.changes, "none");
    const read = await rig.host.read(id, LOOKUP_URN, created.properties, checked.inputs);
    assert.equal(read.id, id);
    assert.equal(read.properties.uniqueName, checked.inputs.uniqueName);
    const before = rig.armRequests().length;
    await rig.host.delete(id, LOOKUP_URN, created.properties, checked.inputs);
    assert.equal(rig.armRequests().length, before);
    assert.ok(rig.host.alive());
  });
});
