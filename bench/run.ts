// `npm run bench`: measures the package against its yardsticks on a local emulator and writes
// bench/results.json. See docs/performance.md for what each figure compares and why.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import { axiosPathFigures } from "./axiosPath";
import { runChild } from "./child";
import { cliFigures } from "./cli";
import { driftBench } from "./drift";
import { overlapFigures } from "./overlap";
import { prefetchCostFigures } from "./prefetchCost";
import { pluginFigures, pluginOverlapFigures } from "./plugin";
import { pulumiPreviewFigures } from "./pulumiPreview";
import { figure, type Figure } from "./figure";
export type { Figure } from "./figure";
import { hostLatency, hostMemory, hostSetup } from "./host";
import type { Sequential } from "./inprocess";
import type { SerializedReport } from "./serialized";
import { round3 } from "./stats";

const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");
const RESULTS_FILE = path.join(PACKAGE_ROOT, "bench", "results.json");

interface InProcessReport {
  tokens: { before: number; after: number; lookups: number; ms: number };
  sequential: Sequential;
  withLatency: Sequential;
  concurrent: { ok: number; failed: number; firstError?: string; connections: number; ms: number };
  throttled: {
    bucket: { burst: number; refillPerSecond: number };
    capMs: number;
    ours: ThrottledRun;
    official: ThrottledRun;
  };
}

interface MemoryReport {
  ok: number;
  firstError?: string;
  ms: number;
  peakRssGrowthMb: number;
  budgetPeakMb: number;
  budgetWaits: number;
}

interface ThrottledRun {
  attempted: number;
  ok: number;
  failed: number;
  firstError?: string;
  ms: number;
  requests: number;
  throttled: number;
}

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

