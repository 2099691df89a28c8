import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import {
  getGallery,
  getGalleryOutput,
  InvalidArgumentError,
  GalleryNotFoundError,
} from "pulumi-azure-gallery-lookup";
import { ArmClient } from "#internal/arm/armClient";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { FakeCredential } from "../support/fakeCredential";
import { emulatorEndpoint, localClient } from "../support/localClients";
import { withEnv } from "../support/environment";

describe("getGallery and getGalleryOutput", () => {
  let azure: EmulatorHandle;
  let client: ArmClient;
  let credential: FakeCredential;

  before(async () => {
    azure = await startEmulator({ throttle: false });
    credential = new FakeCredential({ emulator: azure });
    client = localClient(emulatorEndpoint(azure), { credential });
  });
  after(() => azure.close());
  beforeEach(() => azure.clearJournal());

  it("returns the outputs, the arguments as resolved and the ARM id", async () => {
    const result = await getGallery(
      {
        subscriptionId: azure.subscriptionId,
        resourceGroupName: "MYRESOURCEGROUP",
        galleryName: "mycommunitygallery",
      },
      { client },
    );
    assert.equal(
      result.id,
      azure.galleries().find((g) => g.endsWith("/myCommunityGallery")),
    );
    assert.equal(result.galleryName, "mycommunitygallery");
    assert.deepEqual(result.communityPublicNames, ["GalleryPublicName"]);
    assert.equal("resourceId" in result, false, "the id is `id`, not repeated");
  });

  it("defaults the subscription from ARM_SUBSCRIPTION_ID of the client's env (process.env without an env option)", async () => {
    const own = localClient(emulatorEndpoint(azure), {
      credential,
      env: { ARM_SUBSCRIPTION_ID: azure.subscriptionId },
    });
    const args = { resourceGroupName: azure.resourceGroupName, galleryName: "myGalleryName" };
    const result = await withEnv({ ARM_SUBSCRIPTION_ID: "00000000-0000-4000-8000-00000000dead" }, () =>
      getGallery(args, { client: own }),
    );
    assert.equal(result.subscriptionId, azure.subscriptionId);
    // Without an env option the client, and so the default, reads process.env.
    const fromProcess = await withEnv(
      { ARM_SUBSCRIPTION_ID: azure.subscriptionId, AZURE_RESOURCE_MANAGER_ENDPOINT: azure.armEndpoint },
      () => getGallery(args, { client: new ArmClient({ credential, ca: azure.caCert }) }),
    );
    assert.equal(fromProcess.subscriptionId, azure.subscriptionId);
  });

  it("rejects bad arguments before sending anything, naming each property", async () => {
    await assert.rejects(
      getGallery({ subscriptionId: "x", resourceGroupName: "rg", galleryName: "a/../b" }, { client }),
      (e: Error) =>
        e instanceof InvalidArgumentError &&
        /subscriptionId: /.test(e.message) &&
        /galleryName: /.test(e.message),
    );
    assert.equal(azure.journal().length, 0);
  });

  it("rejects a missing gallery with GalleryNotFoundError", async () => {
    await assert.rejects(
      getGallery(
        {
          subscriptionId: azure.subscriptionId,
          resourceGroupName: azure.resourceGroupName,
          galleryName: "nope",
        },
        { client },
      ),
      GalleryNotFoundError,
    );
  });

  it("getGalleryOutput resolves Inputs and looks up once", async () => {
    await pulumi.runtime.setMocks({
      newResource: (a) => ({ id: a.name, state: a.inputs }),
      call: () => ({}),
    });
    const output = getGalleryOutput(
      {
        subscriptionId: pulumi.output(azure.subscriptionId),
        resourceGroupName: Promise.resolve(azure.resourceGroupName),
        galleryName: "myManagedIdentityGallery",
      },
      { client },
    );
    const principalId = await new Promise((resolve) => output.apply((r) => resolve(r.principalId)));
    assert.equal(principalId, "00000000-0000-0000-0000-000000000000");
    assert.equal(azure.journal().filter((e) => e.kind === "arm").length, 1);
  });
});
