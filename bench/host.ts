// The engine's path (targets 2 and 7): Pulumi's own dynamic provider host, started as the engine starts
// it, driven over gRPC. The host resolves the provider's `require("pulumi-azure-gallery-lookup/...")`
// from its working directory, a temporary folder whose node_modules links to this checkout.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EmulatorHandle } from "#internal/emulator/index";
import { startProviderHost, type ProviderHost } from "#internal/preview/hostClient";
import { resolvePulumiSdkDir } from "#internal/preview/proto";
import { median, msSince, pool } from "./stats";

const URN = "urn:pulumi:bench::bench::pulumi-nodejs:dynamic:Resource::";

/** Everything a host needs: where it runs, its environment, and the two provider texts. */
export interface HostSetup {
  cwd: string;
  env: NodeJS.ProcessEnv;
  lookupNews: Record<string, unknown>;
  noopNews: Record<string, unknown>;
  cleanup(): void;
}

export function hostSetup(
  emulator: EmulatorHandle,
  packageRoot: string,
  texts: { lookupProvider: string; noopProvider: string },
): HostSetup {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-bench-"));
  fs.mkdirSync(path.join(cwd, "node_modules"));
  fs.symlinkSync(packageRoot, path.join(cwd, "node_modules", "pulumi-azure-gallery-lookup"), "dir");
  return {
    cwd,
    env: { ...process.env, ...emulator.environment(), NODE_PATH: path.join(cwd, "node_modules") },
    lookupNews: {
      __provider: texts.lookupProvider,
      subscriptionId: emulator.subscriptionId,
      resourceGroupName: "myResourceGroup",
      galleryName: "myManagedIdentityGallery",
    },
    noopNews: { __provider: texts.noopProvider, value: "x" },
    cleanup: () => fs.rmSync(cwd, { recursive: true, force: true }),
  };
}

async function start(setup: HostSetup, extraEnv: NodeJS.ProcessEnv = {}): Promise<ProviderHost> {
  const host = await startProviderHost({
    cwd: setup.cwd,
    env: { ...setup.env, ...extraEnv },
    sdkDir: resolvePulumiSdkDir(path.dirname(require.resolve("@pulumi/pulumi/package.json"))),
  });
  await host.configure({});
  return host;
}

async function checkOk(host: ProviderHost, name: string, news: Record<string, unknown>): Promise<void> {
  const result = await host.check(`${URN}${name}`, {}, news);
  if (result.failures.length > 0) throw new Error(`Check failed: ${JSON.stringify(result.failures)}`);
}

/** VmRSS of a process in kB, from /proc. */
export function rssKb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1] ?? NaN);
}

/** Target 2: cold start to the first answered Check, and time per Check, lookup vs no-I/O provider. */
export async function hostLatency(setup: HostSetup): Promise<{
  coldLookupMs: number;
  coldNoopMs: number;
  checkLookupMs: number;
  checkNoopMs: number;
  cold: { lookup: number[]; noop: number[] };
}> {
  const cold = { lookup: [] as number[], noop: [] as number[] };
  for (let rep = 0; rep < 3; rep++) {
    for (const kind of ["lookup", "noop"] as const) {
      const started = process.hrtime.bigint();
      const host = await start(setup);
      await checkOk(host, "cold", kind === "lookup" ? setup.lookupNews : setup.noopNews);
      cold[kind].push(msSince(started));
      await host.close();
    }
  }

  const host = await start(setup);
  try {
    const perCheck = { lookup: [] as number[], noop: [] as number[] };
    const run = async (news: Record<string, unknown>, count: number) => {
      const started = process.hrtime.bigint();
      for (let i = 0; i < count; i++) await checkOk(host, `c${i}`, news);
      return msSince(started) / count;
    };
    await run(setup.lookupNews, 100);
    await run(setup.noopNews, 100);
    for (let round = 0; round < 10; round++) {
      perCheck.lookup.push(await run(setup.lookupNews, 50));
      perCheck.noop.push(await run(setup.noopNews, 50));
    }
    return {
      coldLookupMs: median(cold.lookup),
      coldNoopMs: median(cold.noop),
      checkLookupMs: median(perCheck.lookup),
      checkNoopMs: median(perCheck.noop),
      cold,
    };
  } finally {
    await host.close();
  }
}