async function main(): Promise<void> {
  const started = Date.now();
  const emulator = await startEmulator({ throttle: false });
  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  try {
    log("serialized provider under setMocks (1, 100, 1000 resources)");
    const serialized = await runChild<SerializedReport>("serialized.js", { ...process.env });
    raw.serialized = serialized.sizes;

    log("in-process: tokens, sequential A/B/C rounds, 500 concurrent, throttled runs");
    const inproc = await runChild<InProcessReport>(
      "inprocess.js",
      { ...process.env, ...emulator.environment() },
      emulator,
    );
    raw.inProcess = inproc;

    log("memory: 1,000 lookups at once, answers just under the 4 MiB cap, with and without the byte budget");
    const memoryEnv = { ...process.env, ...emulator.environment() };
    const bounded = await runChild<MemoryReport>("memory.js", memoryEnv, emulator);
    const unbounded = await runChild<MemoryReport>(
      "memory.js",
      { ...memoryEnv, BENCH_UNBOUNDED: "1" },
      emulator,
    );
    raw.inFlightMemory = { bounded, unbounded };

    const setup = hostSetup(emulator, PACKAGE_ROOT, serialized);
    try {
      log("provider host: cold starts and per-Check latency");
      const latency = await hostLatency(setup);
      raw.hostLatency = latency;
      log("provider host: 1,000 + 10,000 lookups for memory, then the same with the no-I/O provider");
      const memory = await hostMemory(setup, emulator, "lookup");
      const noopMemory = await hostMemory(setup, emulator, "noop");
      raw.hostMemory = { lookup: memory, noop: noopMemory };

      figures.push(
        ...latencyFigures(inproc),
        figure(
          "2a",
          "host Check with a lookup, ms",
          latency.checkLookupMs,
          "ms",
          "host Check, no-I/O provider",
          latency.checkNoopMs,
          "<= 3.0x (ours)",
          latency.checkLookupMs <= 3 * latency.checkNoopMs,
        ),
        figure(
          "2b",
          "host cold start to first lookup Check, ms",
          latency.coldLookupMs,
          "ms",
          "cold start to first no-I/O Check",
          latency.coldNoopMs,
          "<= 1.5x (ours)",
          latency.coldLookupMs <= 1.5 * latency.coldNoopMs,
        ),
      );
      const tokens = inproc.tokens.after - inproc.tokens.before;
      figures.push(
        figure(
          "3a",
          "tokens issued, 1,000 lookups in one process",
          tokens,
          "tokens",
          "lookups",
          inproc.tokens.lookups,
          "== 1",
          tokens === 1,
        ),
        figure(
          "3b",
          "tokens issued, 11,000 lookups in one host",
          memory.tokens,
          "tokens",
          "lookups",
          memory.lookups,
          "== 1",
          memory.tokens === 1,
        ),
      );
      const conc = inproc.concurrent;
      figures.push(
        figure(
          "4a",
          "sockets for 500 concurrent lookups",
          conc.connections,
          "connections",
          "limit",
          64,
          "<= 64",
          conc.connections <= 64 && conc.connections > 0,
        ),
        figure(
          "4b",
          "500 concurrent lookups that succeeded",
          conc.ok,
          "lookups",
          "lookups started",
          500,
          "== 1.0x",
          conc.ok === 500,
        ),
      );
      const { ours, official, bucket } = inproc.throttled;
      const minMs = ((1000 - bucket.burst) / bucket.refillPerSecond) * 1000;
      const share = (run: ThrottledRun) => (run.requests === 0 ? 0 : run.throttled / run.requests);
      figures.push(
        figure(
          "5a",
          "throttled: 1,000 lookups, s",
          ours.ms / 1000,
          "s",
          "bucket minimum (1000-250)/25",
          minMs / 1000,
          "<= 1.15x",
          ours.ok === 1000 && ours.ms <= 1.15 * minMs,
        ),
        figure(
          "5b",
          "throttled: lookups that succeeded",
          ours.ok,
          "lookups",
          "lookups started",
          1000,
          "== 1.0x",
          ours.ok === 1000,
        ),
        figure(
          "5c",
          "throttled: share of requests answered 429, %",
          100 * share(ours),
          "%",
          "limit",
          5,
          "< 5%",
          share(ours) < 0.05,
        ),
        figure(
          "5d",
          "official client throttled (conc. 50): time, s",
          official.ms / 1000,
          "s",
          "bucket minimum",
          minMs / 1000,
          "info",
          true,
        ),
        figure(
          "5e",
          "official client throttled: lookups that succeeded",
          official.ok,
          "lookups",
          "lookups planned",
          1000,
          "info",
          true,
        ),
        figure(
          "5f",
          "official client throttled: share answered 429, %",
          100 * share(official),
          "%",
          "limit",
          5,
          "info",
          true,
        ),
      );
      figures.push(...providerTextFigures(serialized));
      figures.push(
        figure(
          "9a",
          "peak RSS growth, 1,000 lookups at once, 4 MiB answers, MB",
          bounded.peakRssGrowthMb,
          "MB",
          "same, byte budget lifted",
          unbounded.peakRssGrowthMb,
          "< 1024 MB, < yardstick",
          bounded.ok === 1000 &&
            bounded.peakRssGrowthMb < 1024 &&
            bounded.peakRssGrowthMb < unbounded.peakRssGrowthMb,
        ),
        figure(
          "9b",
          "answer bytes held at once, MB",
          bounded.budgetPeakMb,
          "MB",
          "same, byte budget lifted",
          unbounded.budgetPeakMb,
          "<= 32 MiB + one answer",
          bounded.budgetPeakMb <= 36,
        ),
      );
      const growthMb = (memory.rssAfterKb - memory.rssBeforeKb) / 1024;
      const noopGrowthMb = (noopMemory.rssAfterKb - noopMemory.rssBeforeKb) / 1024;
      const heapGrowthMb = memory.heapUsedAfterMb - memory.heapUsedBeforeMb;
      const noopHeapGrowthMb = noopMemory.heapUsedAfterMb - noopMemory.heapUsedBeforeMb;
      figures.push(
        figure(
          "7a",
          "host RSS growth over 10,000 lookups, MB",
          growthMb,
          "MB",
          "same, no-I/O provider",
          noopGrowthMb,
          "< 50 MB",
          growthMb < 50 && memory.failed === 0,
        ),
        figure(
          "7b",
          "host live heap growth (after full GC), MB",
          heapGrowthMb,
          "MB",
          "same, no-I/O provider",
          noopHeapGrowthMb,
          "< 5 MB (ours)",
          heapGrowthMb < 5,
        ),
      );
    } finally {
      setup.cleanup();
    }
  } finally {
    await emulator.close();
  }
  const drift = await driftBench(log);
  figures.push(...drift.figures);
  raw.drift = drift.raw;

  const cli = await cliFigures();
  figures.push(...cli.figures);
  raw.cli = cli.raw;

  log("real Pulumi CLI: pulumi preview with 1 and 50 lookups beside as many no-op dynamic resources");
  const pulumiPreview = await pulumiPreviewFigures(log);
  figures.push(...pulumiPreview.figures);
  raw.pulumiPreview = pulumiPreview.raw;

  log("real Pulumi CLI: 50 lookups beside 50 no-op resources at 0 and 100 ms latency (issue 26)");
  const overlap = await overlapFigures(log);
  figures.push(...overlap.figures);
  log("the prefetch thread's CPU for 50 lookups, phase by phase, in fresh processes (issue 26)");
  const prefetch = await prefetchCostFigures(log);
  figures.push(...prefetch.figures);
  log("real Pulumi CLI: 50 lookups, the plugin against the dynamic provider; the plugin's cold start");
  const plugin = await pluginFigures(log);
  figures.push(...plugin.figures);
  raw.plugin = plugin.raw;
  log(
    "real Pulumi CLI: 50 of the plugin's lookups at 0 and 100 ms latency, from TypeScript and YAML (issue 26)",
  );
  const pluginOverlap = await pluginOverlapFigures(log);
  figures.push(...pluginOverlap.figures);

  const report = {
    when: new Date().toISOString(),
    node: process.version,
    cpus: require("node:os").cpus().length as number,
    durationS: Math.round((Date.now() - started) / 1000),
    figures,
    raw,
  };
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + "\n");
  printTable(figures);
  log(`wrote ${path.relative(process.cwd(), RESULTS_FILE)} in ${report.durationS} s`);
  if (figures.some((f) => !f.pass)) process.exitCode = 1;
}

