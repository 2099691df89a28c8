// Errors as the real Pulumi CLI prints them, against the emulator: bad arguments, a missing gallery, a 403,
// throttling that clears and throttling that does not. Each names what is wrong, shows under the resource
// once, and comes quickly; and whether the runtime-preload workaround matters under the real CLI.
import * as net from "node:net";
import { strict as assert } from "node:assert";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  armRequestsSeen,
  diagnostics,
  occurrences,
  pulumiProject,
  requirePulumi,
  type PulumiProject,
  type PulumiRun,
} from "../support/pulumiCli";

// The gallery comes from the environment of each run, so that no `pulumi config set` is needed between runs.
const PROGRAM = `
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
declare const process: { env: Record<string, string | undefined> };
const images = new GalleryLookup("images", {
  resourceGroupName: "myResourceGroup",
  galleryName: process.env.TEST_GALLERY_NAME ?? "myDemoGallery",
});
export const uniqueName = images.uniqueName.apply((name) => {
  if (process.env.TEST_THROW_IN_APPLY && name) throw new Error(\`boom in apply: \${name}\`);
  return name;
});
`;
const RESOURCE_HEADING = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup (images):";
const PRELOAD = { NODE_OPTIONS: "--require pulumi-azure-gallery-lookup/runtime-preload" };
/**
 * A generous bound, for 2 loaded cores: a preview here takes 8-28 s whether it fails or not, and the stall
 * this guards against (a program error formatted without the preload) lasts minutes.
 */
const QUICK_MS = 60_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

