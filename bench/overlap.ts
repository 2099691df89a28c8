// What N lookups add to a real Pulumi run (issue 26), run by `npm run bench` (bench/run.ts), or alone with
// `BENCH_ONLY=overlap npm run bench`; both write bench/overlap-results.json and docs/images/overlap.png.
//  15a–f  50 GalleryLookups against 50 no-op dynamic resources, at emulator latency 100 ms (a–c) and 0 ms (d–f), in
//         a) a preview of a new stack, b) a preview of a stack that is up to date, c) `pulumi up --skip-preview`
//         of a new stack: the ms the lookups add (median of the per-round differences, rounds interleaved).
//         Target at 100 ms: at most 300 ms added in total.
//  curve  the curve: lookups (1, 10, 25, 50) against the ms they add to a preview of a new stack, at 0 and
//         100 ms, drawn to docs/images/overlap.png.
// Before and after: with BENCH_OVERLAP_BASELINE=<commit> (for example 9f1d50d, the commit before the overlap
// change, cdfcad7's parent) the package as it was at that commit is built (test/support/packageAtCommit.ts) and
// its lookups run as a third side of every round, in the same interleaved order; each figure then also gives
// what the baseline's lookups added (`before`), and the curve gets the baseline's lines.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import { nodeModulesWith, tarballAt } from "../test/support/packageAtCommit";
import {
  pulumiBinary,
  pulumiProject,
  temporaryFolder,
  useNodeModules,
  type PulumiProject,
} from "../test/support/pulumiCli";
import { figure, writeResults, type Figure } from "./figure";
import { lineChartSvg, svgToPng } from "./plot";
import { lookupProgram, noopProgram, seed } from "./pulumiPreview";
import { median, round3 } from "./stats";

const ROUNDS = Number(process.env.BENCH_OVERLAP_ROUNDS ?? 3);
/** A commit whose package runs as the third side of each round ("before"); none by default. */
const BASELINE = process.env.BENCH_OVERLAP_BASELINE;
const LATENCIES = [0, 100];
const COUNTS = [1, 10, 25, 50];
const TARGET_MS = 300;
const ROOT = path.resolve(__dirname, "..", "..");
export const OVERLAP_RESULTS_FILE = path.join(ROOT, "bench", "overlap-results.json");
export const OVERLAP_PNG = path.join(ROOT, "docs", "images", "overlap.png");

type Mode = "new" | "upToDate" | "up";
const MODE_NAMES: Record<Mode, string> = {
  new: "preview of a new stack",
  upToDate: "preview of an up-to-date stack",
  up: "pulumi up of a new stack",
};

type Side = "lookup" | "noop" | "before";

/** One pair: lookups and no-ops measured side by side in each round, and the baseline's lookups when asked. */
interface Pair {
  mode: Mode;
  count: number;
  lookup: PulumiProject;
  noop: PulumiProject;
  before?: PulumiProject;
}

/** A figure of this group: with a baseline, also what the baseline's lookups added. */
export type OverlapFigure = Figure & { before?: { commit: string; value: number; spread: string } };

let stackSerial = 0;

async function timed(project: PulumiProject, mode: Mode): Promise<number> {
  if (mode === "up") await project.ok(["stack", "init", `round${++stackSerial}`]);
  const run = await project.ok(mode === "up" ? ["up", "--yes", "--skip-preview"] : ["preview"]);
  return run.ms;
}

/** The sides of each round, in this round's order: flipped every other round. */
function sidesOf(pair: Pair, round: number): Side[] {
  const sides: Side[] = pair.before ? ["lookup", "noop", "before"] : ["lookup", "noop"];
  return round % 2 === 0 ? sides : sides.reverse();
}

