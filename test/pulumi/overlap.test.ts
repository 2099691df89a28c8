// Issue 26: the lookups of one program overlap instead of queueing in the engine's serial Check. Proved by
// counting, not timing: the emulator holds every ARM answer until all of them have arrived, so a program
// whose GETs go one after the other never finishes. Also: still one GET per lookup per operation, nothing
// sent for an argument not known yet, a secret argument never prefetched, a failure shown once.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  armRequestsSeen,
  diagnostics,
  getsByGallery,
  occurrences,
  pulumiProject,
  putGalleries,
  requirePulumi,
  type PreviewJson,
  type PulumiProject,
  type PulumiRun,
} from "../support/pulumiCli";
import { processesIn, waitFor } from "../support/processes";

const LOOKUPS = 20;
const names = Array.from({ length: LOOKUPS }, (_, i) => `gallery${String(i).padStart(2, "0")}`);
const PREFETCHED_KEY = "__galleryLookupPrefetched";

// TEST_FIRST_GALLERY renames the first lookup's gallery (a missing one, a refused one) for one run.
const PROGRAM = (group: string) => `
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
declare const process: { env: Record<string, string | undefined> };
const names: string[] = ${JSON.stringify(names)};
if (process.env.TEST_FIRST_GALLERY) names[0] = process.env.TEST_FIRST_GALLERY;
export const uniqueNames = names.map(
  (galleryName) => new GalleryLookup(galleryName, { resourceGroupName: ${JSON.stringify(group)}, galleryName }).uniqueName,
);
`;

// A gallery name known only once another resource exists (unknown in a preview of a new stack), and one
// given as a secret.
const LATER_AND_SECRET = (group: string) => `
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const namer: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: Record<string, unknown>) { return { inputs: news }; },
  async create() { return { id: "namer", outs: { galleryName: "gallery01" } }; },
};
class Namer extends pulumi.dynamic.Resource {
  declare readonly galleryName: pulumi.Output<string>;
  constructor(name: string) { super(namer, name, { galleryName: undefined }); }
}
const later = new GalleryLookup("later", { resourceGroupName: ${JSON.stringify(group)}, galleryName: new Namer("namer").galleryName });
const hidden = new GalleryLookup("hidden", { resourceGroupName: ${JSON.stringify(group)}, galleryName: pulumi.secret("gallery02") });
export const laterName = later.uniqueName;
export const hiddenLocation = hidden.location;
`;

/** The provider hosts running for a project: Node.js on the SDK's cmd/dynamic-provider, in the project's folder. */
function providerHosts(project: PulumiProject): number[] {
  return processesIn(project.dir).filter((pid) => {
    try {
      const argv = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
      return /cmd[/]dynamic-provider([/]index\.js)?$/.test(argv[1] ?? "");
    } catch {
      return false;
    }
  });
}

