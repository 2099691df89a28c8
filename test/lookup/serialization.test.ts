import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
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

describe("the serialized provider", () => {
  envForSuite(PLANTED);

  it("is small, loads the implementation at run time, and captures no secret or environment", async () => {
    const inputs = await registeredInputs(3);
    assert.equal(inputs.length, 3);
    for (const input of inputs) {
      const text = input.__provider as string;
      assert.equal(typeof text, "string");
      assert.ok(text.length < 4096, `serialized provider is ${text.length} bytes`);
      assert.match(text, /require\("pulumi-azure-gallery-lookup\/dynamic-provider"\)/);
      assertNoCanary(text, "the serialized provider");
      assert.ok(
        !/process\.env|axios|identity|Authorization/i.test(text),
        "the provider captured more than its methods",
      );
      assertNoCanary(JSON.stringify(input), "the registered inputs");
    }
    assert.equal(inputs[0].__provider, inputs[2].__provider, "one provider text for every lookup");
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