export async function overlapFigures(
  log: (line: string) => void = console.log,
): Promise<{ figures: OverlapFigure[]; raw: unknown }> {
  const { binary, why } = pulumiBinary();
  if (!binary) throw new Error(`no Pulumi CLI for figures 15a-15f: ${why.join("; ")}`);
  // Built before the emulator starts: the first build of a commit takes a while.
  const baselineModules = BASELINE
    ? nodeModulesWith(tarballAt(BASELINE), temporaryFolder("gallery-lookup-bench-baseline-"))
    : undefined;
  const azure = await startEmulator({ throttle: false });
  const pairs: Pair[] = [];
  try {
    seed(azure, 50);
    const make = (program: string) => pulumiProject(binary, azure, { "index.ts": program });
    const makeBefore = async (count: number) => {
      if (!baselineModules) return undefined;
      const project = await make(lookupProgram(count));
      useNodeModules(project, baselineModules);
      return project;
    };
    const pairOf = async (mode: Mode, count: number): Promise<Pair> => ({
      mode,
      count,
      lookup: await make(lookupProgram(count)),
      noop: await make(noopProgram(count)),
      before: await makeBefore(count),
    });
    for (const count of COUNTS) pairs.push(await pairOf("new", count));
    for (const mode of ["upToDate", "up"] as const) pairs.push(await pairOf(mode, 50));
    const projectsOf = (pair: Pair) => sidesOf(pair, 0).map((side) => pair[side] as PulumiProject);
    for (const pair of pairs.filter((p) => p.mode === "upToDate"))
      for (const p of projectsOf(pair)) await p.ok(["up", "--yes", "--skip-preview"]);
    // One warm-up each: the first run of a project compiles its TypeScript and fills the OS caches.
    for (const pair of pairs) for (const p of projectsOf(pair)) await timed(p, pair.mode);
    const key = (latency: number, pair: Pair) => `${latency}ms/${pair.mode}/${pair.count}`;
    const series: Record<string, Partial<Record<Side, number[]>>> = {};
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, and the order flipped every round, so each pair shares that moment's noise.
      const latencies = round % 2 === 0 ? LATENCIES : [...LATENCIES].reverse();
      for (const latency of latencies) {
        azure.setLatency(latency);
        for (const pair of pairs) {
          const s = (series[key(latency, pair)] ??= {});
          for (const side of sidesOf(pair, round))
            (s[side] ??= []).push(await timed(pair[side] as PulumiProject, pair.mode));
        }
      }
      log(`  round ${round + 1}/${ROUNDS} done`);
    }
    const added = (k: string, side: "lookup" | "before" = "lookup") =>
      (series[k][side] ?? []).map((ms, i) => ms - (series[k].noop ?? [])[i]);
    const spreadOf = (diffs: number[]) =>
      `rounds ${round3(Math.min(...diffs))}–${round3(Math.max(...diffs))} ms`;
    const figures: OverlapFigure[] = [];
    // 15a–c at 100 ms, the target's latency; 15d–f the same at 0 ms.
    const letters: Record<number, Record<Mode, string>> = {
      100: { new: "a", upToDate: "b", up: "c" },
      0: { new: "d", upToDate: "e", up: "f" },
    };
    for (const latency of LATENCIES) {
      for (const pair of pairs.filter((p) => p.count === 50)) {
        const k = key(latency, pair);
        const diffs = added(k);
        const value = median(diffs);
        const pass = latency !== 100 || value <= TARGET_MS;
        const before = BASELINE ? added(k, "before") : [];
        figures.push({
          ...figure(
            `15${letters[latency][pair.mode]}`,
            `50 lookups vs 50 no-ops, ${MODE_NAMES[pair.mode]}, ${latency} ms latency: ms added (median of ${ROUNDS})`,
            value,
            "ms",
            `target ${TARGET_MS} ms`,
            TARGET_MS,
            latency === 100 ? `<= ${TARGET_MS} ms added` : "info",
            pass,
          ),
          spread:
            `${spreadOf(diffs)}; lookups ${median(series[k].lookup ?? [])} ms, no-ops ${median(series[k].noop ?? [])} ms` +
            (BASELINE
              ? `; before (${BASELINE}): ${round3(median(before))} ms added, ${spreadOf(before)}`
              : ""),
          ...(BASELINE
            ? { before: { commit: BASELINE, value: round3(median(before)), spread: spreadOf(before) } }
            : {}),
        });
      }
    }
    const curveOf = (latency: number, side: "lookup" | "before") =>
      COUNTS.map((count) => {
        const pair = pairs.find((p) => p.mode === "new" && p.count === count) as Pair;
        return { x: count, y: round3(median(added(key(latency, pair), side))) };
      });
    const curve = LATENCIES.map((latency) => ({
      latency,
      points: curveOf(latency, "lookup"),
      ...(BASELINE ? { before: curveOf(latency, "before") } : {}),
    }));
    fs.mkdirSync(path.dirname(OVERLAP_PNG), { recursive: true });
    const svg = lineChartSvg(
      `What N GalleryLookups add to a pulumi preview of a new stack (median of ${ROUNDS})`,
      "lookups in the program",
      "ms added over as many no-op resources",
      curve.flatMap((c, i) => [
        { label: `emulator latency ${c.latency} ms`, color: ["#1f77b4", "#d62728"][i], points: c.points },
        ...(c.before
          ? [
              {
                label: `before (${BASELINE}), ${c.latency} ms`,
                color: ["#9ecae1", "#fc9272"][i],
                points: c.before,
              },
            ]
          : []),
      ]),
    );
    fs.writeFileSync(OVERLAP_PNG, svgToPng(svg));
    const raw = {
      rounds: ROUNDS,
      ...(BASELINE ? { baseline: BASELINE } : {}),
      load: os.loadavg().map(round3),
      series,
      curve,
    };
    writeResults(OVERLAP_RESULTS_FILE, figures, raw);
    log(
      `wrote ${path.relative(process.cwd(), OVERLAP_RESULTS_FILE)} and ${path.relative(process.cwd(), OVERLAP_PNG)}`,
    );
    return { figures, raw };
  } finally {
    for (const pair of pairs) for (const p of [pair.lookup, pair.noop, pair.before]) p?.close();
    await azure.close();
  }
}
