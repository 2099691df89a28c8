// Moving a stack from the dynamic GalleryLookup to the plugin's, under the real Pulumi CLI and our Node.js
// language host, on the emulator (docs/plugin.md, "Moving a stack"). The program changes the resource's type
// and keeps its name, with an alias to the dynamic type: the engine replaces the lookup, which sends nothing
// to Azure but the new lookup's GET. Then an explicit provider resource signs in with its own arguments,
// azure-native's key names, while the environment holds no sign-in at all.
import { strict as assert } from "node:assert";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { PLUGIN_VERSION, pluginTarball } from "../support/pluginCli";
import { pulumiProject, requirePulumi, type PreviewJson, type PulumiProject } from "../support/pulumiCli";

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup";
const PLUGIN_TYPE = "azure-gallery-lookup:index:GalleryLookup";
const CANARY_SECRET = "canary-explicit-provider-secret-51d2";

const dynamicProgram = (rg: string) => `import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const images = new GalleryLookup("images", { resourceGroupName: "${rg}", galleryName: "myDemoGallery" });
export const uniqueName = images.uniqueName;
`;

// What a generated Node.js SDK's GalleryLookup does underneath, written out so that this test needs no SDK.
const pluginProgram = (rg: string) => `import * as pulumi from "@pulumi/pulumi";
const images = new pulumi.CustomResource(
  "${PLUGIN_TYPE}",
  "images",
  { resourceGroupName: "${rg}", galleryName: "myDemoGallery", uniqueName: undefined },
  { aliases: [{ type: "${DYNAMIC_TYPE}" }] },
);
export const uniqueName = (images as unknown as { uniqueName: pulumi.Output<string> }).uniqueName;
`;

const explicitProviderProgram = (azure: EmulatorHandle) => `import * as pulumi from "@pulumi/pulumi";
const signIn = new pulumi.ProviderResource("azure-gallery-lookup", "signIn", {
  subscriptionId: "${azure.subscriptionId}",
  tenantId: "${azure.tenantId}",
  clientId: "${azure.clientId}",
  clientSecret: pulumi.secret(process.env.GALLERY_CLIENT_SECRET ?? ""),
});
const images = new pulumi.CustomResource(
  "${PLUGIN_TYPE}",
  "images",
  { resourceGroupName: "${azure.resourceGroupName}", galleryName: "myDemoGallery", uniqueName: undefined },
  { provider: signIn },
);
export const uniqueName = (images as unknown as { uniqueName: pulumi.Output<string> }).uniqueName;
`;

describe("real Pulumi CLI: moving a stack from the dynamic GalleryLookup to the plugin's", function () {
  this.timeout(300_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  const armRequests = () => azure.journal().filter((e) => e.kind === "arm");
  const write = (text: string) => require("node:fs").writeFileSync(`${project.dir}/index.ts`, text) as void;

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator({ clientSecret: CANARY_SECRET });
    project = await pulumiProject(binary, azure, { "index.ts": dynamicProgram(azure.resourceGroupName) });
    await project.ok([
      "plugin",
      "install",
      "resource",
      "azure-gallery-lookup",
      PLUGIN_VERSION,
      "--file",
      pluginTarball(),
    ]);
    await project.ok(["up", "--yes", "--skip-preview"]);
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("the preview shows a replace of the lookup, with its values known; up sends GET only; the state holds the plugin's lookup", async () => {
    write(pluginProgram(azure.resourceGroupName));
    azure.clearJournal();
    const preview = JSON.parse((await project.ok(["preview", "--json"])).stdout) as PreviewJson;
    const ops = (preview.steps ?? []).filter((s) => s.urn.endsWith("::images")).map((s) => s.op);
    assert.ok(ops.includes("replace") || ops.includes("create-replacement"), JSON.stringify(ops));
    const created = preview.steps?.find((s) => s.newState?.type === PLUGIN_TYPE);
    assert.equal(
      { ...created?.newState?.inputs, ...created?.newState?.outputs }.uniqueName,
      `${azure.subscriptionId}-MYDEMOGALLERY`,
      "known at preview",
    );
    await project.ok(["up", "--yes", "--skip-preview"]);
    assert.ok(armRequests().length > 0);
    assert.deepEqual(
      [...new Set(armRequests().map((e) => e.method))],
      ["GET"],
      "a replace sends nothing but GET",
    );
    const state = await project.exportStack();
    const types = (state.deployment.resources ?? []).map((r) => r.type);
    assert.ok(types.includes(PLUGIN_TYPE));
    assert.ok(!types.includes(DYNAMIC_TYPE), "the dynamic lookup is gone");
    const lookup = state.deployment.resources?.find((r) => r.type === PLUGIN_TYPE);
    assert.equal(
      (lookup as { id?: string }).id,
      galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery"),
    );
    const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(outputs.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    const same = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
  });

  it("an explicit provider signs in with its own arguments when the environment has no sign-in; its secret stays out of the lookup", async () => {
    write(explicitProviderProgram(azure));
    const noSignIn = Object.fromEntries(
      [
        "AZURE_TENANT_ID",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
        "AZURE_SUBSCRIPTION_ID",
        "ARM_SUBSCRIPTION_ID",
        "AZURE_TOKEN_CREDENTIALS",
      ].map((k) => [k, undefined]),
    );
    const env = { ...noSignIn, GALLERY_CLIENT_SECRET: CANARY_SECRET };
    const up = await project.run(["up", "--yes", "--skip-preview"], { env });
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.doesNotMatch(up.stdout + up.stderr, new RegExp(CANARY_SECRET));
    const shown = await project.exportStack(true);
    const lookup = shown.deployment.resources?.find((r) => r.type === PLUGIN_TYPE);
    assert.ok(lookup);
    assert.equal(lookup.outputs?.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.doesNotMatch(JSON.stringify(lookup), new RegExp(CANARY_SECRET));
    assert.doesNotMatch(JSON.stringify(await project.exportStack()), new RegExp(CANARY_SECRET));
    const destroy = await project.run(["destroy", "--yes", "--skip-preview"], { env });
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  });
});