function printTable(figures: Figure[]): void {
  const rows = figures.map((f) => [
    f.id,
    f.figure,
    `${f.value} ${f.unit}`,
    f.yardstick,
    String(f.yardstickValue),
    `${f.ratio}x`,
    f.target,
    f.pass ? "pass" : "FAIL",
    f.spread ?? "",
  ]);
  const header = ["#", "figure", "value", "yardstick", "its value", "ratio", "target", "result", "spread"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(" | ");
  console.log(line(header));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const row of rows) console.log(line(row));
}

/** 1a–1c: ms per lookup against the official client (interleaved rounds) and against the bare floor. */
function latencyFigures(inproc: InProcessReport): Figure[] {
  const seq = inproc.sequential;
  const lat = inproc.withLatency;
  // The ratio of interleaved rounds: each round of ours against the official client's round beside it
  // (they share that moment's noise); the median of those, with their range and the ratio of the
  // two series' medians beside it.
  const paired = (q: Sequential, f: Figure, limit: number): Figure => ({
    ...f,
    ratio: round3(q.ratio.median),
    pass: q.ratio.median <= limit,
    spread:
      `rounds ${round3(q.ratio.min)}–${round3(q.ratio.max)}x; ` +
      `ratio of medians ${round3(q.oursMs / q.officialMs)}x`,
  });
  return [
    paired(
      seq,
      figure(
        "1a",
        "getGallery, ms per sequential lookup (loopback)",
        seq.oursMs,
        "ms",
        "@azure/arm-compute galleries.get",
        seq.officialMs,
        "<= 1.25x (median of rounds)",
        true,
      ),
      1.25,
    ),
    figure(
      "1b",
      "getGallery, ms per sequential lookup (loopback)",
      seq.oursMs,
      "ms",
      "bare https.get, keep-alive (floor)",
      seq.floorMs,
      "info",
      true,
    ),
    paired(
      lat,
      figure(
        "1c",
        "getGallery, ms per lookup, 20 ms service latency",
        lat.oursMs,
        "ms",
        "@azure/arm-compute galleries.get",
        lat.officialMs,
        "<= 1.02x (median of rounds)",
        true,
      ),
      1.02,
    ),
  ];
}

