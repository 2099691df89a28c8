// The drift check's benchmark (issue 12), run by `npm run bench` (bench/run.ts) or alone with
// `node build/bench/drift.js`. Against the emulator with ARM's real read bucket (250, refilled 25/s):
//  8a-8c  2,000 lookups in 50 state files over 500 distinct galleries: exactly 500 GETs, wall time
//         against the bucket's minimum for 500 reads ((500-250)/25 = 10 s);
//  8d     memory flat in the number of stacks: the same 2,000 lookups spread over 200 state files, each
//         with the same padding of other resources (4x the state), against the 50-file run;
//  8e-8f  10,000 lookups of 10,000 distinct galleries: none failing on 429, wall time against the
//         bucket's minimum ((10000-250)/25 = 390 s). Skipped with BENCH_QUICK=1.
//  8g-8i  `drift --all-stacks` over 200 stacks of a file:// backend through the real Pulumi CLI
//         (bench/driftStacks.ts); BENCH_DRIFT_ONLY=8g runs only these and updates their lines in
//         bench/drift-results.json, keeping the others.
// Each run is a fresh child process (a fresh pacer), with the emulator's buckets refilled before it.
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorHandle } from "#internal/emulator/index";
import { readGallery } from "#internal/lookup/readGallery";
import { exportDocument, lookupProviderText, lookupResource, type Json } from "../test/support/driftState";
import { emulatorClient } from "../test/support/reliability";
import type { DriftChildReport } from "./driftChild";
import type { ChildMessage } from "./protocol";
import { driftStacksBench } from "./driftStacks";
import { figure, type Figure } from "./figure";
import { round3 } from "./stats";

const BUCKET = { burst: 250, refillPerSecond: 25 };
const ROUNDS = 3;

const median = (xs: number[]) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const spread = (xs: number[]) => ({
  median: round3(median(xs)),
  min: round3(Math.min(...xs)),
  max: round3(Math.max(...xs)),
});
const PADDING_PER_STACK = 200;

const bucketMinimumMs = (reads: number) =>
  (Math.max(0, reads - BUCKET.burst) / BUCKET.refillPerSecond) * 1000;
const galleryName = (i: number) => `bench${String(i).padStart(5, "0")}`;

/** Seeds `count` galleries and returns a function giving each one's stored outputs as `up` would leave them. */
async function seed(emulator: EmulatorHandle, count: number): Promise<(i: number) => Json> {
  for (let i = 0; i < count; i++) {
    emulator.putGallery({
      subscriptionId: emulator.subscriptionId,
      resourceGroupName: emulator.resourceGroupName,
      gallery: {
        name: galleryName(i),
        location: "westus",
        tags: { team: "platform" },
        properties: {
          description: "benchmark gallery",
          identifier: { uniqueName: `${emulator.subscriptionId}-${galleryName(i).toUpperCase()}` },
          sharingProfile: { permissions: "Private" },
          provisioningState: "Succeeded",
        },
      },
    });
  }
  // One real observation (throttle off) as the template of every stored one: only the name differs.
  const client = emulatorClient(emulator);
  const args = {
    subscriptionId: emulator.subscriptionId,
    resourceGroupName: emulator.resourceGroupName,
    galleryName: galleryName(0),
  };
  const template = JSON.stringify({ ...args, ...(await readGallery(args, client)) });
  client.close();
  return (i) =>
    JSON.parse(
      template
        .replaceAll(galleryName(0), galleryName(i))
        .replaceAll(galleryName(0).toUpperCase(), galleryName(i).toUpperCase()),
    ) as Json;
}

