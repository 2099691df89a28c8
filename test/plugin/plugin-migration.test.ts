// Moving a stack from the dynamic GalleryLookup to the plugin's, under the real Pulumi CLI and our Node.js
// language host, on the emulator (docs/plugin.md, "Moving a stack"). The program changes the resource's type
// and keeps its name, with an alias to the dynamic type: the engine replaces the lookup, which sends nothing
// to Azure but the new lookup's GET. Then an explicit provider resource signs in with its own arguments,
// azure-native's key names, while the environment holds no sign-in at all.
import { strict as assert } from "node:assert";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { installPlugin, NO_SIGN_IN } from "../support/pluginCli";
import { pulumiProject, requirePulumi, type PreviewJson, type PulumiProject } from "../support/pulumiCli";
import { CANARY } from "../support/canaries";

const DYNAMIC_TYPE = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup";
const PLUGIN_TYPE = "azure-gallery-lookup:index:GalleryLookup";

const dynamicProgram = (rg: string) => `import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const images = new GalleryLookup("images", { resourceGroupName: "${rg}", galleryName: "myDemoGallery" });
export const uniqueName = images.uniqueName;
`;

// What a generated Node.js SDK's GalleryLookup and Provider do underneath, written out so that this test
// needs no SDK.
const pluginClasses = `import * as pulumi from "@pulumi/pulumi";
class GalleryLookup extends pulumi.CustomResource {
  declare readonly uniqueName: pulumi.Output<string>;
  constructor(name: string, args: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super("${PLUGIN_TYPE}", name, { ...args, uniqueName: undefined }, opts);
  }
}
class Provider extends pulumi.ProviderResource {
  constructor(name: string, args: Record<string, unknown>) {
    super("azure-gallery-lookup", name, args);
  }
}
`;

const pluginProgram = (rg: string, alias: boolean) => `${pluginClasses}
const images = new GalleryLookup(
  "images",
  { resourceGroupName: "${rg}", galleryName: "myDemoGallery" },
  ${alias ? `{ aliases: [{ type: "${DYNAMIC_TYPE}" }] }` : "{}"},
);
export const uniqueName = images.uniqueName;
void Provider;
`;

const explicitProviderProgram = (azure: EmulatorHandle) => `${pluginClasses}
const signIn = new Provider("signIn", {
  subscriptionId: "${azure.subscriptionId}",
  tenantId: "${azure.tenantId}",
  clientId: "${azure.clientId}",
  clientSecret: pulumi.secret("${CANARY.clientSecret}"),
});
const images = new GalleryLookup(
  "images",
  { resourceGroupName: "${azure.resourceGroupName}", galleryName: "myDemoGallery" },
  { provider: signIn },
);
export const uniqueName = images.uniqueName;
`;