// A provider, written the way the host loads one, that runs a full GC (when the host was started with
// --expose-gc) and answers the heap figures in MB: raw RSS would mostly measure when V8 last collected.
const GC_PROVIDER =
  "exports.handler = function () { return { check: async function () {" +
  " if (global.gc) global.gc();" +
  " const m = process.memoryUsage();" +
  " return { inputs: { heapUsedMb: m.heapUsed / 1048576, heapTotalMb: m.heapTotal / 1048576 } };" +
  " } }; };";

/** RSS as it stands, then after a full GC in the host. */
async function memoryNow(host: ProviderHost): Promise<{ rawKb: number; rssKb: number; heapUsedMb: number }> {
  const rawKb = rssKb(host.pid as number);
  // Two full GCs a second apart: V8 gives freed pages back to the system only after a collection
  // finds them empty, so a single GC right after a burst still counts garbage's pages as resident.
  await host.check(`${URN}gc`, {}, { __provider: GC_PROVIDER });
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const answer = await host.check(`${URN}gc`, {}, { __provider: GC_PROVIDER });
  return { rawKb, rssKb: rssKb(host.pid as number), heapUsedMb: Number(answer.inputs.heapUsedMb) };
}

/** What one host did over 10,000 Checks of one provider. */
export interface MemoryRun {
  /** VmRSS after a full GC, before and after the 10,000 Checks. */
  rssBeforeKb: number;
  rssAfterKb: number;
  /** VmRSS as found, without a GC: swings by tens of MB with GC timing. */
  rawRssBeforeKb: number;
  rawRssAfterKb: number;
  heapUsedBeforeMb: number;
  heapUsedAfterMb: number;
  lookups: number;
  failed: number;
  ms: number;
  tokens: number;
  connections: number;
}

/**
 * Target 7 (and 3 in the host): RSS before and after 10,000 Checks at concurrency 20, throttle off, each
 * read after a full GC in the host. "Before" is taken after a 1,000-Check warm-up at the same
 * concurrency: the first thousand grow V8's heap and the allocator's arenas to their working size (a
 * one-off, the same with any provider), which is not what this figure is after. The no-I/O provider's
 * run is the yardstick.
 */
export async function hostMemory(
  setup: HostSetup,
  emulator: EmulatorHandle,
  kind: "lookup" | "noop",
): Promise<MemoryRun> {
  const news = kind === "lookup" ? setup.lookupNews : setup.noopNews;
  const tokensBefore = emulator.tokensIssued();
  const connectionsBefore = emulator.connections();
  const host = await start(setup, { NODE_OPTIONS: "--expose-gc" });
  try {
    const warmUp = await pool(1000, 20, (i) => checkOk(host, `w${i}`, news));
    const before = await memoryNow(host);
    const started = process.hrtime.bigint();
    const settled = await pool(10_000, 20, (i) => checkOk(host, `m${i}`, news));
    const ms = msSince(started);
    const after = await memoryNow(host);
    return {
      rssBeforeKb: before.rssKb,
      rssAfterKb: after.rssKb,
      rawRssBeforeKb: before.rawKb,
      rawRssAfterKb: after.rawKb,
      heapUsedBeforeMb: before.heapUsedMb,
      heapUsedAfterMb: after.heapUsedMb,
      lookups: warmUp.length + settled.length,
      failed: [...warmUp, ...settled].filter((r) => r.status === "rejected").length,
      ms,
      tokens: emulator.tokensIssued() - tokensBefore,
      connections: emulator.connections() - connectionsBefore,
    };
  } finally {
    await host.close();
  }
}