/** Writes `stacks` export files holding `lookups` lookups (lookup k names gallery k % galleries) and padding. */
function writeStates(
  dir: string,
  stacks: number,
  lookups: number,
  galleries: number,
  outputsOf: (i: number) => Json,
  provider: string,
): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const perStack = Math.ceil(lookups / stacks);
  for (let s = 0; s < stacks; s++) {
    const stack = `s${String(s).padStart(4, "0")}`;
    const resources: Json[] = [];
    for (let p = 0; p < PADDING_PER_STACK; p++) {
      resources.push({
        urn: `urn:pulumi:${stack}::bench::azure-native:storage:StorageAccount::sa${p}`,
        custom: true,
        id: `/subscriptions/x/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/sa${p}`,
        type: "azure-native:storage:StorageAccount",
        inputs: {
          accountName: `sa${p}`,
          kind: "StorageV2",
          sku: { name: "Standard_LRS" },
          tags: { owner: "bench", n: String(p) },
        },
        outputs: {
          accountName: `sa${p}`,
          primaryEndpoints: { blob: `https://sa${p}.blob.core.windows.net/` },
          provisioningState: "Succeeded",
          tags: { owner: "bench" },
        },
      });
    }
    for (let k = s * perStack; k < Math.min(lookups, (s + 1) * perStack); k++) {
      const outputs = outputsOf(k % galleries);
      const { subscriptionId, resourceGroupName, galleryName: name } = outputs;
      resources.push(
        lookupResource({
          project: "bench",
          stack,
          name: `lookup${k}`,
          inputs: { subscriptionId, resourceGroupName, galleryName: name },
          outputs,
          provider,
        }),
      );
    }
    fs.writeFileSync(path.join(dir, `${stack}.json`), JSON.stringify(exportDocument(resources)));
  }
}

function runChild(env: NodeJS.ProcessEnv): Promise<DriftChildReport> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, "driftChild.js"), [], {
      env,
      execArgv: ["--expose-gc"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: DriftChildReport | undefined;
    child.on("message", (m: ChildMessage) => {
      if (m.kind === "result") result = m.result as DriftChildReport;
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      result ? resolve(result) : reject(new Error(`driftChild exited with ${code}`)),
    );
  });
}

/** Runs the drift scenarios; returns the figures for bench/results.json and the raw runs. */
export async function driftBench(
  log: (message: string) => void,
): Promise<{ figures: Figure[]; raw: Record<string, unknown> }> {
  const quick = process.env.BENCH_QUICK === "1";
  const emulator = await startEmulator({ throttle: false, journalLimit: 200_000 });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "drift-bench-"));
  const figures: Figure[] = [];
  const raw: Record<string, unknown> = {};
  try {
    const total = quick ? 500 : 10_000;
    log(`drift: seeding ${total} galleries`);
    const outputsOf = await seed(emulator, total);
    const provider = await lookupProviderText();
    const env = { ...process.env, ...emulator.environment() };

    const run = async (
      label: string,
      dir: string,
    ): Promise<DriftChildReport & { gets: number; throttled: number }> => {
      emulator.setThrottle(BUCKET); // refills every bucket
      emulator.clearJournal();
      const report = await runChild({ ...env, DRIFT_BENCH_DIR: dir });
      const arm = emulator.journal().filter((e) => e.kind === "arm");
      const gets = arm.filter((e) => e.method === "GET").length;
      if (arm.some((e) => e.method !== "GET"))
        throw new Error("the drift check sent something other than GET");
      const result = { ...report, gets, throttled: arm.filter((e) => e.status === 429).length };
      log(
        `drift: ${label}: ${(report.ms / 1000).toFixed(1)} s, ${gets} GETs, ${result.throttled} answered 429, peak RSS ${report.peakRssMb.toFixed(0)} MB`,
      );
      return result;
    };

    // Three interleaved rounds of 50 and 200 stacks (the same 2,000 lookups): medians, with the spread.
    const dir50 = path.join(work, "s50");
    const dir200 = path.join(work, "s200");
    writeStates(dir50, 50, 2000, 500, outputsOf, provider);
    writeStates(dir200, 200, 2000, 500, outputsOf, provider);
    const runs50: Awaited<ReturnType<typeof run>>[] = [];
    const runs200: Awaited<ReturnType<typeof run>>[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      runs50.push(await run(`round ${round}, 2,000 lookups in 50 stacks over 500 galleries`, dir50));
      runs200.push(await run(`round ${round}, the same in 200 stacks (4x the state)`, dir200));
    }
    const fifty = runs50.slice().sort((x, y) => x.ms - y.ms)[Math.floor(ROUNDS / 2)];
    const twoHundred = runs200.slice().sort((x, y) => x.peakRssMb - y.peakRssMb)[Math.floor(ROUNDS / 2)];
    const peak50 = median(runs50.map((r) => r.peakRssMb));
    raw.stacks50 = runs50;
    raw.stacks200 = runs200;
    raw.spread = {
      ms50: spread(runs50.map((r) => r.ms)),
      peakRssMb50: spread(runs50.map((r) => r.peakRssMb)),
      peakRssMb200: spread(runs200.map((r) => r.peakRssMb)),
    };
    const min500 = bucketMinimumMs(500);
    figures.push(
      figure(
        "8a",
        "drift: GETs for 2,000 lookups of 500 galleries",
        fifty.gets,
        "GETs",
        "distinct galleries",
        500,
        "== 1.0x",
        fifty.gets === 500,
      ),
      figure(
        "8b",
        "drift: 2,000 lookups, 50 stacks, s (median of 3)",
        fifty.ms / 1000,
        "s",
        "bucket minimum (500-250)/25",
        min500 / 1000,
        "<= 1.15x",
        fifty.ms <= 1.15 * min500 && fifty.summary.failed === 0,
      ),
      figure(
        "8c",
        "drift: lookups judged in sync",
        fifty.summary.in_sync,
        "lookups",
        "lookups",
        2000,
        "== 1.0x",
        fifty.summary.in_sync === 2000,
      ),
      figure(
        "8d",
        "drift: peak RSS, 200 stacks (4x state), MB (median)",
        twoHundred.peakRssMb,
        "MB",
        "same lookups in 50 stacks (median)",
        peak50,
        "<= 1.15x",
        twoHundred.peakRssMb <= 1.15 * peak50,
      ),
    );

    if (quick) {
      log("drift: BENCH_QUICK=1, skipping 10,000 lookups of 10,000 galleries (~6.5 minutes)");
    } else {
      log("drift: 10,000 lookups of 10,000 distinct galleries (the bucket's minimum is 390 s)");
      const dir10k = path.join(work, "g10000");
      writeStates(dir10k, 50, 10_000, 10_000, outputsOf, provider);
      const big = await run("10,000 lookups of 10,000 galleries", dir10k);
      raw.galleries10000 = big;
      const min = bucketMinimumMs(10_000);
      figures.push(
        figure(
          "8e",
          "drift: 10,000 galleries, lookups failing on 429",
          big.failedOn429,
          "lookups",
          "lookups",
          10_000,
          "== 0",
          big.failedOn429 === 0 && big.summary.failed === 0,
        ),
        figure(
          "8f",
          "drift: 10,000 galleries, s",
          big.ms / 1000,
          "s",
          "bucket minimum (10000-250)/25",
          min / 1000,
          "<= 1.15x",
          big.ms <= 1.15 * min && big.gets >= 10_000,
        ),
      );
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
    await emulator.close();
  }
  const stacks = await driftStacksBench(log);
  figures.push(...stacks.figures);
  Object.assign(raw, stacks.raw);
  return { figures, raw };
}

