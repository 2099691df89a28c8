// The prefetch thread (provider/lookup/prefetchThread.ts), in a fresh Node.js process each time, since what
// is proved is what that process's main thread loads and whether the process ends by itself: the GETs run
// on the thread (the main thread never loads axios or @azure/identity), one token serves them all, a
// failure crosses as carried data, nothing is held open once they are answered, and without the thread's
// file the main thread reads as before.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { REPO_ROOT } from "../support/engineInstall";

interface ChildReport {
  /** JSON: what is absent is null. */
  uniqueNames: (string | null)[];
  failures: (string | null)[];
  mainThreadLoaded: string[];
}

/** Runs three prefetches (the last of a missing gallery) in a new process over `dist`; it must end by itself. */
function prefetchInChild(azure: EmulatorHandle, dist: string): Promise<ChildReport> {
  const script = `
    const { readOnPrefetchThread } = require(${JSON.stringify(path.join(dist, "lookup", "prefetchThread.js"))});
    const args = (galleryName) => ({ subscriptionId: process.env.AZURE_SUBSCRIPTION_ID, resourceGroupName: ${JSON.stringify(azure.resourceGroupName)}, galleryName });
    Promise.all(["myGalleryName", "myCommunityGallery", "missingGallery"].map((g) => readOnPrefetchThread(args(g)))).then((all) => {
      const mainThreadLoaded = ["axios", "@azure/identity"].filter((m) => Object.keys(require.cache).some((k) => k.includes("/node_modules/" + m + "/")));
      process.stdout.write(JSON.stringify({
        uniqueNames: all.map((p) => p && p.observation && p.observation.uniqueName),
        failures: all.map((p) => p && p.failure && p.failure.name + " " + p.failure.status),
        mainThreadLoaded,
      }));
      // No exit here: the process must end by itself once every answer is in.
    });`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ["-e", script],
      { env: { PATH: process.env.PATH, ...azure.environment() }, timeout: 30_000 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message} (signal ${error.signal}): ${stderr}`));
        else resolve(JSON.parse(stdout) as ChildReport);
      },
    );
  });
}

describe("the prefetch thread: a program's lookups read beside its main thread", function () {
  this.timeout(60_000);
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ throttle: false })));
  after(() => azure.close());
  beforeEach(() => azure.clearJournal());

  const expected = (azure: EmulatorHandle) => ({
    uniqueNames: [
      `${azure.subscriptionId}-MYGALLERYNAME`,
      `${azure.subscriptionId}-MYCOMMUNITYGALLERY`,
      null,
    ],
    failures: [null, null, "GalleryNotFoundError 404"],
  });

  it("reads on the thread: the main thread loads neither axios nor @azure/identity; one token, one GET each; the process then ends by itself", async () => {
    const report = await prefetchInChild(azure, path.join(REPO_ROOT, "dist"));
    assert.deepEqual({ uniqueNames: report.uniqueNames, failures: report.failures }, expected(azure));
    assert.deepEqual(report.mainThreadLoaded, [], "the GETs' libraries stayed off the main thread");
    const kinds = azure.journal().map((entry) => `${entry.kind} ${entry.method}`);
    assert.equal(kinds.filter((k) => k === "token POST").length, 1, kinds.join(", "));
    assert.equal(kinds.filter((k) => k === "arm GET").length, 3, kinds.join(", "));
  });

  it("a thread that got no request keeps nothing alive: the process ends by itself", async () => {
    const script = `require(${JSON.stringify(path.join(REPO_ROOT, "dist", "lookup", "prefetchThread.js"))}).startPrefetchThread();`;
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, ["-e", script], { timeout: 20_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`${error.message} (signal ${error.signal}): ${stderr}`)) : resolve(),
      ),
    );
  });

  it("without the thread's file the main thread reads, with the same results", async () => {
    // A copy of dist inside the repository, so that its dependencies resolve, less the worker's entry.
    const copy = fs.mkdtempSync(path.join(REPO_ROOT, "build", "dist-without-thread-"));
    try {
      fs.cpSync(path.join(REPO_ROOT, "dist"), copy, { recursive: true });
      fs.rmSync(path.join(copy, "lookup", "prefetchWorker.js"));
      const report = await prefetchInChild(azure, copy);
      assert.deepEqual({ uniqueNames: report.uniqueNames, failures: report.failures }, expected(azure));
      assert.deepEqual(report.mainThreadLoaded, ["axios", "@azure/identity"], "read on the main thread");
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  });
});
