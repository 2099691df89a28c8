// Child of the benchmark (figures 18a–18d, `BENCH_ONLY=prefetch`): the CPU a program's prefetch thread
// spends on 50 lookups, phase by phase, in a fresh process of its own, so that the emulator's CPU (the
// orchestrator's) is not counted. It does what the thread does (lookup/prefetchWorker.ts): load the HTTP
// stack, then one Galleries - Get per lookup through `readCarried`. The CPU is the whole process's
// (`process.cpuUsage`, every thread: V8's compiler and GC helpers included).
import { emulatorQueries, refuseUnlessLocal, sendResult } from "./protocol";

const ask = emulatorQueries();

/** What one fresh process spent, in ms of CPU, and the TLS connections the emulator accepted meanwhile. */
export interface PrefetchCostRound {
  modulesCpuMs: number;
  firstCpuMs: number;
  burstCpuMs: number;
  warmCpuMs: number;
  burstConnections: number;
  warmConnections: number;
}

const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function main(): Promise<void> {
  refuseUnlessLocal();
  const subscriptionId = process.env.AZURE_SUBSCRIPTION_ID as string;
  const connections = async (): Promise<number> => (await ask({ cmd: "connections" })) as number;
  let at = cpuMs();
  const lap = (): number => {
    const now = cpuMs();
    const spent = now - at;
    at = now;
    return spent;
  };
  // The thread's own modules, then what it loads ahead of its first request.
  const { readCarried } =
    require("#internal/lookup/prefetchRead") as typeof import("#internal/lookup/prefetchRead");
  (require("#internal/arm/armClient") as typeof import("#internal/arm/armClient")).loadHttpStack();
  const modulesCpuMs = lap();
  const read = async (i: number): Promise<void> => {
    const carried = await readCarried({
      subscriptionId,
      resourceGroupName: "benchGroup",
      galleryName: `benchGallery${i}`,
      environment: "public",
    });
    if (!carried.observation) throw new Error(`lookup ${i} failed: ${JSON.stringify(carried.failure)}`);
  };
  // The first lookup signs in; the pacer holds the others of a burst until its answer.
  await read(0);
  const firstCpuMs = lap();
  const beforeBurst = await connections();
  at = cpuMs();
  await Promise.all(Array.from({ length: 49 }, (_, i) => read(i + 1)));
  const burstCpuMs = lap();
  const beforeWarm = await connections();
  at = cpuMs();
  // The same 50 again: every one finds an idle keep-alive socket.
  await Promise.all(Array.from({ length: 50 }, (_, i) => read(i)));
  const warmCpuMs = lap();
  const afterWarm = await connections();
  sendResult({
    modulesCpuMs,
    firstCpuMs,
    burstCpuMs,
    warmCpuMs,
    burstConnections: beforeWarm - beforeBurst,
    warmConnections: afterWarm - beforeWarm,
  } satisfies PrefetchCostRound);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
