// What a program's prefetch thread costs in CPU (issue 26), run by `npm run bench` (bench/run.ts) or alone with
// `BENCH_ONLY=prefetch npm run bench`; both write bench/prefetch-results.json.
//  18a  loading the HTTP stack (axios, @azure/core-rest-pipeline, @azure/identity and the package's pipeline);
//  18b  the first lookup: sign-in and its GET;
//  18c  49 more lookups at once: 48 new TLS connections (the pacer holds a burst until the first answer,
//       whose socket one of them reuses);
//  18d  the same 50 lookups again, over the idle keep-alive connections.
// Each round is a fresh child process (bench/prefetchCostChild.ts) against the emulator at 100 ms latency, the
// preview figures' (15a–c); the emulator runs here, so its CPU is not the child's. a–c are shares of their sum,
// what one program's 50 lookups cost; d is against c, so 1 − ratio is what opening the 48 connections cost.
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import { runChild } from "./child";
import { figure, writeResults, type Figure } from "./figure";
import type { PrefetchCostRound } from "./prefetchCostChild";
import { seed, stats } from "./pulumiPreview";
import { median } from "./stats";

const ROUNDS = Number(process.env.BENCH_PREFETCH_ROUNDS ?? 7);
export const PREFETCH_RESULTS_FILE = path.resolve(__dirname, "..", "..", "bench", "prefetch-results.json");

export async function prefetchCostFigures(
  log: (line: string) => void = console.log,
): Promise<{ figures: Figure[]; raw: unknown }> {
  const azure = await startEmulator({ throttle: false, latencyMs: 100 });
  const rounds: PrefetchCostRound[] = [];
  try {
    seed(azure, 50);
    // One unmeasured run first: it fills the OS's file cache with the modules.
    for (let round = -1; round < ROUNDS; round++) {
      const result = await runChild<PrefetchCostRound>(
        "prefetchCostChild.js",
        { ...process.env, ...azure.environment() },
        azure,
      );
      if (round >= 0) rounds.push(result);
    }
  } finally {
    await azure.close();
  }
  const series = (key: keyof PrefetchCostRound) => rounds.map((r) => r[key]);
  const total = rounds.map((r) => r.modulesCpuMs + r.firstCpuMs + r.burstCpuMs);
  const totalMs = median(total);
  const share = (id: string, name: string, key: keyof PrefetchCostRound): Figure => {
    const s = stats(series(key));
    return {
      ...figure(id, name, s.median, "ms CPU", "50 lookups' prefetch, all of it", totalMs, "info", true),
      spread: `rounds ${s.min}–${s.max} ms`,
    };
  };
  const burstMs = median(series("burstCpuMs"));
  const warm = stats(series("warmCpuMs"));
  const figures: Figure[] = [
    share("18a", "prefetch thread: loading the HTTP stack", "modulesCpuMs"),
    share("18b", "prefetch thread: sign-in and the first GET", "firstCpuMs"),
    share("18c", "prefetch thread: 49 more GETs at once (48 new TLS connections)", "burstCpuMs"),
    {
      ...figure(
        "18d",
        "the same 50 GETs again, over the idle keep-alive connections",
        warm.median,
        "ms CPU",
        "18c: 49 GETs, 48 new connections",
        burstMs,
        "info",
        true,
      ),
      spread: `rounds ${warm.min}–${warm.max} ms`,
    },
  ];
  const raw = {
    rounds: ROUNDS,
    totalCpuMs: stats(total),
    connections: { burst: series("burstConnections"), warm: series("warmConnections") },
    series: rounds,
  };
  writeResults(PREFETCH_RESULTS_FILE, figures, raw);
  log(`wrote ${path.relative(process.cwd(), PREFETCH_RESULTS_FILE)}`);
  return { figures, raw };
}
