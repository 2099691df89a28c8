// A user's own project with its own seed, through the command line as a user runs it without a Pulumi CLI (the
// embedded engine): an emulator started with `gallery-lookup emulator --seed FILE --env json`, `up DIR` refused by
// name, `preview DIR` of a new stack read live from that emulator, and the `--expect-no-changes` exit code. With a
// Pulumi CLI, up → drift → exit 7 is test/pulumi/offline-cli.test.ts.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import {
  configuredLookup,
  finished,
  isolatedEnv,
  runCli,
  SHARED_WITH,
  spawnCli,
  USER_GALLERY,
  USER_GROUP,
  USER_SUBSCRIPTION,
  writeProject,
} from "../support/cliProject";

/** PATCHes a gallery through the emulator's control API, as a test or a script outside Pulumi would. */
function patchGallery(env: Record<string, string>, id: string, body: object): Promise<number> {
  const url = new URL(
    `/_emulator/galleries?id=${encodeURIComponent(id)}`,
    env.AZURE_RESOURCE_MANAGER_ENDPOINT,
  );
  const ca = fs.readFileSync(env.NODE_EXTRA_CA_CERTS);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: "PATCH", ca, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

describe("gallery-lookup preview / up DIR without a Pulumi CLI: a user's project against the emulator the user runs", function () {
  this.timeout(120_000);
  const { dir, seedFile } = writeProject();
  const id = `/subscriptions/${USER_SUBSCRIPTION}/resourceGroups/${USER_GROUP}/providers/Microsoft.Compute/galleries/${USER_GALLERY}`;
  let emulator: ReturnType<typeof spawnCli>;
  let emulatorDone: ReturnType<typeof finished>;
  let env: Record<string, string>;

  before(async () => {
    emulator = spawnCli(["emulator", "--seed", seedFile, "--env", "json"], isolatedEnv());
    env = await new Promise((resolve, reject) => {
      let out = "";
      emulator.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]) as Record<string, string>);
      });
      emulator.on("exit", (code) => reject(new Error(`emulator exited ${code}`)));
    });
    // Only now: `finished` reads stdout too, and must not take the first line from the reader above.
    emulatorDone = finished(emulator);
  });
  after(async () => {
    emulator.kill("SIGTERM");
    assert.equal((await emulatorDone).code, 0);
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it("--env json is the environment alone: endpoints, credentials and the CA, all on 127.0.0.1", () => {
    assert.match(env.AZURE_RESOURCE_MANAGER_ENDPOINT, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(env.AZURE_AUTHORITY_HOST, env.AZURE_RESOURCE_MANAGER_ENDPOINT);
    assert.ok(fs.existsSync(env.NODE_EXTRA_CA_CERTS));
    assert.equal(env.AZURE_TOKEN_CREDENTIALS, "EnvironmentCredential");
  });

  it("up is refused (exit 2) naming the Pulumi CLI and what works without one; nothing is written", async () => {
    const files = fs.readdirSync(dir).sort();
    for (const args of [
      ["up", dir],
      ["up", dir, "--engine", "embedded"],
    ]) {
      const up = await runCli(args, isolatedEnv(env));
      assert.equal(up.code, 2, up.stderr);
      assert.match(
        up.stderr,
        /an update, and drift against it, need the Pulumi CLI: install it and set PULUMI_CLI, or put pulumi on PATH/,
      );
      assert.match(
        up.stderr,
        /`gallery-lookup preview DIR` previews a new stack and `gallery-lookup preview --demo` shows an update and drift in memory/,
      );
      assert.equal(up.stdout, "");
    }
    assert.match(
      (await runCli(["up", dir], isolatedEnv(env))).stderr,
      /^gallery-lookup: up: no Pulumi CLI 3\.\d+\.\d+ or newer was found; /m,
    );
    const state = await runCli(["preview", dir, "--state", path.join(dir, "state")], isolatedEnv(env));
    assert.equal(state.code, 2, state.stderr);
    assert.match(
      state.stderr,
      /--state names the Pulumi CLI's file backend; the embedded engine keeps no state/,
    );
    assert.deepEqual(fs.readdirSync(dir).sort(), files, "no state file or folder");
  });

  it("preview is of a new stack, read live from that emulator: a change there shows in the next preview", async () => {
    const first = await runCli(["preview", dir], isolatedEnv(env));
    assert.equal(first.code, 0, first.stderr);
    assert.match(
      first.stdout,
      /Previewing update \(dev\) of .*, against a new stack and the Azure emulator you run at/,
    );
    assert.match(first.stdout, new RegExp(`uniqueName: "${USER_SUBSCRIPTION}-CORPIMAGES"`));
    assert.match(
      first.stdout,
      /the embedded engine\nkeeps no state, so it previews a new stack; `up`, and drift against a stack, need the Pulumi CLI\./,
    );
    // A new stack creates its lookup: that is a change.
    const expect = await runCli(["preview", dir, "--expect-no-changes"], isolatedEnv(env));
    assert.equal(expect.code, 7, expect.stderr);
    assert.match(expect.stderr, /no changes were expected but changes were proposed/);

    const added = "22222222-3333-4444-8555-666666666666";
    const status = await patchGallery(env, id, {
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [{ type: "Subscriptions", ids: [...SHARED_WITH, added] }],
        },
      },
    });
    assert.equal(status, 200);
    const json = await runCli(["preview", dir, "--json"], isolatedEnv(env));
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as {
      changes: number;
      steps: { op: string; name: string }[];
      outputs: Record<string, unknown>;
    };
    assert.equal(plan.steps.find((s) => s.name === "images")?.op, "create");
    assert.deepEqual(plan.outputs.sharedSubscriptionIds, [...SHARED_WITH, added].sort());
  });
});