describe("real Pulumi CLI: the lookups of one program overlap (issue 26)", function () {
  this.timeout(600_000);
  let azure: EmulatorHandle;
  let binary: string;
  const projects: PulumiProject[] = [];

  before(async function () {
    binary = requirePulumi(this);
    azure = await startEmulator();
    putGalleries(azure, names, "plain");
  });
  afterEach(() => azure?.releaseAnswers());
  after(async () => {
    for (const project of projects) project.close();
    await azure?.close();
  });

  async function project(program: string): Promise<PulumiProject> {
    const made = await pulumiProject(binary, azure, { "index.ts": program });
    projects.push(made);
    return made;
  }

  it(`with every answer held until all ${LOOKUPS} GETs have arrived, a preview of ${LOOKUPS} lookups finishes, one GET each, every value known`, async () => {
    const lookups = await project(PROGRAM(azure.resourceGroupName));
    azure.clearJournal();
    azure.holdAnswers(LOOKUPS);
    // Lookups that queue would hold the first GET forever: the deadline of a lookup is far beyond this bound.
    const run = await lookups.run(["preview", "--json"], { timeoutMs: 150_000 });
    azure.releaseAnswers();
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.deepEqual(
      [...getsByGallery(azure).entries()].sort(),
      names.map((n) => [n, 1]),
    );
    const preview = JSON.parse(run.stdout) as PreviewJson;
    const creates = (preview.steps ?? []).filter((s) => s.op === "create" && s.urn.includes("GalleryLookup"));
    assert.equal(creates.length, LOOKUPS);
    for (const step of creates) {
      const name = step.urn.split("::").pop() ?? "";
      assert.equal(step.newState?.inputs?.uniqueName, `${azure.subscriptionId}-${name.toUpperCase()}`);
      assert.ok(!(PREFETCHED_KEY in (step.newState?.inputs ?? {})), "the internal input is not shown");
    }
  });

  it("the engine starts the provider host while every GET is still unanswered, one host, and nothing of it is shown", async () => {
    const lookups = await project(PROGRAM(azure.resourceGroupName));
    // More than will ever arrive, resent attempts included: every answer is held until released below.
    // Without the early start no lookup registers while its GET is unanswered, so no host starts.
    azure.clearJournal();
    azure.holdAnswers(1_000);
    const running = lookups.run(["preview"], { timeoutMs: 150_000 });
    try {
      await waitFor(() => providerHosts(lookups).length > 0, 90_000, "a provider host, every GET unanswered");
      assert.equal(armRequestsSeen(azure).length, 0, "no ARM answer has gone out yet");
      assert.deepEqual(providerHosts(lookups).length, 1);
    } finally {
      azure.releaseAnswers();
    }
    const run = await running;
    assert.equal(run.code, 0, `${run.stdout}\n${run.stderr}`);
    assert.doesNotMatch(`${run.stdout}${run.stderr}`, /unknown function|galleryLookupStartHost|invoke/i);
  });

  it("up sends one GET per lookup, create none; the state holds no internal input; an up-to-date preview one GET each and no changes", async () => {
    const lookups = await project(PROGRAM(azure.resourceGroupName));
    azure.clearJournal();
    await lookups.ok(["up", "--yes", "--skip-preview"]);
    assert.deepEqual(
      [...getsByGallery(azure).entries()].sort(),
      names.map((n) => [n, 1]),
      "up",
    );
    const lookupsInState = (await lookups.exportStack(true)).deployment.resources?.filter((r) =>
      r.type.endsWith("GalleryLookup"),
    );
    assert.equal(lookupsInState?.length, LOOKUPS);
    for (const resource of lookupsInState ?? []) {
      // The engine names every registered property in propertyDependencies (no value); the value itself is
      // in neither inputs nor outputs, so the observation is stored once as outputs and once as inputs, as before.
      assert.ok(!(PREFETCHED_KEY in (resource.inputs ?? {})), "not in the inputs");
      assert.ok(!(PREFETCHED_KEY in (resource.outputs ?? {})), "not in the outputs");
      assert.equal(
        occurrences(JSON.stringify(resource), `-${resource.urn.split("::").pop()?.toUpperCase()}"`),
        2,
      );
    }
    azure.clearJournal();
    await lookups.ok(["preview", "--expect-no-changes"]);
    assert.deepEqual(
      [...getsByGallery(azure).entries()].sort(),
      names.map((n) => [n, 1]),
      "preview",
    );
  });

  it("an argument not known yet sends nothing in a preview; a secret argument is not prefetched and is read by Check, once", async () => {
    const lookups = await project(LATER_AND_SECRET(azure.resourceGroupName));
    const grpcLog = path.join(lookups.dir, "grpc.log");
    azure.clearJournal();
    const run = await lookups.ok(["preview", "--json"], { env: { PULUMI_DEBUG_GRPC: grpcLog } });
    assert.deepEqual([...getsByGallery(azure).entries()], [["gallery02", 1]], "only the secret one's GET");
    const preview = JSON.parse(run.stdout) as PreviewJson;
    const hidden = preview.steps?.find((s) => s.urn.endsWith("::hidden"));
    assert.ok(hidden, run.stdout);
    // The program registered the secret lookup without the internal input: Check sent the GET itself.
    const registrations = fs
      .readFileSync(grpcLog, "utf8")
      .split("\n")
      .filter((line) => line.includes("RegisterResource") && line.includes('"hidden"'));
    assert.ok(registrations.length > 0, "the gRPC log holds the registration of the secret lookup");
    assert.ok(
      registrations.every((line) => !line.includes(PREFETCHED_KEY)),
      registrations.join("\n"),
    );
    azure.clearJournal();
    await lookups.ok(["up", "--yes", "--skip-preview"]);
    assert.deepEqual(
      [...getsByGallery(azure).entries()].sort(),
      [
        ["gallery01", 1],
        ["gallery02", 1],
      ],
      "up: once each, the later one as soon as its name was known",
    );
  });

  async function failingPreview(lookups: PulumiProject, firstGallery: string): Promise<PulumiRun> {
    azure.clearJournal();
    const run = await lookups.run(["preview"], { env: { TEST_FIRST_GALLERY: firstGallery } });
    assert.equal(run.code, 1, run.stdout);
    assert.equal(getsByGallery(azure).get(firstGallery), 1, "one GET for the failing lookup");
    return run;
  }

  it("a missing gallery and a refused one: the failure is shown once under the lookup, after one GET", async () => {
    const lookups = await project(PROGRAM(azure.resourceGroupName));
    const missing = await failingPreview(lookups, "missingGallery");
    const notFound = `gallery "missingGallery" in resource group "${azure.resourceGroupName}" of subscription ${azure.subscriptionId} was not found`;
    const section = missing.stdout.split("\nDiagnostics:\n")[1] ?? "";
    assert.equal(occurrences(section, notFound), 1, missing.stdout);
    assert.match(section, /property galleryName value \{missingGallery\} has a problem/);

    azure.injectFault({
      pathIncludes: galleryId(azure.subscriptionId, azure.resourceGroupName, "refusedGallery"),
      status: 403,
      body: { error: { code: "AuthorizationFailed", message: "The client does not have authorization." } },
    });
    const refused = await failingPreview(lookups, "refusedGallery");
    const failure =
      /Galleries - Get of \S+\/galleries\/refusedGallery failed with HTTP 403 AuthorizationFailed/;
    const shown = diagnostics(refused);
    const heading = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup (refusedGallery):";
    const underLookup = shown.get(heading) ?? "";
    const match = failure.exec(underLookup);
    assert.ok(match, refused.stdout);
    assert.equal(occurrences(underLookup, match[0]), 1, refused.stdout);
    // As before: besides the lookup's, only the provider host's copy under the stack, nothing from the program.
    const others = [...shown.keys()].filter((h) => h !== heading);
    assert.equal(others.length, 1, refused.stdout);
    assert.match(others[0], /^pulumi:pulumi:Stack /);
    assert.equal(refused.stderr, "", "nothing on stderr");
  });
});
