// The offline CLI's failure path (issue 13): how soon a failure shows after it happens, measured the way a user
// sees it, on the spawned `gallery-lookup` against an emulator started with `gallery-lookup emulator --env json`.
// The moment a lookup fails is the emulator's journal time of the 404; the moment it shows is when the
// "error:" line reaches our end of stderr. Rounds interleave success, failed lookup and a throw in an apply.
// The Node.js bug that used to cost ~35 s per failure (util.inspect with colours, nodejs/node#64011) is timed
// once in a child, beside the uncoloured formatting the runner now uses.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import {
  finished,
  isolatedEnv,
  spawnCli,
  USER_GALLERY,
  USER_GROUP,
  writeProject,
} from "../test/support/cliProject";
import { figure, type Figure } from "./figure";
import { median } from "./stats";

const ROUNDS = Number(process.env.BENCH_CLI_ROUNDS ?? 5);

const THROW_PROGRAM = `import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const g = new GalleryLookup("images", { resourceGroupName: "${USER_GROUP}", galleryName: "${USER_GALLERY}" });
export const name = g.uniqueName.apply((n) => { if (n) throw new Error("no images"); return n; });
`;

interface Timed {
  totalMs: number;
  /** When the first `error:` line arrived (epoch ms), if any. */
  errorAt?: number;
  exitAt: number;
  code: number | null;
}

async function timedPreview(args: string[], env: NodeJS.ProcessEnv): Promise<Timed> {
  const started = Date.now();
  const child = spawnCli(args, env);
  let errorAt: number | undefined;
  child.stderr.on("data", (c: Buffer) => {
    if (errorAt === undefined && c.toString().includes("error:")) errorAt = Date.now();
  });
  const run = await finished(child, started);
  return { totalMs: run.ms, errorAt, exitAt: Date.now(), code: run.code };
}

function journal(env: Record<string, string>): Promise<{ time: number; status: number; kind: string }[]> {
  const ca = fs.readFileSync(env.NODE_EXTRA_CA_CERTS);
  return new Promise((resolve, reject) => {
    https
      .get(new URL("/_emulator/journal", env.AZURE_RESOURCE_MANAGER_ENDPOINT), { ca }, (res) => {
        let body = "";
        res.setEncoding("utf8").on("data", (c: string) => (body += c));
        res.on("end", () => resolve(JSON.parse(body)));
      })
      .on("error", reject);
  });
}

/** Milliseconds of `util.inspect(err, {colors})` on a `node_modules/@scope/file` frame, in a fresh child. */
function inspectMs(colors: boolean): number {
  const script = `const util = require("util"); const e = new Error("x");
e.stack = "Error: x\\n    at new Resource (/app/node_modules/@pulumi/resource.ts:602:13)";
const t = Date.now(); try { util.inspect(e, { colors: ${colors} }); } catch {} console.log(Date.now() - t);`;
  const out = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 180_000 });
  return Number(out.stdout.trim());
}

const spread = (values: number[]) => `${Math.min(...values)}-${Math.max(...values)}`;

/** Runs the CLI rounds and returns the figures (13a-13d) and the raw samples. */
export async function cliFigures(): Promise<{ figures: Figure[]; raw: Record<string, unknown> }> {
  const good = writeProject();
  const missing = writeProject({
    stackConfig: `  resourceGroupName: ${USER_GROUP}\n  galleryName: noSuchGallery\n`,
  });
  const throwing = writeProject({ program: THROW_PROGRAM });
  const emulator = spawnCli(["emulator", "--seed", good.seedFile, "--env", "json"], isolatedEnv());
  const emulatorDone = finished(emulator);
  try {
    const env = await new Promise<Record<string, string>>((resolve, reject) => {
      let out = "";
      emulator.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]) as Record<string, string>);
      });
      emulator.on("exit", (code) => reject(new Error(`emulator exited ${code}`)));
    });
    const runEnv = isolatedEnv(env);
    const samples = { success: [] as number[], missing: [] as number[], throwing: [] as number[] };
    const shownAfter404: number[] = [];
    const exitAfterError: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // The embedded engine keeps no state: every preview is a new stack's.
      const ok = await timedPreview(["preview", good.dir], runEnv);
      if (ok.code !== 0) throw new Error(`the good project failed (${ok.code})`);
      samples.success.push(ok.totalMs);

      const failed = await timedPreview(["preview", missing.dir], runEnv);
      const notFound = (await journal(env)).filter((e) => e.kind === "arm" && e.status === 404).pop();
      if (failed.code !== 1 || failed.errorAt === undefined || !notFound)
        throw new Error("the lookup did not fail");
      samples.missing.push(failed.totalMs);
      shownAfter404.push(failed.errorAt - notFound.time);
      exitAfterError.push(failed.exitAt - failed.errorAt);

      const thrown = await timedPreview(["preview", throwing.dir], runEnv);
      if (thrown.code !== 1 || thrown.errorAt === undefined) throw new Error("the apply did not fail");
      samples.throwing.push(thrown.totalMs);
      exitAfterError.push(thrown.exitAt - thrown.errorAt);
    }
    const quick = process.env.BENCH_CLI_QUICK === "1";
    const coloured = quick ? NaN : inspectMs(true);
    const plain = inspectMs(false);
    const figures = [
      figure(
        "13a",
        "preview of a failing lookup, end to end, median ms",
        median(samples.missing),
        "ms",
        "preview that succeeds",
        median(samples.success),
        "<= 1.5x",
        median(samples.missing) <= 1.5 * median(samples.success),
      ),
      figure(
        "13b",
        "preview of a throw in an apply, end to end, median ms",
        median(samples.throwing),
        "ms",
        "preview that succeeds",
        median(samples.success),
        "<= 1.5x",
        median(samples.throwing) <= 1.5 * median(samples.success),
      ),
      figure(
        "13c",
        "failed GET (emulator journal) to the error on stderr, median ms",
        median(shownAfter404),
        "ms",
        "bound 1 s",
        1000,
        "< 1000 ms",
        median(shownAfter404) < 1000,
      ),
      figure(
        "13d",
        "error on stderr to process exit, median ms",
        median(exitAfterError),
        "ms",
        "bound 1 s",
        1000,
        "< 1000 ms",
        median(exitAfterError) < 1000,
      ),
    ];
    if (!quick) {
      figures.push(
        figure(
          "13e",
          "Node util.inspect(err, {colors}) on a node_modules/@scope/file frame (the bug worked around), ms",
          coloured,
          "ms",
          "uncoloured, as the runner formats it",
          Math.max(plain, 1),
          "informative",
          true,
        ),
      );
    }
    const raw = {
      rounds: ROUNDS,
      samplesMs: samples,
      shownAfter404Ms: shownAfter404,
      exitAfterErrorMs: exitAfterError,
      spreads: {
        success: spread(samples.success),
        missing: spread(samples.missing),
        throwing: spread(samples.throwing),
        shownAfter404: spread(shownAfter404),
      },
      inspectMs: { coloured, plain },
    };
    return { figures, raw };
  } finally {
    emulator.kill("SIGTERM");
    await emulatorDone;
    for (const p of [good, missing, throwing])
      fs.rmSync(path.dirname(p.dir), { recursive: true, force: true });
  }
}

if (require.main === module) {
  cliFigures().then(
    ({ figures, raw }) => console.log(JSON.stringify({ figures, raw }, null, 2)),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
