// Child of the drift benchmark: runs checkDrift (loaded as the CLI loads it: without the Pulumi SDK) over the state files in DRIFT_BENCH_DIR with the
// package's defaults (its process-wide ARM client, credential and pacer, pointed at the emulator by the
// environment), samples its own memory, and reports time, verdicts and the peak.
import * as fs from "node:fs";
import * as path from "node:path";
import { checkDrift } from "#internal/drift/index";
import { sendResult } from "./protocol";

export interface DriftChildReport {
  ms: number;
  summary: Record<string, number>;
  exitCode: number;
  /** Lookups that failed on throttling (429 or a Retry-After past the deadline). */
  failedOn429: number;
  firstError?: string;
  peakRssMb: number;
  heapAfterGcMb: number;
}

async function main(): Promise<void> {
  const dir = process.env.DRIFT_BENCH_DIR as string;
  const files = fs
    .readdirSync(dir)
    .sort()
    .map((f) => path.join(dir, f));
  let peak = process.memoryUsage().rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const started = performance.now();
  const report = await checkDrift({ files });
  const ms = performance.now() - started;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  global.gc?.();
  const failed = report.lookups.filter((l) => l.status === "failed");
  const result: DriftChildReport = {
    ms,
    summary: report.summary,
    exitCode: report.exitCode,
    failedOn429: failed.filter((l) => l.error?.status === 429 || l.error?.name === "ThrottledError").length,
    ...(failed[0]?.error ? { firstError: failed[0].error.message } : {}),
    peakRssMb: peak / 1024 / 1024,
    heapAfterGcMb: process.memoryUsage().heapUsed / 1024 / 1024,
  };
  sendResult(result);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