describe("gallery-lookup preview DIR --seed FILE: config, secrets and failures", function () {
  this.timeout(60_000);
  const projects: string[] = [];
  const project = (files: Parameters<typeof writeProject>[0]) => {
    const p = writeProject(files);
    projects.push(path.dirname(p.dir));
    return p;
  };
  after(() => projects.forEach((p) => fs.rmSync(p, { recursive: true, force: true })));

  it("reads Pulumi.<stack>.yaml of --stack; a missing gallery fails once, naming property and reason", async () => {
    const { dir, seedFile } = project({});
    fs.writeFileSync(
      path.join(dir, "Pulumi.staging.yaml"),
      `config:\n  azure-native:subscriptionId: ${USER_SUBSCRIPTION}\n  resourceGroupName: ${USER_GROUP}\n  galleryName: missingGallery\n`,
    );
    const run = await runCli(["preview", dir, "--stack", "staging", "--seed", seedFile], isolatedEnv());
    assert.equal(run.code, 1, run.stderr);
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error:"));
    assert.equal(errors.length, 1, run.stderr);
    assert.match(errors[0], /^error: images: galleryName: gallery "missingGallery" .* was not found/);
    // Where it looked: the emulator (with its seed) and where the subscription came from.
    assert.match(
      run.stderr,
      /\n {2}looked in: the Azure emulator at https:\/\/127\.0\.0\.1:\d+ \(seed .*seed\.json\)\n/,
    );
    assert.match(
      run.stderr,
      new RegExp(
        `\n {2}subscription: ${USER_SUBSCRIPTION}, from the stack config azure-native:subscriptionId \\(Pulumi\\.staging\\.yaml\\)`,
      ),
    );
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace without --verbose");
    assert.ok(!run.stderr.includes("\u001b["), "no ANSI codes off a terminal");
    assert.equal(run.stdout, "");
  });

  it("no subscription in the config: --seed's subscription is the default, so the seeded gallery is found", async () => {
    const { dir, seedFile } = project({
      stackConfig: `  resourceGroupName: ${USER_GROUP}\n  galleryName: ${USER_GALLERY}\n`,
    });
    // The seed's gallery lives in the user's subscription, which the emulator started for --seed exports.
    const run = await runCli(["preview", dir, "--seed", seedFile, "--no-type-check"], isolatedEnv());
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`${USER_SUBSCRIPTION}-${USER_GALLERY.toUpperCase()}`));
  });

  it("a type error fails the run before it starts, as pulumi preview's type check does; --no-type-check skips it", async () => {
    const program = `import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const g = new GalleryLookup("images", { resourceGroupName: "${USER_GROUP}", galleryName: "${USER_GALLERY}" });
const count: number = g.uniqueName;
export const n = count;
`;
    const { dir, seedFile } = project({ program });
    const run = await runCli(["preview", dir, "--seed", seedFile], isolatedEnv());
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /^error: index\.ts\(3,7\): error TS2322: Type 'Output<string>' is not assignable to type 'number'\./m,
    );
    assert.match(
      run.stderr,
      /the type check found 1 error, as `pulumi preview` would \(--no-type-check skips it\)/,
    );
    assert.equal(run.stdout, "");
    const json = await runCli(["preview", dir, "--seed", seedFile, "--json"], isolatedEnv());
    assert.equal(json.code, 1);
    assert.match((JSON.parse(json.stdout) as { error: { details: string[] } }).error.details[0], /TS2322/);
    const skipped = await runCli(["preview", dir, "--seed", seedFile, "--no-type-check"], isolatedEnv());
    assert.equal(skipped.code, 0, skipped.stderr);
  });

  it("a throw inside an apply: the message and the user's line, no stack; --verbose adds the stack", async () => {
    const program = `import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const g = new GalleryLookup("images", { resourceGroupName: "${USER_GROUP}", galleryName: "${USER_GALLERY}" });
export const name = g.uniqueName.apply((n) => {
  if (n) throw new Error("no images for " + n);
  return n;
});
`;
    const { dir, seedFile } = project({ program });
    const run = await runCli(["preview", dir, "--seed", seedFile], isolatedEnv());
    assert.equal(run.code, 1, run.stderr);
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error:"));
    assert.deepEqual(errors, [
      `error: the program failed: Error: no images for ${USER_SUBSCRIPTION}-CORPIMAGES`,
    ]);
    assert.match(run.stderr, /\n {4}at .*index\.ts:4:\d+\n/);
    assert.doesNotMatch(run.stderr, /node_modules/);

    const verbose = await runCli(["preview", dir, "--seed", seedFile, "--verbose"], isolatedEnv());
    assert.equal(verbose.code, 1);
    assert.match(verbose.stderr, /node_modules\/@pulumi\/output\.ts/, "the stack, with --verbose");
  });

  it("a get of an existing resource is refused by name: reads are the Pulumi CLI's", async () => {
    const program = `import * as pulumi from "@pulumi/pulumi";
class ResourceGroup extends pulumi.CustomResource {}
new ResourceGroup("azure-native:resources:ResourceGroup", "existing", {}, { id: "/subscriptions/x/resourceGroups/rg" });
`;
    const read = project({ program });
    const run = await runCli(["preview", read.dir, "--seed", read.seedFile], isolatedEnv());
    assert.equal(run.code, 1, run.stderr);
    const errors = run.stderr.split("\n").filter((l) => l.startsWith("error:"));
    assert.deepEqual(errors, [
      "error: the offline preview does not serve reads of existing resources ('azure-native:resources:ResourceGroup' /subscriptions/x/resourceGroups/rg): that needs the Pulumi CLI",
    ]);
  });

  it("a secret in the stack file is refused by name; functions the engine cannot serve are named once", async () => {
    const secret = project({
      stackConfig: `  galleryName: ${USER_GALLERY}\n  resourceGroupName:\n    secure: AAABAHRoaXMtaXMtZW5jcnlwdGVk\n`,
    });
    const refused = await runCli(["preview", secret.dir, "--seed", secret.seedFile], isolatedEnv());
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /config 'images-stack:resourceGroupName' in Pulumi\.dev\.yaml is a secret/);

    const program = `import * as pulumi from "@pulumi/pulumi";
async function main() {
  for (let i = 0; i < 3; i++) {
    await pulumi.runtime.invoke("azure-native:authorization:getClientConfig", {}).catch(() => undefined);
  }
  await pulumi.runtime.invoke("azure-native:authorization:getClientConfig", {});
}
main();
`;
    const invoke = project({ program });
    const run = await runCli(["preview", invoke.dir, "--seed", invoke.seedFile], isolatedEnv());
    assert.equal(run.code, 1, run.stderr);
    const named = run.stderr.match(/azure-native:authorization:getClientConfig/g) ?? [];
    assert.equal(named.length, 1, run.stderr);
  });
});