describe("real Pulumi CLI: errors show under the resource once, name what is wrong, and show quickly", function () {
  this.timeout(240_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;
  const figures: string[] = [];

  async function preview(label: string, env: NodeJS.ProcessEnv = {}): Promise<PulumiRun> {
    azure.clearJournal();
    const run = await project.run(["preview"], { env });
    figures.push(`${label}: exit ${run.code}, ${run.ms} ms`);
    assert.ok(run.ms < QUICK_MS, `${label} took ${run.ms} ms`);
    assert.equal(run.stderr, "", `${label}: the CLI's stderr`);
    return run;
  }

  /** A check failure: the engine prints it once as it happens and once under Diagnostics, and nowhere else. */
  function assertCheckFailure(run: PulumiRun, line: RegExp): void {
    assert.equal(run.code, 1, run.stdout);
    const match = line.exec(run.stdout);
    assert.ok(match, run.stdout);
    assert.equal(
      occurrences(run.stdout, match[0]),
      2,
      `shown as it happens and in Diagnostics:\n${run.stdout}`,
    );
    const shown = diagnostics(run);
    assert.deepEqual([...shown.keys()], [RESOURCE_HEADING], "only the resource has diagnostics");
    assert.equal(occurrences(shown.get(RESOURCE_HEADING) ?? "", match[0]), 1);
  }

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    project = await pulumiProject(
      binary,
      azure,
      { "index.ts": PROGRAM },
      { env: { GALLERY_LOOKUP_MAX_RETRIES: "1" } },
    );
  });
  after(async () => {
    if (figures.length > 0) process.stdout.write(`      measured: ${figures.join("; ")}\n`);
    project?.close();
    await azure?.close();
  });

  it("an invalid galleryName: the property and the rule, and no request", async () => {
    const run = await preview("invalid galleryName", { TEST_GALLERY_NAME: "bad name!" });
    assertCheckFailure(
      run,
      /property galleryName value \{bad name!\} has a problem: must be 1 to 80 characters of letters, digits[^\n]*\(got "bad name!"\)/,
    );
    assert.deepEqual(armRequestsSeen(azure), []);
  });

  it("a missing gallery, with and without runtime-preload interleaved (3 rounds each): galleryName named, once, quickly either way", async () => {
    const times: Record<"plain" | "preload", number[]> = { plain: [], preload: [] };
    for (let round = 0; round < 3; round++) {
      for (const variant of ["plain", "preload"] as const) {
        const run = await preview(`missing gallery (${variant})`, {
          TEST_GALLERY_NAME: "noSuchGallery",
          ...(variant === "preload" ? PRELOAD : {}),
        });
        assertCheckFailure(
          run,
          /property galleryName value \{noSuchGallery\} has a problem: gallery "noSuchGallery" in resource group "myResourceGroup" of subscription \S+ was not found \(ARM ResourceNotFound, x-ms-request-id [^)]+\)/,
        );
        assert.deepEqual(
          armRequestsSeen(azure).map((r) => r.status),
          [404],
        );
        times[variant].push(run.ms);
      }
    }
    figures.push(
      `median failing preview: plain ${median(times.plain)} ms, with runtime-preload ${median(times.preload)} ms`,
    );
  });

  /**
   * An error thrown by check (not a check failure) is shown under the resource once, and Pulumi's own dynamic
   * provider host (`@pulumi/pulumi/cmd/dynamic-provider`, which console.errors what check throws) adds a copy
   * with the stack trace under the stack: that copy is Pulumi's, printed on the host's stderr.
   */
  function assertThrownError(run: PulumiRun, line: RegExp): void {
    assert.equal(run.code, 1, run.stdout);
    const shown = diagnostics(run);
    const resource = shown.get(RESOURCE_HEADING) ?? "";
    const match = line.exec(resource);
    assert.ok(match, `not under the resource:\n${run.stdout}`);
    assert.equal(occurrences(resource, match[0]), 1, "once under the resource");
    const stack = [...shown.entries()].filter(([heading]) => heading !== RESOURCE_HEADING);
    assert.equal(stack.length, 1, "the host's copy, under the stack");
    assert.match(stack[0][0], /^pulumi:pulumi:Stack /);
    assert.match(stack[0][1], /at ResourceProviderService\.check \(.*cmd\/dynamic-provider/);
  }

  // Without the preload, the real CLI on a Node.js with nodejs/node#64011 (20.20.2 here) stalls for minutes
  // formatting this error (docs/cli.md, "Why failures used to take 30-45 s"); that is measured, not run, here.
  it("a throw in the program, with runtime-preload: the error and the line of the program, once, quickly", async () => {
    const run = await preview("throw in an apply (preload)", { TEST_THROW_IN_APPLY: "1", ...PRELOAD });
    assert.equal(run.code, 1, run.stdout);
    assert.equal(occurrences(run.stdout, "Error: boom in apply: "), 1, run.stdout);
    const shown = diagnostics(run);
    const stack = [...shown.entries()].find(([heading]) => heading.startsWith("pulumi:pulumi:Stack "));
    assert.ok(stack, run.stdout);
    assert.match(stack[1], /Error: boom in apply: \S+-MYDEMOGALLERY\n\s+at \S+index\.ts:\d+:\d+/);
  });

  it("a local emulator that has stopped: a check failure of the lookup that names it, once, no stack trace", async () => {
    // Another emulator's environment, as `. ./emulator.env` left it, after that emulator stopped.
    const gone = await startEmulator();
    const stopped = new URL(gone.environment().AZURE_AUTHORITY_HOST).port;
    // Its variables, moved to a free port outside Linux's ephemeral range (32768–60999): the stopped
    // emulator's own port could be taken meanwhile by a listener the CLI or a plugin opens on port 0.
    const port = String(await freePortBelowEphemeral());
    const env = Object.fromEntries(
      Object.entries(gone.environment()).map(([k, v]) => [
        k,
        v.split(`127.0.0.1:${stopped}`).join(`127.0.0.1:${port}`),
      ]),
    );
    await gone.close();
    const run = await project.run(["preview"], { env });
    figures.push(`stopped emulator: exit ${run.code}, ${run.ms} ms`);
    const all = run.stdout + run.stderr;
    assert.equal(run.code, 1, all);
    const reason = `the local Azure emulator that AZURE_AUTHORITY_HOST names is not running: nothing listens on 127.0.0.1:${port}`;
    // The engine prints a check failure as it happens and under Diagnostics: nothing else repeats it.
    assert.equal(occurrences(all, reason), 2, all);
    const shown = diagnostics(run);
    assert.equal(occurrences(shown.get(RESOURCE_HEADING) ?? "", reason), 1);
    // Under the stack only Node.js's own startup warnings about the emulator's CA file, gone with it
    // (each Node.js process the CLI starts prints one before any code of ours runs); the reason says so.
    for (const [heading, text] of shown) {
      if (heading === RESOURCE_HEADING) continue;
      assert.match(heading, /^pulumi:pulumi:Stack /);
      for (const line of text.split("\n").filter((l) => l.trim() !== ""))
        assert.match(line, /^\s+Warning: Ignoring extra certs from `[^`]+ca\.pem`, load failed/, all);
    }
    assert.match(reason + (shown.get(RESOURCE_HEADING) ?? ""), /“Ignoring extra certs”/);
    assert.match(shown.get(RESOURCE_HEADING) ?? "", /Start it with `gallery-lookup emulator --env/);
    assert.doesNotMatch(all, /Could not get an Azure token|\n\s+at /, "no sign-in error, no stack trace");
    assert.ok(run.ms < QUICK_MS, `took ${run.ms} ms`);
  });

  it("a throw in the program, no NODE_OPTIONS: the package applies the workaround itself when it is imported", async () => {
    azure.clearJournal();
    // Without it this preview runs for minutes on Node.js 20.20 (docs/cli.md): stop well before that.
    const run = await project.run(["preview"], { env: { TEST_THROW_IN_APPLY: "1" }, timeoutMs: QUICK_MS });
    figures.push(`throw in an apply (no NODE_OPTIONS): exit ${run.code}, ${run.ms} ms`);
    assert.ok(run.ms < QUICK_MS, `took ${run.ms} ms`);
    assert.equal(run.code, 1, run.stdout);
    assert.equal(occurrences(run.stdout, "Error: boom in apply: "), 1, run.stdout);
  });

  it("403: the gallery, the action and what to ask for", async () => {
    azure.injectFault({
      status: 403,
      body: {
        error: {
          code: "AuthorizationFailed",
          message:
            "The client does not have authorization to perform action 'Microsoft.Compute/galleries/read'.",
        },
      },
    });
    const run = await preview("403");
    assertThrownError(
      run,
      /error: Galleries - Get of \S+\/galleries\/myDemoGallery failed with HTTP 403 AuthorizationFailed: [^\n]*ask for a role that includes it \(for example Reader\)/,
    );
    assert.deepEqual(
      armRequestsSeen(azure).map((r) => r.status),
      [403],
      "a 403 is not retried",
    );
  });

  it("a 429 that clears is survived: the preview succeeds after ARM's Retry-After", async () => {
    azure.injectFault({
      status: 429,
      headers: { "Retry-After": "1" },
      body: { error: { code: "TooManyRequests", message: "slow down" } },
    });
    const run = await preview("429 once");
    assert.equal(run.code, 0, run.stdout);
    assert.match(run.stdout, /uniqueName: "\S+-MYDEMOGALLERY"/);
    const statuses = armRequestsSeen(azure);
    assert.deepEqual(
      statuses.map((r) => r.status),
      [429, 200],
    );
    assert.ok(statuses[1].time - statuses[0].time >= 900, "the retry waited for Retry-After");
  });

  it("a 429 that does not clear: explained (subscription throttled, the wait ARM asked for, what to do)", async () => {
    azure.injectFault({
      status: 429,
      headers: { "Retry-After": "1" },
      body: { error: { code: "TooManyRequests", message: "slow down" } },
      times: 10,
    });
    try {
      const run = await preview("429 persistent");
      assertThrownError(
        run,
        /error: Galleries - Get of \S+\/galleries\/myDemoGallery failed with HTTP 429 TooManyRequests: slow down \(x-ms-request-id \S+, 2 attempts in \d+ ms\)\. ARM is throttling reads of subscription \S+\. ARM asked to wait 1000 ms\. Run fewer lookups at once, or raise GALLERY_LOOKUP_DEADLINE_MS\./,
      );
      assert.equal(armRequestsSeen(azure).length, 2, "GALLERY_LOOKUP_MAX_RETRIES=1: two attempts");
    } finally {
      azure.clearFaults();
    }
  });
});

/** A port of 127.0.0.1 that nothing listens on, below the ephemeral range, so no `listen(0)` can take it. */
async function freePortBelowEphemeral(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise<boolean>((resolve) => {
      const server = net.createServer();
      server.once("error", () => resolve(false));
      server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
