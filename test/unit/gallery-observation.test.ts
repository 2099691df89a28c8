import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { InvalidResponseError } from "pulumi-azure-gallery-lookup";
import { observeGallery } from "#internal/gallery/observation";

// Byte-exact copies of the five Galleries - Get examples of api-version 2025-03-03 (see test/spec).
function example(file: string): Record<string, unknown> {
  const text = readFileSync(path.join(__dirname, "../../../test/spec", file), "utf8");
  return JSON.parse(text).responses["200"].body;
}

/** Asserts the state rule: no null or undefined anywhere in an observation. */
function assertNoEmptyValues(value: unknown, where = "observation"): void {
  assert.notEqual(value, null, `${where} is null`);
  assert.notEqual(value, undefined, `${where} is undefined`);
  if (typeof value === "object") {
    for (const [k, v] of Object.entries(value as object)) assertNoEmptyValues(v, `${where}.${k}`);
  }
}

const GALLERY = "gallery under test";

describe("observeGallery, over every spec example", () => {
  it("plain gallery: uniqueName, description, state; nothing it did not return", () => {
    const o = observeGallery(example("Gallery_Get.json"), GALLERY);
    assert.deepEqual(o, {
      resourceId:
        "/subscriptions/{subscription-id}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName",
      name: "myGalleryName",
      location: "West US",
      description: "This is the gallery description.",
      provisioningState: "Succeeded",
      uniqueName: "{subscription-id}-MYGALLERYNAME",
    });
  });

  it("managed identity: identity kept whole and principalId lifted", () => {
    const o = observeGallery(example("Gallery_Get_WithManagedIdentity.json"), GALLERY);
    assert.equal(o.principalId, "00000000-0000-0000-0000-000000000000");
    assert.equal(o.identity?.type, "SystemAssigned, UserAssigned");
    const users = Object.values(o.identity?.userAssignedIdentities ?? {});
    assert.deepEqual(users, [
      {
        principalId: "00000000-0000-0000-0000-000000000000",
        clientId: "00000000-0000-0000-0000-000000000000",
      },
    ]);
    assertNoEmptyValues(o);
  });

  for (const file of [
    "Gallery_Get_WithExpandSharingProfileGroups.json",
    "Gallery_Get_WithSelectPermissions.json",
  ]) {
    it(`sharing groups (${file}): lifted by type, sorted`, () => {
      const o = observeGallery(example(file), GALLERY);
      assert.equal(o.permissions, "Groups");
      assert.deepEqual(o.sharedSubscriptionIds, [
        "34a4ab42-0d72-47d9-bd1a-aed207386dac",
        "380fd389-260b-41aa-bad9-0a83108c370b",
      ]);
      assert.deepEqual(o.sharedTenantIds, ["c24c76aa-8897-4027-9b03-8f7928b54ff6"]);
      assert.deepEqual(
        o.sharingProfile?.groups?.map((g: { type?: string }) => g.type),
        ["AADTenants", "Subscriptions"],
      );
      assertNoEmptyValues(o);
    });
  }

  it("community gallery: info and public names lifted, sharing status kept", () => {
    const o = observeGallery(example("CommunityGallery_Get.json"), GALLERY);
    assert.equal(o.permissions, "Community");
    assert.deepEqual(o.communityPublicNames, ["GalleryPublicName"]);
    assert.equal(o.communityGalleryInfo?.communityGalleryEnabled, true);
    assert.equal(o.sharingStatus?.aggregatedState, "Succeeded");
    assert.equal(o.sharedSubscriptionIds, undefined, "no groups returned, so no shared ids claimed");
    assertNoEmptyValues(o);
  });

  it("a reordering by the service is not a different observation", () => {
    const body = example("Gallery_Get_WithExpandSharingProfileGroups.json") as {
      properties: { sharingProfile: { groups: { ids: string[] }[] } };
    };
    const before = observeGallery(body, GALLERY);
    body.properties.sharingProfile.groups.reverse();
    body.properties.sharingProfile.groups[1].ids.reverse();
    assert.deepEqual(observeGallery(body, GALLERY), before);
  });

  it("drops nulls, ignores unknown fields and passes unknown enum values through", () => {
    const o = observeGallery(
      {
        name: "g",
        tags: null,
        newField: { x: 1 },
        properties: { provisioningState: "Migrating", sharingProfile: { permissions: "Everyone" } },
      },
      GALLERY,
    );
    assert.deepEqual(o, {
      name: "g",
      provisioningState: "Migrating",
      sharingProfile: { permissions: "Everyone" },
      permissions: "Everyone",
    });
  });

  it("handles a body without properties", () => {
    assert.deepEqual(observeGallery({ name: "g", location: "westus" }, GALLERY), {
      name: "g",
      location: "westus",
    });
  });

  it("refuses wrong types with one error naming the gallery and every bad field", () => {
    assert.throws(
      () =>
        observeGallery(
          { name: 5, properties: { identifier: { uniqueName: ["x"] }, sharingProfile: { groups: {} } } },
          GALLERY,
        ),
      (e: Error) =>
        e instanceof InvalidResponseError &&
        e.message.includes(GALLERY) &&
        e.message.includes("name is a number, not a string") &&
        e.message.includes("properties.identifier.uniqueName is an array, not a string") &&
        e.message.includes("properties.sharingProfile.groups is a object, not an array"),
    );
    assert.throws(() => observeGallery("<html>", GALLERY), InvalidResponseError);
    assert.throws(() => observeGallery(null, GALLERY), InvalidResponseError);
  });
});