/** `BENCH_DRIFT_ONLY=8g`: figures 8g-8i alone, merged into the committed run's other figures. */
async function onlyStacks(log: (message: string) => void, file: string) {
  const { figures, raw } = await driftStacksBench(log);
  const prior = JSON.parse(fs.readFileSync(file, "utf8")) as {
    figures: Figure[];
    raw: Record<string, unknown>;
  };
  const ids = new Set(figures.map((f) => f.id));
  return {
    figures: [...prior.figures.filter((f) => !ids.has(f.id)), ...figures],
    raw: { ...prior.raw, ...raw },
    stacksWhen: new Date().toISOString(),
  };
}

if (require.main === module) {
  const log = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
  const file = path.resolve(__dirname, "..", "..", "bench", "drift-results.json");
  const only = process.env.BENCH_DRIFT_ONLY === "8g";
  (only ? onlyStacks(log, file) : driftBench(log)).then(
    (result) => {
      const { figures, raw } = result;
      // Alone, it writes its own file; within `npm run bench` its figures join bench/results.json.
      const prior = only ? (JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>) : {};
      const report = {
        ...prior,
        when: only ? prior.when : new Date().toISOString(),
        ...("stacksWhen" in result ? { stacksWhen: result.stacksWhen } : {}),
        node: process.version,
        cpus: os.cpus().length,
        quick: only ? prior.quick : process.env.BENCH_QUICK === "1",
        figures,
        raw,
      };
      fs.writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
      console.table(
        figures.map((f) => ({
          id: f.id,
          figure: f.figure,
          value: `${f.value} ${f.unit}`,
          ratio: `${f.ratio}x`,
          target: f.target,
          pass: f.pass,
        })),
      );
      if (figures.some((f) => !f.pass)) process.exitCode = 1;
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
