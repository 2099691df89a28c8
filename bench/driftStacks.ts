// Figures 8g-8i (issue 20): `gallery-lookup drift --all-stacks` over 200 stacks of a file:// backend,
// through the real Pulumi CLI (`pulumi stack ls --all --json`, then 200 `pulumi stack export`s, 4 at a
// time), against the emulator with ARM's real read bucket. Each stack holds 10 lookups of its own galleries:
// 2,000 distinct galleries, whose bucket minimum ((2000-250)/25 = 70 s) should be the wall time, the exports
// hidden inside it. The export time is shown apart: the same command with every lookup ignored
// (`--ignore-lookup '*'`: the listing, the exports and the parsing, and no GET).
//
// `pulumi up` of 200 stacks would take an hour, so one real stack is brought up and its checkpoint, as
// the CLI wrote it into `.pulumi/stacks/<project>/<stack>.json`, is the template of 200 written beside it
// (the stack name and the galleries substituted); the CLI is then asked to list and export them.
import * as fs from "node:fs";
import * as path from "node:path";
import type { DriftReport } from "#internal/drift/driftReport";
import { startEmulator } from "#internal/emulator/index";
import { runDrift } from "../test/support/driftCli";
import { lookupsProgram, pulumiBinary, pulumiProject, putGalleries } from "../test/support/pulumiCli";
import { figure, type Figure } from "./figure";
import { round3 } from "./stats";

const BUCKET = { burst: 250, refillPerSecond: 25 };
const STACKS = 200;
const PER_STACK = 10;
const GALLERIES = STACKS * PER_STACK;
const ROUNDS = 3;
const TEMPLATE_STACK = "tplstack";
const galleryName = (i: number) => `fleet${String(i).padStart(5, "0")}`;
const bucketMinimumMs = (reads: number) =>
  (Math.max(0, reads - BUCKET.burst) / BUCKET.refillPerSecond) * 1000;

interface CliRun {
  ms: number;
  code: number | null;
  report: DriftReport;
}

interface Round extends CliRun {
  gets: number;
  /** GETs the emulator answered 429. */
  throttled: number;
}

async function driftCli(args: string[], env: NodeJS.ProcessEnv): Promise<CliRun> {
  const started = performance.now();
  const run = await runDrift(args, env, { timeoutMs: 600_000 });
  const ms = performance.now() - started;
  try {
    return { ms, code: run.code, report: JSON.parse(run.stdout) as DriftReport };
  } catch {
    const stdout =
      run.stdout.length > 400 ? `${run.stdout.slice(0, 200)} … ${run.stdout.slice(-200)}` : run.stdout;
    throw new Error(
      `drift ${args.join(" ")} exited ${run.code} without a report (${run.stdout.length} bytes on stdout: ${stdout}):\n${run.stderr}`,
    );
  }
}

