// The provider plugin's methods, called as the SDK's provider server calls them (property bags as the
// engine puts them on the wire: secrets wrapped, unknowns as the sentinel), against the local emulator.
import { strict as assert } from "node:assert";
import { once } from "node:events";
import * as net from "node:net";
import { setDefaultArmClient } from "#internal/arm/armClient";
import { emulatorEndpoint, localClient } from "../support/localClients";
import { UNKNOWN } from "#internal/gallery/unknowns";
import {
  engineDiffsInParallel,
  galleryLookupPlugin,
  NO_PLUGIN_SUBSCRIPTION,
} from "#internal/plugin/galleryLookupPlugin";
import {
  advertisePreview,
  configFromRequest,
  watchConfigure,
  type PluginConfig,
} from "#internal/plugin/providerConfig";
import { GALLERY_LOOKUP_TOKEN, GET_GALLERY_TOKEN } from "#internal/plugin/tokens";
import { isWireSecret, wireSecret } from "#internal/plugin/wireValues";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import * as providerService from "@pulumi/pulumi/proto/provider_grpc_pb";
import { ConfigureRequest, ConfigureResponse } from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { FakeCredential } from "../support/fakeCredential";
import { withEnv } from "../support/environment";
import { assertOnlyGets } from "../support/reliability";

const URN = `urn:pulumi:dev::p::${GALLERY_LOOKUP_TOKEN}::images`;
type Props = Record<string, unknown>;

