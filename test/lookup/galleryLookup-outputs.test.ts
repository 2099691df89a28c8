// The class's types against what a program gets at run time: every declared output is an Output, and one that
// was not given (select, expand) resolves to undefined instead of being undefined itself.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import { GALLERY_LOOKUP_OUTPUTS } from "#internal/lookup/galleryLookup";

const SUBSCRIPTION = "5b5b5b5b-0000-4000-8000-000000000003";

describe("GalleryLookup: every declared output is registered", () => {
  let lookup: GalleryLookup;
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        // What a lookup of a gallery without identity returns: no principalId, no select/expand given.
        newResource: (args) => ({
          id: "gallery-id",
          state: { ...args.inputs, resourceId: "gallery-id", uniqueName: `${SUBSCRIPTION}-G` },
        }),
        call: () => ({}),
      },
      "project",
      "stack",
      false,
    );
    lookup = new GalleryLookup("g", {
      resourceGroupName: "rg",
      galleryName: "g",
      subscriptionId: SUBSCRIPTION,
    });
  });

  const value = <T>(output: pulumi.Output<T>) => new Promise<T>((resolve) => output.apply((v) => resolve(v)));

  it("as an Output, each of them, including those not given", () => {
    assert.ok(GALLERY_LOOKUP_OUTPUTS.includes("select") && GALLERY_LOOKUP_OUTPUTS.includes("principalId"));
    for (const name of GALLERY_LOOKUP_OUTPUTS) {
      assert.ok(pulumi.Output.isInstance(lookup[name]), `${name} is not an Output`);
    }
  });

  it("absent ones resolve to undefined, given ones to their value", async () => {
    assert.equal(await value(lookup.select), undefined);
    assert.equal(await value(lookup.expand), undefined);
    assert.equal(await value(lookup.principalId), undefined);
    assert.equal(await value(lookup.subscriptionId), SUBSCRIPTION);
    assert.equal(await value(lookup.uniqueName), `${SUBSCRIPTION}-G`);
  });
});
