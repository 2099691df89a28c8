// What a lookup adds to a real `pulumi preview` (issue 17), run by `npm run bench` (bench/run.ts) or alone with
// `npm run build && npx tsc -p tsconfig.test.json && node build/bench/pulumiPreview.js`; both write
// bench/pulumi-results.json.
//  14a  `pulumi preview` of a program with 1 GalleryLookup, against the same program with 1 no-op dynamic
//       resource (a provider that does no I/O): the median of per-round ratios, rounds interleaved;
//  14b  the same with 50 lookups of 50 distinct galleries against 50 no-op resources;
//  14c  what one lookup adds to a preview, ms: (50 lookups − 50 no-ops) / 50, medians of the rounds.
// The Pulumi CLI is the one `npm run pulumi:path` finds or builds; the emulator has no throttle and no latency,
// so the figures are the engine's and the package's own cost on loopback.
import * as path from "node:path";
import { startEmulator, type EmulatorHandle } from "#internal/emulator/index";
import { pulumiBinary, pulumiProject, type PulumiProject } from "../test/support/pulumiCli";
import { figure, type Figure, writeResults } from "./figure";
import { median, round3 } from "./stats";

const ROUNDS = Number(process.env.BENCH_PULUMI_ROUNDS ?? 5);
/** Its own results file, which docs/performance.md quotes (test/unit/docs-figures.test.ts holds them equal). */
export const PULUMI_RESULTS_FILE = path.resolve(__dirname, "..", "..", "bench", "pulumi-results.json");

export const lookupProgram = (count: number) => `
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
export const names: unknown[] = [];
for (let i = 0; i < ${count}; i++) {
  const g = new GalleryLookup("gallery" + i, { resourceGroupName: "benchGroup", galleryName: "benchGallery" + i });
  names.push(g.uniqueName);
}
`;

export const noopProgram = (count: number) => `
import * as pulumi from "@pulumi/pulumi";
const provider: pulumi.dynamic.ResourceProvider = {
  async check(_olds: unknown, news: Record<string, unknown>) { return { inputs: { ...news, uniqueName: "x" } }; },
  async create(inputs: Record<string, unknown>) { return { id: "noop", outs: inputs }; },
};
class Noop extends pulumi.dynamic.Resource {
  declare readonly uniqueName: pulumi.Output<string>;
  constructor(name: string, args: Record<string, string>) { super(provider, name, { ...args, uniqueName: undefined }); }
}
export const names: unknown[] = [];
for (let i = 0; i < ${count}; i++) {
  names.push(new Noop("gallery" + i, { resourceGroupName: "benchGroup", galleryName: "benchGallery" + i }).uniqueName);
}
`;

interface Series {
  ms: number[];
}

export function seed(azure: EmulatorHandle, count: number): void {
  for (let i = 0; i < count; i++) {
    azure.putGallery({
      subscriptionId: azure.subscriptionId,
      resourceGroupName: "benchGroup",
      gallery: {
        name: `benchGallery${i}`,
        location: "westus",
        properties: { identifier: { uniqueName: `${azure.subscriptionId}-BENCHGALLERY${i}` } },
      },
    });
  }
}

async function timePreview(project: PulumiProject): Promise<number> {
  const run = await project.ok(["preview"]);
  return run.ms;
}

/** Median and range of a series, rounded (the figures' spreads). */
export const stats = (xs: number[]) => ({
  median: round3(median(xs)),
  min: round3(Math.min(...xs)),
  max: round3(Math.max(...xs)),
});

export async function pulumiPreviewFigures(
  log: (line: string) => void = console.log,
): Promise<{ figures: Figure[]; raw: unknown }> {
  const { binary, why } = pulumiBinary();
  if (!binary) throw new Error(`no Pulumi CLI for figures 14a-14c: ${why.join("; ")}`);
  const azure = await startEmulator({ throttle: false });
  const projects: Record<string, PulumiProject> = {};
  try {
    seed(azure, 50);
    for (const count of [1, 50]) {
      projects[`lookup${count}`] = await pulumiProject(binary, azure, { "index.ts": lookupProgram(count) });
      projects[`noop${count}`] = await pulumiProject(binary, azure, { "index.ts": noopProgram(count) });
    }
    // One warm-up each: the first run of a project compiles its TypeScript and fills the OS caches.
    for (const project of Object.values(projects)) await timePreview(project);
    const series: Record<string, Series> = Object.fromEntries(
      Object.keys(projects).map((k) => [k, { ms: [] }]),
    );
    for (let round = 0; round < ROUNDS; round++) {
      // Interleaved, and the order flipped every round, so each pair shares that moment's noise.
      const order = round % 2 === 0 ? Object.keys(projects) : Object.keys(projects).reverse();
      for (const name of order) series[name].ms.push(await timePreview(projects[name]));
      log(`  round ${round + 1}/${ROUNDS}: ${order.map((n) => `${n} ${series[n].ms[round]} ms`).join(", ")}`);
    }
    const ratios = (a: string, b: string) => series[a].ms.map((ms, i) => ms / series[b].ms[i]);
    const added = series.lookup50.ms.map((ms, i) => (ms - series.noop50.ms[i]) / 50);
    const paired = (id: string, count: number): Figure => {
      const r = stats(ratios(`lookup${count}`, `noop${count}`));
      return {
        ...figure(
          id,
          `pulumi preview, ${count} lookup${count > 1 ? "s" : ""}, ms (median of ${ROUNDS})`,
          median(series[`lookup${count}`].ms),
          "ms",
          `${count} no-op dynamic resource${count > 1 ? "s" : ""}`,
          median(series[`noop${count}`].ms),
          "info",
          true,
        ),
        ratio: r.median,
        spread: `rounds ${r.min}–${r.max}x`,
      };
    };
    const raw = {
      rounds: ROUNDS,
      series: Object.fromEntries(Object.entries(series).map(([k, v]) => [k, { ...stats(v.ms), ms: v.ms }])),
    };
    const figures = [
      paired("14a", 1),
      paired("14b", 50),
      {
        ...figure(
          "14c",
          "pulumi preview: ms one lookup adds (50 vs 50 no-ops)",
          median(added),
          "ms",
          "per lookup",
          1,
          "info",
          true,
        ),
        spread: `rounds ${round3(Math.min(...added))}–${round3(Math.max(...added))} ms`,
      },
    ];
    writeResults(PULUMI_RESULTS_FILE, figures, raw);
    log(`wrote ${path.relative(process.cwd(), PULUMI_RESULTS_FILE)}`);
    return { figures, raw };
  } finally {
    for (const project of Object.values(projects)) project.close();
    await azure.close();
  }
}

if (require.main === module) {
  pulumiPreviewFigures().then(
    ({ figures }) => {
      for (const f of figures)
        console.log(
          `${f.id} ${f.figure}: ${f.value} ${f.unit} vs ${f.yardstickValue}; ${f.ratio}x (${f.spread})`,
        );
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