/** Replaces `fresh`'s figures in bench/results.json, and sets `raw`'s keys; the other figures keep their run. */
function replaceFigures(fresh: Figure[], raw: Record<string, unknown>): void {
  const report = JSON.parse(fs.readFileSync(RESULTS_FILE, "utf8")) as {
    figures: Figure[];
    raw: Record<string, unknown>;
  };
  report.figures = report.figures.map((f) => fresh.find((n) => n.id === f.id) ?? f);
  Object.assign(report.raw, raw);
  fs.writeFileSync(RESULTS_FILE, JSON.stringify(report, null, 2) + "\n");
}

/**
 * `BENCH_ONLY=latency npm run bench`: only the in-process group, its figures 1a–1c replacing those of
 * bench/results.json (the other figures keep their run; `raw.latencyRerun` says when this one ran).
 */
async function latencyOnly(): Promise<void> {
  const emulator = await startEmulator({ throttle: false });
  try {
    log("in-process only (BENCH_ONLY=latency): figures 1a–1c");
    const inproc = await runChild<InProcessReport>(
      "inprocess.js",
      { ...process.env, ...emulator.environment() },
      emulator,
    );
    const fresh = latencyFigures(inproc);
    replaceFigures(fresh, { latencyRerun: { when: new Date().toISOString(), inProcess: inproc } });
    printTable(fresh);
    if (fresh.some((f) => !f.pass)) process.exitCode = 1;
  } finally {
    await emulator.close();
  }
}

/** Figure 6: the provider text each lookup registers, in bytes, for 1, 100 and 1,000 lookups. */
function providerTextFigures(serialized: SerializedReport): Figure[] {
  return serialized.sizes.map((size) =>
    figure(
      `6-${size.resources}`,
      `provider text (__provider), ${size.resources} resource(s), max bytes`,
      size.maxProviderBytes,
      "bytes",
      "limit 4 KiB",
      4096,
      "< 4096",
      size.maxProviderBytes < 4096 && size.resources > 0,
    ),
  );
}

/**
 * `BENCH_ONLY=serialized npm run bench`: only figure 6, replacing it in bench/results.json (the other figures
 * keep their run; `raw.serializedRerun` says when this one ran).
 */
async function serializedOnly(): Promise<void> {
  log("provider text under setMocks only (BENCH_ONLY=serialized): figure 6");
  const serialized = await runChild<SerializedReport>("serialized.js", { ...process.env });
  const fresh = providerTextFigures(serialized);
  replaceFigures(fresh, {
    serialized: serialized.sizes,
    serializedRerun: { when: new Date().toISOString() },
  });
  printTable(fresh);
  if (fresh.some((f) => !f.pass)) process.exitCode = 1;
}

/** `BENCH_ONLY=overlap npm run bench`: only figures 15a–15f and the curve, written to bench/overlap-results.json. */
async function overlapOnly(): Promise<void> {
  const { figures } = await overlapFigures(log);
  printTable(figures);
  if (figures.some((f) => !f.pass)) process.exitCode = 1;
}

/** `BENCH_ONLY=prefetch npm run bench`: only figures 18a–18d, written to bench/prefetch-results.json. */
async function prefetchOnly(): Promise<void> {
  const { figures } = await prefetchCostFigures(log);
  printTable(figures);
}

/** `BENCH_ONLY=axios npm run bench`: only figure 1d (axios's public path against its adapter), to bench/axios-results.json. */
async function axiosOnly(): Promise<void> {
  const figures = await axiosPathFigures(log);
  printTable(figures);
  if (figures.some((f) => !f.pass)) process.exitCode = 1;
}

/** `BENCH_ONLY=pluginOverlap npm run bench`: only figures 17a–17j, written to bench/plugin-overlap-results.json. */
async function pluginOverlapOnly(): Promise<void> {
  const { figures } = await pluginOverlapFigures(log);
  printTable(figures);
}

const only: Record<string, () => Promise<void>> = {
  latency: latencyOnly,
  serialized: serializedOnly,
  overlap: overlapOnly,
  prefetch: prefetchOnly,
  axios: axiosOnly,
  pluginOverlap: pluginOverlapOnly,
};
(only[process.env.BENCH_ONLY ?? ""] ?? main)().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
