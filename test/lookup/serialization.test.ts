// The provider text every GalleryLookup registers (`__provider`, lookup/provider.ts): small, the same for every
// lookup, free of anything the program holds, and written without Pulumi's closure serializer.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import * as closure from "@pulumi/pulumi/runtime/closure/serializeClosure";
import * as settings from "@pulumi/pulumi/runtime/settings";
import * as sinon from "sinon";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import { registerUnderMocks } from "../support/registeredInputs";
import { envForSuite } from "../support/environment";
import { assertNoCanary, CANARY, CANARY_ENV, canaryToken } from "../support/canaries";

/** Every canary variable, plus the client id and ARM_CLIENT_SECRET, which sign in on their own. */
const PLANTED = {
  ...CANARY_ENV,
  AZURE_CLIENT_ID: `${CANARY.clientSecret}-client`,
  ARM_CLIENT_SECRET: CANARY.armSecret,
  AZURE_ACCESS_TOKEN: canaryToken("access"),
};

/** Registers lookups under Pulumi's mocks and returns what the SDK sent to the engine for each. */
function registeredInputs(count: number): Promise<Record<string, unknown>[]> {
  return registerUnderMocks(
    (i) =>
      new GalleryLookup(`lookup-${i}`, {
        subscriptionId: "00000000-0000-0000-0000-000000000001",
        resourceGroupName: "rg",
        galleryName: `gallery${i}`,
      }),
    count,
  );
}

/** A dynamic resource of Pulumi's own class, whose provider Pulumi serializes. */
class NoopDynamic extends pulumi.dynamic.Resource {
  constructor(name: string) {
    super({ create: async () => ({ id: "x" }) }, name, {});
  }
}

describe("the provider text", () => {
  envForSuite(PLANTED);

  it("is a few bytes (it is kept twice in every lookup's state), loads the implementation at run time, and captures no secret or environment", async () => {
    const inputs = await registeredInputs(3);
    assert.equal(inputs.length, 3);
    for (const input of inputs) {
      const text = input.__provider as string;
      assert.equal(typeof text, "string");
      // Pulumi's serializer made 2,686 bytes of the seven methods this text replaces.
      assert.ok(text.length < 200, `the provider text is ${text.length} bytes`);
      assert.match(text, /require\("pulumi-azure-gallery-lookup\/dynamic-provider"\)/);
      assertNoCanary(text, "the provider text");
      assert.ok(
        !/process\.env|axios|identity|Authorization/i.test(text),
        "the provider captured more than its methods",
      );
      assertNoCanary(JSON.stringify(input), "the registered inputs");
    }
    assert.equal(inputs[0].__provider, inputs[2].__provider, "one provider text for every lookup");
  });

  it("is written once, not made by Pulumi's closure serializer (a V8 inspector session and a parse of every method)", async () => {
    // The same module objects `pulumi.dynamic.Resource` calls, so the spy sees every serialization: without
    // Pulumi's per-provider-object cache, which an earlier test's lookups would otherwise have filled.
    const serializeFunction = sinon.spy(closure, "serializeFunction");
    const cache = sinon.stub(settings, "cacheDynamicProviders").returns(false);
    try {
      const inputs = await registeredInputs(2);
      assert.equal(inputs.length, 2);
      assert.equal(serializeFunction.callCount, 0, "the closure serializer ran");
      // A dynamic resource of Pulumi's own class does call it: the spy would see a serialization.
      await registerUnderMocks((i) => new NoopDynamic(`d${i}`));
      assert.equal(serializeFunction.callCount, 1, "the spy saw no serialization of a dynamic.Resource");
    } finally {
      serializeFunction.restore();
      cache.restore();
    }
  });

  it("exposes what the provider returned as the resource's typed outputs", async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({
          id: "gallery-id",
          state: { ...args.inputs, uniqueName: "sub-GALLERY", principalId: "p" },
        }),
        call: () => ({}),
      },
      "project",
      "stack",
      true,
    );
    const lookup = new GalleryLookup("outputs", {
      subscriptionId: "s",
      resourceGroupName: "rg",
      galleryName: "g",
    });
    const [uniqueName, principalId, galleryName] = await new Promise<unknown[]>((resolve) =>
      pulumi.all([lookup.uniqueName, lookup.principalId, lookup.galleryName]).apply(resolve),
    );
    assert.deepEqual([uniqueName, principalId, galleryName], ["sub-GALLERY", "p", "g"]);
  });
});
