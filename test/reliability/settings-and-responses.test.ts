// Unusable endpoint settings fail before any token is requested and never echo the URL; answers that do
// not match the spec either pass through (unknown values, extra fields) or fail clearly (wrong types).
import { strict as assert } from "node:assert";
import { getGallery, InvalidResponseError, SettingsError } from "pulumi-azure-gallery-lookup";
import { ArmClient, type ArmClient as ArmClientType } from "#internal/arm/armClient";
import type { EmulatorHandle } from "#internal/emulator/index";
import { assertNoCanary } from "../support/canaries";
import {
  assertOnlyGets,
  captureOutput,
  emulatorClient,
  errorDump,
  startCanaryEmulator,
} from "../support/reliability";
import { CANARY } from "../support/canaries";
import { FakeCredential } from "../support/fakeCredential";

const BAD_ENDPOINTS: { name: string; value: string; reason: RegExp }[] = [
  { name: "http to a non-loopback host", value: "http://management.example.com", reason: /must use https/ },
  {
    name: "http to a look-alike of loopback",
    value: "http://127.0.0.1.evil.example",
    reason: /must use https/,
  },
  { name: "with a path", value: "https://management.azure.com/tenant/x", reason: /no path/ },
  { name: "with a query", value: "https://management.azure.com/?x=1", reason: /no query/ },
  { name: "with a fragment", value: "https://management.azure.com/#x", reason: /no fragment/ },
  {
    name: "with credentials in the URL",
    value: `https://admin:${CANARY.password}@management.azure.com`,
    reason: /user name or password/,
  },
  { name: "malformed", value: `ht!tp://${CANARY.password}`, reason: /does not parse/ },
  { name: "another scheme", value: "ftp://management.azure.com", reason: /must use https/ },
];

describe("reliability: endpoint settings", () => {
  for (const bad of BAD_ENDPOINTS) {
    it(`AZURE_RESOURCE_MANAGER_ENDPOINT ${bad.name} → SettingsError before any token`, async () => {
      const credential = new FakeCredential({ fail: "never ask" });
      let error: unknown;
      const { output } = await captureOutput(async () => {
        try {
          const client = new ArmClient({
            env: { AZURE_RESOURCE_MANAGER_ENDPOINT: bad.value },
            credential,
          });
          await getGallery(
            {
              subscriptionId: "5b5b5b5b-0000-4000-8000-000000000003",
              resourceGroupName: "rg",
              galleryName: "g",
            },
            { client },
          );
        } catch (e) {
          error = e;
        }
      });
      assert.ok(error instanceof SettingsError, String(error));
      assert.equal(error.setting, "AZURE_RESOURCE_MANAGER_ENDPOINT");
      assert.match(error.message, bad.reason);
      assert.equal(credential.calls, 0, "a token was requested");
      const dump = errorDump(error);
      assert.ok(!dump.includes(CANARY.password), "the URL (with its password) was echoed");
      assert.ok(!dump.includes(bad.value), "the value was echoed");
      assert.equal(output, "");
    });
  }
});

describe("reliability: answers that do not match the spec", function () {
  this.timeout(20_000);
  let emulator: EmulatorHandle;
  let client: ArmClientType;
  const ref = (name: string) => ({
    subscriptionId: emulator.subscriptionId,
    resourceGroupName: emulator.resourceGroupName,
    galleryName: name,
  });
  const put = (name: string, gallery: Record<string, unknown>) =>
    emulator.putGallery({
      subscriptionId: emulator.subscriptionId,
      resourceGroupName: emulator.resourceGroupName,
      gallery: { name, location: "westus", ...gallery },
    });

  before(async () => {
    emulator = await startCanaryEmulator();
    client = emulatorClient(emulator);
  });
  afterEach(() => emulator.clearFaults());
  after(async () => {
    client?.close();
    if (emulator) assertOnlyGets(emulator);
    await emulator?.close();
  });

  it("passes unknown enum values through and ignores extra fields", async () => {
    put("futureGallery", {
      futureTopLevel: { anything: [1, 2, 3] },
      identity: { type: "SystemAssigned, FutureAssigned", principalId: "p-1", newField: true },
      properties: {
        provisioningState: "Reticulating",
        identifier: { uniqueName: "SUB-FUTUREGALLERY", extra: 1 },
        sharingProfile: { permissions: "Galactic", groups: [{ type: "Planets", ids: ["b", "a"] }] },
        sharingStatus: { aggregatedState: "Quantum", summary: [{ region: "mars", state: "Orbiting" }] },
        somethingNew: { nested: "x" },
      },
    });
    const g = await getGallery({ ...ref("futureGallery"), expand: "SharingProfile/Groups" }, { client });
    assert.equal(g.provisioningState, "Reticulating");
    assert.equal(g.permissions, "Galactic");
    assert.equal(g.identity?.type, "SystemAssigned, FutureAssigned");
    assert.equal(g.sharingStatus?.aggregatedState, "Quantum");
    assert.equal(g.uniqueName, "SUB-FUTUREGALLERY");
    assert.ok(!("futureTopLevel" in g) && !("somethingNew" in g), "unknown fields leaked into the outputs");
  });

  it("accepts a gallery with almost every property missing", async () => {
    put("bareGallery", {});
    const g = await getGallery(ref("bareGallery"), { client });
    assert.equal(g.name, "bareGallery");
    assert.equal(g.uniqueName, undefined);
    assert.equal(g.principalId, undefined);
  });

  const WRONG: { name: string; gallery: Record<string, unknown>; names: RegExp }[] = [
    { name: "location a number", gallery: { location: 42 }, names: /location/ },
    { name: "tags an array", gallery: { tags: ["a"] }, names: /tags/ },
    { name: "properties a string", gallery: { properties: "yes" }, names: /properties/ },
    {
      name: "uniqueName an object",
      gallery: { properties: { identifier: { uniqueName: { x: 1 } } } },
      names: /uniqueName/,
    },
    {
      name: "sharing groups not an array",
      gallery: { properties: { sharingProfile: { groups: "Subscriptions" } } },
      names: /groups/,
    },
    { name: "principalId a boolean", gallery: { identity: { principalId: true } }, names: /principalId/ },
  ];
  for (const w of WRONG) {
    it(`wrong type (${w.name}) → a clear InvalidResponseError`, async () => {
      put(`wrong${WRONG.indexOf(w)}`, w.gallery);
      const args = { ...ref(`wrong${WRONG.indexOf(w)}`), expand: "SharingProfile/Groups" as const };
      const error = await getGallery(args, { client }).then(
        () => assert.fail("accepted a body of the wrong type"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof InvalidResponseError, String(error));
      assert.match(error.message, w.names);
      assertNoCanary(errorDump(error), "the error");
    });
  }

  for (const [what, body] of [
    ["a JSON array", "[]"],
    ["JSON null", "null"],
    ["a JSON string", '"gallery"'],
    ["an empty body", ""],
    ["a body that is not JSON", "{not json"],
  ] as const) {
    it(`200 with ${what} → InvalidResponseError`, async () => {
      emulator.injectFault({ status: 200, headers: { "content-type": "application/json" }, body });
      const error = await getGallery(ref("myGalleryName"), { client }).then(
        () => assert.fail("accepted"),
        (e: unknown) => e,
      );
      assert.ok(error instanceof InvalidResponseError, String(error));
      assert.match(error.message, /myGalleryName/);
    });
  }
});
