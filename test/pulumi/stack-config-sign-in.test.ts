// Signing in from stack config alone under the real Pulumi CLI: `pulumi config set azure-native:*` (the
// client secret with --secret), no credential in the environment. The engine hands the stack config to the
// dynamic provider's Configure, the provider's `configure` keeps the sign-in keys in memory, and the lookup
// signs in as that principal. The secret never shows in plain text in the export, the backend or the output.
import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  pulumiProject,
  requirePulumi,
  type PulumiProject,
  type PulumiRun,
  type StackExport,
} from "../support/pulumiCli";
import { CANARY } from "../support/canaries";

const PROGRAM = `
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";

const config = new pulumi.Config();
const gallery = new GalleryLookup("gallery", {
  resourceGroupName: config.require("resourceGroupName"),
  galleryName: "myDemoGallery",
});
export const principalId = gallery.principalId;
`;

/** Every file under a folder, as text. */
function filesUnder(dir: string): { file: string; text: string }[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).flatMap((entry) => {
    if (!entry.isFile()) return [];
    const file = path.join(entry.parentPath, entry.name);
    return [{ file, text: fs.readFileSync(file).toString("latin1") }];
  });
}

describe("real Pulumi CLI: sign-in from stack config alone (azure-native:clientId/tenantId, --secret clientSecret)", function () {
  this.timeout(180_000);
  const secret = `${CANARY.configSecret}-${randomBytes(6).toString("hex")}`;
  let azure: EmulatorHandle;
  let project: PulumiProject;
  const outputs: PulumiRun[] = [];

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator({ clientSecret: secret });
    project = await pulumiProject(
      binary,
      azure,
      { "index.ts": PROGRAM },
      {
        // Only the endpoints stay in the environment (custom-cloud endpoints are not read from config);
        // every credential and sign-in choice goes. EnvironmentCredential is pinned so that, should config not
        // be read, the sign-in fails on the missing variables instead of probing other methods.
        env: {
          AZURE_CLIENT_ID: undefined,
          AZURE_TENANT_ID: undefined,
          AZURE_CLIENT_SECRET: undefined,
          AZURE_SUBSCRIPTION_ID: undefined,
          ARM_SUBSCRIPTION_ID: undefined,
          GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: undefined,
          AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
          GALLERY_LOOKUP_MAX_RETRIES: "0",
        },
      },
    );
    for (const [key, value] of [
      ["resourceGroupName", azure.resourceGroupName],
      ["azure-native:subscriptionId", azure.subscriptionId],
      ["azure-native:clientId", azure.clientId],
      ["azure-native:tenantId", azure.tenantId],
      ["azure-native:disableInstanceDiscovery", "true"],
    ]) {
      await project.ok(["config", "set", key, value]);
    }
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("without the secret in config the preview fails: the environment holds no credential", async () => {
    const run = await project.run(["preview"]);
    outputs.push(run);
    assert.notEqual(run.code, 0, run.stdout);
    assert.match(run.stdout, /EnvironmentCredential is unavailable/);
    assert.match(run.stdout, /stack config azure-native:clientSecret or ARM_CLIENT_SECRET/);
    assert.deepEqual(azure.identities.grants(), [], "no token was issued");
  });

  it("with `config set --secret azure-native:clientSecret`, up signs in through configure as the configured client", async () => {
    await project.ok(["config", "set", "--secret", "azure-native:clientSecret"], { stdin: secret });
    outputs.push(await project.ok(["up", "--yes", "--skip-preview"]));
    assert.deepEqual(azure.identities.grants(), [{ clientId: azure.clientId, grant: "client_secret" }]);
    const exported = await project.exportStack();
    const lookup = exported.deployment.resources?.find((r) => r.urn.endsWith("::gallery"));
    assert.equal(lookup?.outputs?.principalId, "7d1c3e9a-0000-4000-8000-00000000a11e");
    outputs.push(await project.ok(["preview", "--expect-no-changes", "--diff"]));
  });

  it("the secret is never in plain text: not in `pulumi stack export`, the backend's files, the project or any output", async () => {
    const exported = await project.ok(["stack", "export"]);
    assert.ok(!exported.stdout.includes(secret), "stack export holds the secret in plain text");
    const places = [
      ...filesUnder(project.backendDir),
      ...filesUnder(project.dir).filter((f) => !f.file.includes("node_modules")),
      ...filesUnder(path.dirname(project.env.PULUMI_HOME ?? project.dir)),
    ];
    assert.ok(
      places.some((f) => f.file.endsWith(".json") && f.file.includes(`${path.sep}stacks${path.sep}`)),
      "the backend's stack file was searched",
    );
    for (const { file, text } of places) assert.ok(!text.includes(secret), `the secret is in ${file}`);
    for (const run of outputs)
      assert.ok(!(run.stdout + run.stderr).includes(secret), "an output shows the secret");
    assert.ok(!JSON.stringify(azure.journal()).includes(secret));
    // Positive control: the export does hold the secret, encrypted, as the engine's default provider's config.
    const shown = await project.ok(["stack", "export", "--show-secrets"]);
    assert.ok(
      shown.stdout.includes(secret),
      "--show-secrets decrypts it: the search above looked in the right place",
    );
  });

  it("a change of an unrelated config value is no change: --expect-no-changes exits 0; the next up records it in the default provider only", async () => {
    await project.ok(["config", "set", "unrelated", "changed"]);
    const run = await project.run(["preview", "--expect-no-changes", "--diff"]);
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /2 unchanged/);
    const before = await project.exportStack();
    const provider = (e: StackExport) =>
      e.deployment.resources?.find((r) => r.type === "pulumi:providers:pulumi-nodejs");
    // The engine keeps the whole stack config as the default dynamic provider's inputs (secrets encrypted).
    assert.equal(provider(before)?.inputs?.["lookup-test:unrelated"], undefined);
    assert.equal(provider(before)?.inputs?.["azure-native:clientId"], azure.clientId);
    azure.clearJournal();
    await project.ok(["up", "--yes", "--skip-preview"]);
    const after = await project.exportStack();
    assert.equal(provider(after)?.inputs?.["lookup-test:unrelated"], "changed");
    const lookup = (e: StackExport) => e.deployment.resources?.find((r) => r.urn.endsWith("::gallery"));
    assert.deepEqual(lookup(after)?.outputs, lookup(before)?.outputs, "the lookup is untouched");
    assert.ok(
      !JSON.stringify(lookup(after)).includes("azure-native:"),
      "no config key in the lookup's state",
    );
    assert.deepEqual(
      azure
        .journal()
        .filter((e) => e.kind === "arm")
        .map((e) => e.method),
      ["GET"],
      "check's GET only",
    );
  });
});