describe("real Pulumi CLI: moving a stack from the dynamic GalleryLookup to the plugin's", function () {
  this.timeout(300_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  const armRequests = () => azure.journal().filter((e) => e.kind === "arm");
  const write = (text: string) => require("node:fs").writeFileSync(`${project.dir}/index.ts`, text) as void;

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator({ clientSecret: CANARY.clientSecret });
    project = await pulumiProject(binary, azure, { "index.ts": dynamicProgram(azure.resourceGroupName) });
    await installPlugin(project);
    await project.ok(["up", "--yes", "--skip-preview"]);
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  /** The plugin's lookup as the state holds it now, and every type there. */
  async function stored() {
    const state = await project.exportStack();
    const types = (state.deployment.resources ?? []).map((r) => r.type);
    return { lookup: state.deployment.resources?.find((r) => r.type === PLUGIN_TYPE), types };
  }
  const stackOutput = async () =>
    (JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<string, unknown>)
      .uniqueName;

  it("without an alias: the preview creates the plugin's lookup, reading it in its Create, and deletes the dynamic one; up sends GET only", async () => {
    write(pluginProgram(azure.resourceGroupName, false));
    azure.clearJournal();
    const preview = JSON.parse((await project.ok(["preview", "--json"])).stdout) as PreviewJson;
    const ops = (preview.steps ?? [])
      .filter((s) => s.urn.endsWith("::images"))
      .map((s) => `${s.op} ${s.urn.split("::")[2]}`)
      .sort();
    assert.deepEqual(ops, [`create ${PLUGIN_TYPE}`, `delete ${DYNAMIC_TYPE}`]);
    const text = await project.ok(["preview"]);
    // The gallery is shared with groups and the lookup asks for no expand: the warning reaches the CLI,
    // from the plugin's Create, which sends a new lookup's GET in the preview (the preview's values are
    // checked as the program sees them in plugin-yaml and plugin-overlap).
    assert.match(text.stdout, /shared with groups \(permissions "Groups"\)/);
    await project.ok(["up", "--yes", "--skip-preview"]);
    assert.ok(armRequests().length > 0);
    assert.deepEqual(
      [...new Set(armRequests().map((e) => e.method))],
      ["GET"],
      "the move sends nothing but GET",
    );
    const { lookup, types } = await stored();
    assert.ok(!types.includes(DYNAMIC_TYPE), "the dynamic lookup is gone");
    assert.equal(
      (lookup as { id?: string } | undefined)?.id,
      galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery"),
    );
    assert.equal(lookup?.outputs?.__provider, undefined);
    assert.equal(await stackOutput(), `${azure.subscriptionId}-MYDEMOGALLERY`);
    const same = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
  });

  it("with an alias to the dynamic type: the lookup is unchanged, sends GET only, and a refresh drops the dynamic provider's text", async () => {
    await project.ok(["stack", "init", "aliased"]);
    write(dynamicProgram(azure.resourceGroupName));
    await project.ok(["up", "--yes", "--skip-preview"]);
    write(pluginProgram(azure.resourceGroupName, true));
    azure.clearJournal();
    const preview = JSON.parse((await project.ok(["preview", "--json"])).stdout) as PreviewJson;
    const changes = (preview.steps ?? []).filter((s) => s.op !== "same").map((s) => `${s.op} ${s.urn}`);
    assert.deepEqual(changes, [], "the alias makes the moved lookup the same resource, unchanged");
    await project.ok(["up", "--yes", "--skip-preview"]);
    assert.deepEqual([...new Set(armRequests().map((e) => e.method))], ["GET"]);
    const before = await stored();
    let lookup = before.lookup;
    const types = before.types;
    assert.ok(!types.includes(DYNAMIC_TYPE));
    assert.ok(lookup?.outputs?.__provider !== undefined, "the unchanged lookup keeps the dynamic outputs");
    await project.ok(["refresh", "--yes", "--skip-preview"]);
    ({ lookup } = await stored());
    assert.equal(lookup?.outputs?.__provider, undefined);
    assert.equal(lookup?.outputs?.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    const same = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout + same.stderr);
    await project.ok(["destroy", "--yes", "--skip-preview"]);
    await project.ok(["stack", "select", "dev"]);
  });

  it("an explicit provider signs in with its own arguments when the environment has no sign-in; its secret stays out of the lookup", async () => {
    write(explicitProviderProgram(azure));
    const env = NO_SIGN_IN;
    const up = await project.run(["up", "--yes", "--skip-preview"], { env });
    assert.equal(up.code, 0, up.stdout + up.stderr);
    assert.doesNotMatch(up.stdout + up.stderr, new RegExp(CANARY.clientSecret));
    const shown = await project.exportStack(true);
    const lookup = shown.deployment.resources?.find((r) => r.type === PLUGIN_TYPE);
    assert.ok(lookup);
    assert.equal(lookup.outputs?.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.doesNotMatch(JSON.stringify(lookup), new RegExp(CANARY.clientSecret));
    assert.doesNotMatch(JSON.stringify(await project.exportStack()), new RegExp(CANARY.clientSecret));
    const destroy = await project.run(["destroy", "--yes", "--skip-preview"], { env });
    assert.equal(destroy.code, 0, destroy.stdout + destroy.stderr);
  });
});
