// A user's own project with its own seed, through the command line as a user runs it: an emulator started with
// `gallery-lookup emulator --seed FILE --env json`, `gallery-lookup up DIR`, a change made in the emulator,
// `gallery-lookup preview DIR` showing it as drift, and the `--expect-no-changes` exit code.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import {
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

describe("gallery-lookup up / preview DIR: a user's project against the emulator the user runs", function () {
  this.timeout(120_000);
  const { dir, seedFile } = writeProject();
  const stateFile = path.join(dir, ".gallery-lookup", "dev.state.json");
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

  it("up records the lookup; preview with nothing changed passes --expect-no-changes", async () => {
    const up = await runCli(["up", dir], isolatedEnv(env));
    assert.equal(up.code, 0, up.stderr);
    assert.match(up.stdout, /Updating \(dev\) of .*, against a new stack and the Azure emulator you run at/);
    assert.match(up.stdout, new RegExp(`uniqueName: "${USER_SUBSCRIPTION}-CORPIMAGES"`));
    const state = JSON.parse(fs.readFileSync(stateFile, "utf8")) as {
      resources: { type: string; id?: string }[];
    };
    const lookup = state.resources.find((r) => r.type.endsWith(":GalleryLookup"));
    assert.equal(
      lookup?.id,
      `/subscriptions/${USER_SUBSCRIPTION}/resourceGroups/${USER_GROUP}/providers/Microsoft.Compute/galleries/${USER_GALLERY}`,
    );

    const same = await runCli(["preview", dir, "--expect-no-changes"], isolatedEnv(env));
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /against the state in .*dev\.state\.json/);
    assert.match(same.stdout, /2 unchanged/);
  });

  it("a change in the emulator is drift: preview shows it, --expect-no-changes exits 7, --json has it", async () => {
    const id = `/subscriptions/${USER_SUBSCRIPTION}/resourceGroups/${USER_GROUP}/providers/Microsoft.Compute/galleries/${USER_GALLERY}`;
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

    const drift = await runCli(["preview", dir, "--expect-no-changes"], isolatedEnv(env));
    assert.equal(drift.code, 7, drift.stderr);
    assert.match(drift.stdout, /~\s+GalleryLookup\s+images\s+update/);
    assert.match(
      drift.stdout,
      new RegExp(`~ sharedSubscriptionIds: \\["${SHARED_WITH[0]}"\\] => \\[.*"${added}"\\]`),
    );
    assert.match(drift.stderr, /no changes were expected but changes were proposed/);

    const json = await runCli(["preview", dir, "--json"], isolatedEnv(env));
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as {
      changes: number;
      steps: { op: string; name: string; changedKeys?: string[] }[];
      outputs: Record<string, unknown>;
    };
    assert.equal(plan.changes, 1);
    const step = plan.steps.find((s) => s.name === "images");
    assert.equal(step?.op, "update");
    assert.ok(step?.changedKeys?.includes("sharedSubscriptionIds"));
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
    assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace without --verbose");
    assert.ok(!run.stderr.includes("\u001b["), "no ANSI codes off a terminal");
    assert.equal(run.stdout, "");
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