describe("gallery-lookup preview DIR: every resource with its own inputs, and hints", function () {
  // Two or three whole previews each (examples/role-assignment type-checks azure-native's types).
  this.timeout(300_000);
  const projects: string[] = [];
  after(() => projects.forEach((p) => fs.rmSync(p, { recursive: true, force: true })));

  it("examples/role-assignment: the RoleAssignment shows its inputs, principalId from the lookup, in text and --json", async () => {
    const example = path.join(__dirname, "..", "..", "..", "examples", "role-assignment");
    const text = await runCli(["preview", example], isolatedEnv());
    assert.equal(text.code, 0, text.stderr);
    const principal = "00000000-0000-0000-0000-000000000000";
    const block = text.stdout
      .split("\n\n")
      .find((b) => b.includes("gallery-reads-blobs (azure-native:authorization:RoleAssignment):"));
    assert.ok(block, text.stdout);
    assert.match(block, new RegExp(`principalId: "${principal}"`));
    assert.match(block, /principalType: "ServicePrincipal"/);
    assert.match(block, /roleDefinitionId: "\/subscriptions\/5b5b5b5b-[^"]+\/roleDefinitions\/2a2b9908-/);
    assert.match(block, /scope: "\/subscriptions\/5b5b5b5b-[^"]+\/resourceGroups\/myResourceGroup"/);

    const json = await runCli(["preview", example, "--json"], isolatedEnv());
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as { steps: { type: string; inputs: Record<string, unknown> }[] };
    const assignment = plan.steps.find((s) => s.type === "azure-native:authorization:RoleAssignment");
    assert.equal(assignment?.inputs.principalId, principal);
    assert.equal(assignment?.inputs.principalType, "ServicePrincipal");
  });

  it("a user's own dynamic resource shows its own inputs, unknowns marked, not GalleryLookup's fields", async () => {
    const program = `import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const config = new pulumi.Config();
const gallery = new GalleryLookup("images", {
  resourceGroupName: config.require("resourceGroupName"),
  galleryName: config.require("galleryName"),
  expand: "SharingProfile/Groups",
});
const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: "counter-1", outs: inputs };
  },
};
class Mine extends pulumi.dynamic.Resource {
  constructor(name: string, props: Record<string, pulumi.Input<unknown>>) {
    super(provider, name, props, {});
  }
}
const counter = new Mine("counter", { size: 3, label: gallery.uniqueName });
new Mine("follower", { leader: counter.id, tags: { from: counter.id, fixed: "x" } });
`;
    const p = writeProject({ program });
    projects.push(path.dirname(p.dir));
    const text = await runCli(["preview", p.dir, "--seed", p.seedFile], isolatedEnv());
    assert.equal(text.code, 0, text.stderr);
    const block = (name: string) =>
      text.stdout.split("\n\n").find((b) => b.trimStart().startsWith(`${name} (`)) ?? "";
    assert.match(
      block("counter"),
      /^ {2}counter \(Resource\):\n {6}label: "0c0ffee0-[^"]+-CORPIMAGES"\n {6}size: 3$/,
    );
    assert.doesNotMatch(block("counter"), /uniqueName|principalId|not returned|absent/);
    assert.match(block("follower"), /leader: \(not known in preview\)/);
    assert.match(block("follower"), /tags: \{"fixed":"x","from":\(not known in preview\)\}/);

    const json = await runCli(["preview", p.dir, "--seed", p.seedFile, "--json"], isolatedEnv());
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as {
      steps: { name: string; inputs: Record<string, unknown>; unknownInputs?: string[] }[];
    };
    const follower = plan.steps.find((s) => s.name === "follower");
    assert.deepEqual(follower?.inputs, { leader: null, tags: { fixed: "x", from: null } });
    assert.deepEqual(follower?.unknownInputs, ["leader", "tags.from"]);
    assert.deepEqual(plan.steps.find((s) => s.name === "counter")?.inputs.size, 3);
  });

  it('permissions "Groups" without expand: a Check warning and a hint in the report name expand: "SharingProfile/Groups"', async () => {
    const program = `${configuredLookup()}export const shared = gallery.sharedSubscriptionIds;\n`;
    const p = writeProject({ program });
    projects.push(path.dirname(p.dir));
    const run = await runCli(["preview", p.dir, "--seed", p.seedFile], isolatedEnv());
    assert.equal(run.code, 0, run.stderr);
    const hint =
      /gallery corpImages is shared with groups \(permissions "Groups"\), but sharedSubscriptionIds and sharedTenantIds were not returned: .*add expand: "SharingProfile\/Groups"/;
    // The SDK's own "Undefined value (shared) will not show as a stack output" is true and not ours.
    const warnings = run.stderr
      .split("\n")
      .filter((l) => l.startsWith("warning: ") && !l.includes("will not show as a stack output"));
    assert.equal(warnings.length, 1, run.stderr);
    assert.match(warnings[0], hint);
    assert.match(run.stdout, new RegExp(` {6}hint: ${hint.source}`));
    const json = await runCli(["preview", p.dir, "--seed", p.seedFile, "--json"], isolatedEnv());
    const plan = JSON.parse(json.stdout) as { steps: { name: string; hint?: string }[] };
    assert.match(plan.steps.find((s) => s.name === "images")?.hint ?? "", hint);
    // With expand, no hint.
    const expanded = writeProject({});
    projects.push(path.dirname(expanded.dir));
    const quiet = await runCli(["preview", expanded.dir, "--seed", expanded.seedFile], isolatedEnv());
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.doesNotMatch(quiet.stderr + quiet.stdout, /hint|SharingProfile\/Groups"/);
  });
});