describe("the provider plugin's GalleryLookup and getGallery", () => {
  let azure: EmulatorHandle;
  let config: PluginConfig;
  let env: NodeJS.ProcessEnv;
  const plugin = () => galleryLookupPlugin("0.1.0", "{}", { config: () => config, env });
  const armRequests = () => azure.journal().filter((e) => e.kind === "arm");

  before(async () => {
    azure = await startEmulator({ throttle: false });
    setDefaultArmClient(
      localClient(emulatorEndpoint(azure), { credential: new FakeCredential({ emulator: azure }) }),
    );
  });
  after(async () => {
    setDefaultArmClient(undefined);
    await azure.close();
  });
  beforeEach(() => {
    config = { subscriptionId: azure.subscriptionId };
    env = {};
    azure.clearJournal();
  });
  afterEach(() => assertOnlyGets(azure));

  const args = (): Props => ({
    resourceGroupName: azure.resourceGroupName,
    galleryName: "mySharingGroupsGallery",
    expand: "SharingProfile/Groups",
  });

  it("a new lookup: check takes the subscription from the provider's config and sends nothing; create sends the one GET", async () => {
    const p = plugin();
    const result = await p.check!(URN, {}, args());
    assert.equal(result.failures, undefined);
    const inputs = result.inputs as Props;
    assert.equal(inputs.subscriptionId, azure.subscriptionId);
    assert.equal(inputs.permissions, undefined, "nothing observed yet");
    assert.equal(armRequests().length, 0, "the engine runs Check one resource at a time: no GET there");
    const { id, outs } = await p.create!(URN, inputs);
    assert.match(id, /\/galleries\/mySharingGroupsGallery$/);
    assert.equal((outs as Props).permissions, "Groups");
    assert.equal(armRequests().length, 1);
  });

  it("a lookup in the state: check folds one GET into the inputs, and a replacement's create returns it", async () => {
    const p = plugin();
    const { outs } = await p.create!(URN, (await p.check!(URN, {}, args())).inputs);
    azure.clearJournal();
    const inputs = (await p.check!(URN, outs, args())).inputs as Props;
    assert.equal(inputs.permissions, "Groups");
    assert.match(String(inputs.resourceId), /\/galleries\/mySharingGroupsGallery$/);
    assert.equal(armRequests().length, 1);
    await p.create!(URN, inputs);
    assert.equal(armRequests().length, 1, "create returns what check saw");
  });

  it("create in a preview with an argument not known yet sends nothing, and its outputs stay unknown", async () => {
    const inputs = { ...args(), subscriptionId: azure.subscriptionId, galleryName: UNKNOWN };
    const created = await plugin().create!(URN, inputs);
    assert.deepEqual(created.outs, inputs);
    assert.equal(armRequests().length, 0);
  });

  it("create words a missing gallery as check does, naming the argument", async () => {
    const p = plugin();
    const missing = (await p.check!(URN, {}, { ...args(), galleryName: "noSuchGallery" })).inputs;
    await assert.rejects(p.create!(URN, missing), (error: Error) => {
      assert.match(
        error.message,
        /^galleryName: gallery "noSuchGallery" in resource group "\S+" of subscription \S+ was not found \(ARM /,
      );
      return true;
    });
    assert.equal(armRequests().length, 1);
  });

  it("create words a failed sign-in as check does, and sends nothing", async () => {
    const p = plugin();
    const { outs } = await p.create!(URN, (await p.check!(URN, {}, args())).inputs);
    const refused = new FakeCredential({
      fail: () => new Error("AADSTS7000215: Invalid client secret provided."),
    });
    setDefaultArmClient(localClient(emulatorEndpoint(azure), { credential: refused }));
    try {
      azure.clearJournal();
      const checked = await p.check!(URN, outs, args());
      const reason = checked.failures?.[0]?.reason;
      assert.ok(reason, "check of a lookup in the state fails");
      const inputs = (await p.check!(URN, {}, args())).inputs;
      await assert.rejects(p.create!(URN, inputs), (error: Error) => {
        assert.equal(error.message, reason);
        return true;
      });
      assert.equal(armRequests().length, 0);
    } finally {
      setDefaultArmClient(
        localClient(emulatorEndpoint(azure), { credential: new FakeCredential({ emulator: azure }) }),
      );
    }
  });

  it("create names a stopped local emulator, as check does, when sign-in fails against one", async () => {
    const p = plugin();
    const inputs = (await p.check!(URN, {}, args())).inputs;
    // A loopback port where nothing listens: the emulator the environment names has stopped.
    const closed = net.createServer().listen(0, "127.0.0.1");
    await once(closed, "listening");
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = new FakeCredential({ fail: () => new Error("connect ECONNREFUSED") });
    setDefaultArmClient(localClient(emulatorEndpoint(azure), { credential: refused }));
    try {
      await withEnv({ AZURE_AUTHORITY_HOST: `https://127.0.0.1:${port}` }, () =>
        assert.rejects(p.create!(URN, inputs), (error: Error) => {
          assert.equal(
            error.message.split(". ")[0],
            `the local Azure emulator that AZURE_AUTHORITY_HOST names is not running: nothing listens on 127.0.0.1:${port}`,
          );
          return true;
        }),
      );
      assert.equal(armRequests().length, 0);
    } finally {
      setDefaultArmClient(
        localClient(emulatorEndpoint(azure), { credential: new FakeCredential({ emulator: azure }) }),
      );
    }
  });

  it("check falls back to ARM_SUBSCRIPTION_ID, and an argument beats both", async () => {
    config = {};
    env = { ARM_SUBSCRIPTION_ID: azure.subscriptionId };
    const fromEnv = (await plugin().check!(URN, {}, args())).inputs as Props;
    assert.equal(fromEnv.subscriptionId, azure.subscriptionId);
    config = { subscriptionId: "00000000-0000-0000-0000-00000000dead" };
    const given = (await plugin().check!(URN, {}, { ...args(), subscriptionId: azure.subscriptionId }))
      .inputs as Props;
    assert.equal(given.subscriptionId, azure.subscriptionId);
  });

  it("without a subscription anywhere, check fails naming the plugin's own config key", async () => {
    config = {};
    const result = await plugin().check!(URN, {}, args());
    assert.deepEqual(result.failures, [{ property: "subscriptionId", reason: NO_PLUGIN_SUBSCRIPTION }]);
    assert.match(NO_PLUGIN_SUBSCRIPTION, /azure-gallery-lookup:subscriptionId/);
    assert.equal(armRequests().length, 0);
  });

  it("an unknown argument sends nothing and fails nothing", async () => {
    const result = await plugin().check!(URN, {}, { ...args(), galleryName: UNKNOWN });
    assert.equal(result.failures, undefined);
    assert.equal(armRequests().length, 0);
  });

  it("a secret argument is unwrapped for the GET, and every value derived from it is secret again", async () => {
    const secretArgs = { ...args(), subscriptionId: wireSecret(azure.subscriptionId) };
    const derived = ["subscriptionId", "permissions", "resourceId", "galleryName", "sharedSubscriptionIds"];
    const inputs = (await plugin().check!(URN, {}, secretArgs)).inputs as Props;
    assert.ok(isWireSecret(inputs.subscriptionId), "subscriptionId is secret");
    assert.equal((inputs.subscriptionId as { value: unknown }).value, azure.subscriptionId);
    const created = await plugin().create!(URN, inputs);
    assert.equal(armRequests().length, 1);
    assert.equal(
      created.id,
      azure.galleries().find((g) => g.endsWith("/mySharingGroupsGallery")),
    );
    for (const key of derived) assert.ok(isWireSecret((created.outs as Props)[key]), `${key} is secret`);
    // And in the check of a lookup in the state, which GETs.
    const checked = (await plugin().check!(URN, created.outs as Props, secretArgs)).inputs as Props;
    assert.equal(armRequests().length, 2);
    for (const key of derived) assert.ok(isWireSecret(checked[key]), `${key} is secret in check`);
  });

  it("diff: no change, then drift after the gallery changes; another gallery replaces", async () => {
    const p = plugin();
    const inputs = (await p.check!(URN, {}, args())).inputs as Props;
    const { id, outs } = await p.create!(URN, inputs);
    const same = await p.diff!(id, URN, outs, (await p.check!(URN, outs, args())).inputs);
    assert.equal(same.changes, false);
    azure.patchGallery(id, { properties: { description: "changed in Azure" } });
    try {
      const drift = await p.diff!(id, URN, outs, (await p.check!(URN, outs, args())).inputs);
      assert.equal(drift.changes, true);
      assert.deepEqual(drift.replaces, []);
      const other = { ...args(), galleryName: "myManagedIdentityGallery" };
      const replace = await p.diff!(id, URN, outs, (await p.check!(URN, outs, other)).inputs);
      assert.deepEqual(replace.replaces, ["galleryName"]);
    } finally {
      azure.patchGallery(id, { properties: { description: "" } });
    }
  });

  it("update in a preview with an argument not known yet sends nothing, and its outputs stay unknown", async () => {
    const p = plugin();
    const { id, outs } = await p.create!(URN, (await p.check!(URN, {}, args())).inputs);
    azure.clearJournal();
    const news = { ...args(), subscriptionId: azure.subscriptionId, select: UNKNOWN };
    const diff = await p.diff!(id, URN, outs, (await p.check!(URN, outs, news)).inputs);
    assert.equal(diff.changes, true, "an option not known yet is a change");
    const updated = await p.update!(id, URN, outs, news);
    assert.deepEqual(updated.outs, news);
    assert.equal(armRequests().length, 0);
  });

  it("reads PULUMI_PARALLEL_DIFF as the engine reads a boolean", () => {
    for (const value of ["1", "true", "TRUE", "True"])
      assert.equal(engineDiffsInParallel({ PULUMI_PARALLEL_DIFF: value }), true, value);
    for (const value of [undefined, "", "0", "false", "yes", "on"])
      assert.equal(engineDiffsInParallel({ PULUMI_PARALLEL_DIFF: value }), false, String(value));
  });

  describe("when the engine runs Diff in parallel (PULUMI_PARALLEL_DIFF=true)", () => {
    beforeEach(() => {
      env = { PULUMI_PARALLEL_DIFF: "true" };
    });
    const stored = async (p: ReturnType<typeof plugin>) => {
      const created = await p.create!(URN, (await p.check!(URN, {}, args())).inputs);
      azure.clearJournal();
      return created;
    };

    it("check of a lookup in the state sends nothing; diff sends the one GET and sees no change", async () => {
      const p = plugin();
      const { id, outs } = await stored(p);
      const checked = await p.check!(URN, outs, args());
      assert.equal((checked.inputs as Props).uniqueName, undefined, "nothing observed in check");
      assert.equal(armRequests().length, 0);
      const diff = await p.diff!(id, URN, outs, checked.inputs);
      assert.equal(diff.changes, false);
      assert.equal(armRequests().length, 1);
    });

    it("drift: diff sees it with its one GET, and update returns what diff saw, sending nothing more", async () => {
      const p = plugin();
      const { id, outs } = await stored(p);
      azure.patchGallery(id, { properties: { description: "changed in Azure" } });
      try {
        const checked = (await p.check!(URN, outs, args())).inputs as Props;
        const diff = await p.diff!(id, URN, outs, checked);
        assert.equal(diff.changes, true);
        assert.deepEqual(diff.replaces, []);
        const updated = await p.update!(id, URN, outs, checked);
        assert.equal((updated.outs as Props).description, "changed in Azure");
        assert.equal(armRequests().length, 1);
        // What diff saw serves one update only: another reads again.
        await p.update!(id, URN, outs, checked);
        assert.equal(armRequests().length, 2);
        // And a later diff that sends nothing (another gallery) leaves nothing for an update to take.
        await p.diff!(id, URN, outs, checked);
        const other = { ...args(), galleryName: "myManagedIdentityGallery" };
        await p.diff!(id, URN, outs, (await p.check!(URN, outs, other)).inputs);
        azure.patchGallery(id, { properties: { description: "changed again" } });
        const again = await p.update!(id, URN, outs, checked);
        assert.equal((again.outs as Props).description, "changed again");
      } finally {
        azure.patchGallery(id, { properties: { description: "" } });
      }
    });

    it("another gallery replaces without a GET in diff; the replacement's create sends the one GET", async () => {
      const p = plugin();
      const { id, outs } = await stored(p);
      const other = { ...args(), galleryName: "myManagedIdentityGallery" };
      const checked = (await p.check!(URN, outs, other)).inputs;
      const diff = await p.diff!(id, URN, outs, checked);
      assert.deepEqual(diff.replaces, ["galleryName"]);
      assert.equal(armRequests().length, 0);
      const created = await p.create!(URN, checked);
      assert.match(created.id, /\/galleries\/myManagedIdentityGallery$/);
      assert.equal(armRequests().length, 1);
    });

    it("a gallery gone since the last up fails diff with check's words, naming galleryName", async () => {
      const p = plugin();
      const { id, outs } = await stored(p);
      const gone = { ...(outs as Props), galleryName: "noSuchGallery" };
      const news = { ...args(), galleryName: "noSuchGallery" };
      await assert.rejects(
        p.diff!(id, URN, gone, (await p.check!(URN, gone, news)).inputs),
        (error: Error) => {
          assert.match(
            error.message,
            /^galleryName: gallery "noSuchGallery" in resource group "\S+" of subscription \S+ was not found \(ARM /,
          );
          return true;
        },
      );
      assert.equal(armRequests().length, 1);
    });
  });

  it("read sends a GET again, and a gallery gone answers an empty id; delete sends nothing", async () => {
    const p = plugin();
    const inputs = (await p.check!(URN, {}, { ...args(), galleryName: "myManagedIdentityGallery" }))
      .inputs as Props;
    const { id, outs } = await p.create!(URN, inputs);
    azure.clearJournal();
    const read = await p.read!(id, URN, outs);
    assert.equal(read.id, id);
    assert.equal((read.props as Props).uniqueName, (outs as Props).uniqueName);
    assert.equal(armRequests().length, 1);
    azure.clearJournal();
    await p.delete!(id, URN, outs);
    assert.equal(azure.journal().length, 0, "delete sends nothing");
  });

  it("getGallery answers the observation and id, and a missing gallery as the argument's failure", async () => {
    const result = await plugin().invoke!(GET_GALLERY_TOKEN, args());
    const outputs = result.outputs as Props;
    assert.equal(outputs.permissions, "Groups");
    assert.equal(outputs.subscriptionId, azure.subscriptionId);
    assert.match(String(outputs.id), /\/galleries\/mySharingGroupsGallery$/);
    const missing = await plugin().invoke!(GET_GALLERY_TOKEN, { ...args(), galleryName: "noSuchGallery" });
    assert.deepEqual(
      missing.failures?.map((f) => f.property),
      ["galleryName"],
    );
    const bad = await plugin().invoke!(GET_GALLERY_TOKEN, { ...args(), galleryName: "bad/name" });
    assert.deepEqual(
      bad.failures?.map((f) => f.property),
      ["galleryName"],
    );
  });

  it("refuses a type or function it does not have", async () => {
    await assert.rejects(
      plugin().check!("urn:pulumi:dev::p::azure-gallery-lookup:index:Other::x", {}, {}),
      /no resource type/,
    );
    await assert.rejects(plugin().invoke!("azure-gallery-lookup:index:other", {}), /no function/);
  });
});

describe("the provider plugin's configuration", () => {
  it("reads stack config variables in both spellings, and an explicit provider's arguments first", () => {
    const variables = new Map([
      ["azure-gallery-lookup:config:clientId", "from-config"],
      ["azure-gallery-lookup:tenantId", "tenant-from-config"],
      ["azure-gallery-lookup:useOidc", "true"],
      ["azure-native:clientSecret", "not ours"],
    ]);
    const config = configFromRequest(variables, {
      clientId: "from-args",
      useMsi: true,
      clientSecret: wireSecret("s3"),
    });
    assert.equal(config.clientId, "from-args");
    assert.equal(config.tenantId, "tenant-from-config");
    assert.equal(config.useOidc, "true");
    assert.equal(config.useMsi, "true");
    assert.equal(config.clientSecret, "s3", "a secret argument is unwrapped");
    assert.equal(configFromRequest(new Map(), { clientId: UNKNOWN }).clientId, undefined);
  });

  it("answers Configure with supportsPreview, so that the engine sends Create in a preview", () => {
    const method = (
      providerService as unknown as Record<string, Record<string, { responseSerialize: unknown }>>
    ).ResourceProviderService.configure;
    const original = method.responseSerialize;
    try {
      const encode = (response: ConfigureResponse) =>
        ConfigureResponse.deserializeBinary(
          (method.responseSerialize as (r: ConfigureResponse) => Buffer)(response),
        );
      assert.equal(encode(new ConfigureResponse().setAcceptsecrets(true)).getSupportspreview(), false);
      advertisePreview();
      const sent = encode(new ConfigureResponse().setAcceptsecrets(true));
      assert.equal(sent.getSupportspreview(), true);
      assert.equal(sent.getAcceptsecrets(), true, "the server's own answer stays");
    } finally {
      method.responseSerialize = original;
    }
  });

  it("sees the Configure request the SDK's server answers by itself, as gRPC decodes it", () => {
    const seen: PluginConfig[] = [];
    const method = (
      providerService as unknown as Record<string, Record<string, { requestDeserialize: unknown }>>
    ).ResourceProviderService.configure;
    const original = method.requestDeserialize;
    try {
      watchConfigure((config) => seen.push(config));
      const request = new ConfigureRequest();
      request.getVariablesMap().set("azure-gallery-lookup:config:subscriptionId", "sub-from-stack");
      request.setArgs(Struct.fromJavaScript({ clientSecret: "canary-client-secret" }));
      const decoded = (method.requestDeserialize as (b: Buffer) => ConfigureRequest)(
        Buffer.from(request.serializeBinary()),
      );
      assert.ok(decoded instanceof ConfigureRequest, "the server still gets the request");
      assert.deepEqual(seen, [{ subscriptionId: "sub-from-stack", clientSecret: "canary-client-secret" }]);
    } finally {
      method.requestDeserialize = original;
    }
  });
});