/** Runs figures 8g-8i. */
export async function driftStacksBench(
  log: (message: string) => void,
): Promise<{ figures: Figure[]; raw: Record<string, unknown> }> {
  const { binary, why } = pulumiBinary();
  if (!binary) throw new Error(`figures 8g-8i need the Pulumi CLI: ${why.join("; ")}`);
  const emulator = await startEmulator({ throttle: false, journalLimit: 200_000 });
  try {
    log(`drift --all-stacks: seeding ${GALLERIES} galleries, bringing up the template stack`);
    putGalleries(
      emulator,
      Array.from({ length: GALLERIES }, (_, i) => galleryName(i)),
    );
    const lookups = Object.fromEntries(
      Array.from({ length: PER_STACK }, (_, k) => [`lookup${k}`, { galleryName: galleryName(k) }]),
    );
    const project = await pulumiProject(
      binary,
      emulator,
      { "index.ts": lookupsProgram(emulator.resourceGroupName, lookups) },
      { name: "fleet", stack: TEMPLATE_STACK },
    );
    try {
      await project.ok(["up", "--yes", "--skip-preview"]);
      const folder = path.join(project.backendDir, ".pulumi", "stacks", "fleet");
      const template = fs.readFileSync(path.join(folder, `${TEMPLATE_STACK}.json`), "utf8");
      for (const file of fs.readdirSync(folder)) fs.rmSync(path.join(folder, file));
      for (let s = 0; s < STACKS; s++) {
        const stack = `s${String(s).padStart(3, "0")}`;
        const text = template
          .replaceAll(TEMPLATE_STACK, stack)
          .replace(/fleet0000(\d)/gi, (match, k: string) => {
            const name = galleryName(s * PER_STACK + Number(k));
            return match === match.toUpperCase() ? name.toUpperCase() : name;
          });
        fs.writeFileSync(path.join(folder, `${stack}.json`), text);
      }
      // The CLI must see them as its own: listed and exportable.
      const listed = JSON.parse((await project.ok(["stack", "ls", "--all", "--json"])).stdout) as {
        name: string;
      }[];
      if (listed.length !== STACKS)
        throw new Error(`pulumi stack ls --all lists ${listed.length} stacks, not ${STACKS}`);
      const sample = JSON.parse(
        (await project.ok(["stack", "export", "--stack", "organization/fleet/s123"])).stdout,
      ) as {
        deployment: { resources: { urn: string }[] };
      };
      if (!sample.deployment.resources.some((r) => r.urn.startsWith("urn:pulumi:s123::fleet::")))
        throw new Error("pulumi stack export does not give the written stack back");

      const env: NodeJS.ProcessEnv = { ...project.env };
      const full = ["--json", "--quiet", "--all-stacks"];
      const exportsOnly = [...full, "--ignore-lookup", "*"];
      const runs: Round[] = [];
      const exportRuns: CliRun[] = [];
      for (let round = 1; round <= ROUNDS; round++) {
        emulator.setThrottle(BUCKET);
        emulator.clearJournal();
        const run = await driftCli(full, env);
        const arm = emulator.journal().filter((e) => e.kind === "arm");
        const gets = arm.filter((e) => e.method === "GET").length;
        const throttled = arm.filter((e) => e.status === 429).length;
        runs.push({ ...run, report: { ...run.report, lookups: [] }, gets, throttled });
        log(
          `drift --all-stacks: round ${round}: ${(run.ms / 1000).toFixed(1)} s, exit ${run.code}, ${gets} GETs, ${run.report.summary.in_sync} in sync, ${run.report.summary.failed} failed`,
        );
        if (run.code !== 0)
          throw new Error(
            `drift --all-stacks exited ${run.code}: ${JSON.stringify(run.report.sources.find((s) => s.error))}`,
          );
        const exported = await driftCli(exportsOnly, env);
        exportRuns.push({ ...exported, report: { ...exported.report, lookups: [] } });
        log(`drift --all-stacks --ignore-lookup '*': round ${round}: ${(exported.ms / 1000).toFixed(1)} s`);
      }
      const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
      const spread = (xs: number[]) =>
        `${round3(Math.min(...xs) / 1000)}-${round3(Math.max(...xs) / 1000)} s`;
      const wall = median(runs.map((r) => r.ms));
      const exportsMs = median(exportRuns.map((r) => r.ms));
      const min = bucketMinimumMs(GALLERIES);
      const middle = runs.find((r) => r.ms === wall)!;
      const gets = middle.gets;
      const figures = [
        {
          ...figure(
            "8g",
            `drift --all-stacks: ${STACKS} stacks on file://, ${GALLERIES} galleries, s (median of ${ROUNDS})`,
            wall / 1000,
            "s",
            `bucket minimum (${GALLERIES}-250)/25`,
            min / 1000,
            "<= 1.15x",
            wall <= 1.15 * min,
          ),
          spread: spread(runs.map((r) => r.ms)),
        },
        {
          ...figure(
            "8h",
            `the same, exports alone (stack ls + ${STACKS} exports, 4 at a time; every lookup ignored), s`,
            exportsMs / 1000,
            "s",
            `bucket minimum (${GALLERIES}-250)/25`,
            min / 1000,
            "< 1.0x",
            exportsMs < min,
          ),
          spread: spread(exportRuns.map((r) => r.ms)),
        },
        figure(
          "8i",
          `drift --all-stacks: lookups judged in sync (${gets} GETs for ${GALLERIES} galleries: retries included)`,
          middle.report.summary.in_sync,
          "lookups",
          "lookups",
          STACKS * PER_STACK,
          "== 1.0x",
          middle.report.summary.in_sync === STACKS * PER_STACK && gets >= GALLERIES,
        ),
      ];
      const brief = (r: CliRun) => ({ ms: round3(r.ms), code: r.code, summary: r.report.summary });
      return {
        figures,
        raw: {
          stacksCli: runs.map((r) => ({ ...brief(r), gets: r.gets, throttled: r.throttled })),
          stacksCliExportsOnly: exportRuns.map(brief),
        },
      };
    } finally {
      project.close();
    }
  } finally {
    await emulator.close();
  }
}
