// What the embedded engine prints around a result: the context lines under a failure name what the run really
// sent (the subscription the program passed, a stack file that exists, nothing after a bad argument), and a
// drift report's values read with their keys in one order on both sides (an updated resource's count and lines:
// test/unit/cli-plan.test.ts, since the embedded engine updates nothing a user deployed).
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import {
  isolatedEnv,
  runCli,
  USER_GALLERY,
  USER_GROUP,
  USER_SUBSCRIPTION,
  userSeed,
  writeProject,
} from "../support/cliProject";
import { runDrift } from "../support/driftCli";
import {
  baseResources,
  exportDocument,
  lookupAfterUp,
  writeDocument,
  type Json,
} from "../support/driftState";
import { emulatorClient } from "../support/reliability";

const EMULATOR_DEFAULT_SUBSCRIPTION = "5b5b5b5b-0000-4000-8000-000000000003";
const OTHER_SUBSCRIPTION = "0c0ffee0-1234-4abc-8def-00000000a009";

/** `preview DIR` with the embedded engine, its own emulator (the default galleries), no type check. */
function preview(dir: string, ...extra: string[]) {
  return runCli(["preview", dir, "--engine", "embedded", "--no-type-check", ...extra], isolatedEnv());
}

describe("gallery-lookup preview DIR: context lines and change lines say what happened", function () {
  this.timeout(120_000);
  const made: string[] = [];
  after(() => {
    for (const dir of made) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  function project(program: string, stackConfig?: string): string {
    const { dir } = writeProject({ program, stackConfig });
    made.push(dir);
    return dir;
  }

  it("names each subscription the run asked and where it came from; no Pulumi.dev.yaml is named as missing", async () => {
    const dir = project(`import { GalleryLookup } from "pulumi-azure-gallery-lookup";
new GalleryLookup("passed", { subscriptionId: "${OTHER_SUBSCRIPTION}", resourceGroupName: "rg-x", galleryName: "missing1" });
new GalleryLookup("defaulted", { resourceGroupName: "rg-x", galleryName: "missing2" });
`);
    fs.rmSync(path.join(dir, "Pulumi.dev.yaml"));
    const run = await preview(dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /^ {2}looked in: the Azure emulator at https:\/\/127\.0\.0\.1:\d+$/m);
    assert.match(
      run.stderr,
      new RegExp(`^  subscription: ${OTHER_SUBSCRIPTION}, passed by the program \\(subscriptionId\\)$`, "m"),
    );
    assert.match(
      run.stderr,
      new RegExp(
        `^  subscription: ${EMULATOR_DEFAULT_SUBSCRIPTION}, from the emulator's default subscription \\(no azure-native:subscriptionId in Pulumi.yaml, and no Pulumi.dev.yaml\\)$`,
        "m",
      ),
    );
    assert.doesNotMatch(run.stderr, /in Pulumi\.dev\.yaml/);
  });

  it("a bad argument sent nothing: no 'looked in' line (text and --json)", async () => {
    const dir = project(`import { GalleryLookup } from "pulumi-azure-gallery-lookup";
new GalleryLookup("bad", { resourceGroupName: "rg-x", galleryName: "bad name!" });
`);
    const run = await preview(dir);
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stderr, /galleryName: must be/);
    assert.doesNotMatch(run.stderr, /looked in|subscription:/);
    const json = await preview(dir, "--json");
    assert.equal(json.code, 1, json.stderr);
    const doc = JSON.parse(json.stdout) as { error: { where?: string[] } };
    assert.deepEqual(doc.error.where, []);
  });

  it("drift: an array of objects reads with its keys in one order on both sides of ⇒", async () => {
    const azure = await startEmulator({ seed: userSeed() as never });
    const client = emulatorClient(azure);
    const scratch = fs.mkdtempSync(path.join(path.dirname(project("")), "drift-"));
    try {
      const resources = baseResources("proj", "dev");
      const lookup = await lookupAfterUp(
        client,
        { project: "proj", stack: "dev", name: "images" },
        {
          subscriptionId: USER_SUBSCRIPTION,
          resourceGroupName: USER_GROUP,
          galleryName: USER_GALLERY,
          expand: "SharingProfile/Groups",
        },
      );
      // State as another writer left it: the group's keys in the other order, and one id fewer than now.
      const sharing = (lookup.outputs as Json).sharingProfile as {
        groups: { type: string; ids: string[] }[];
      };
      sharing.groups = sharing.groups.map((g) => ({ ids: [], type: g.type }));
      resources.push(lookup);
      const file = writeDocument(path.join(scratch, "dev.json"), exportDocument(resources));
      const run = await runDrift([file], { ...process.env, ...isolatedEnv(), ...azure.environment() });
      assert.equal(run.code, 2, run.stderr + run.stdout);
      const line = run.stdout.split("\n").find((l) => l.includes("sharingProfile.groups:"));
      assert.ok(line, run.stdout);
      const [before, after] = line.split(" ⇒ ");
      const keysOf = (text: string) => [...text.matchAll(/"(\w+)":/g)].map((m) => m[1]).join(",");
      assert.equal(keysOf(before), "ids,type", line);
      assert.equal(keysOf(after), "ids,type", line);
    } finally {
      client.close();
      await azure.close();
    }
  });
});
