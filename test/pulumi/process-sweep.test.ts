// Nothing the package starts outlives it, on success, failure, timeout or Ctrl-C, on every path: the embedded
// engine, `preview DIR` under the real Pulumi CLI, and `drift --stack` through it. Each run gets a canary in its
// environment (every process started for it inherits it: the CLI, its plugins, the program, what the program
// spawns) and a TMPDIR of its own; after the command exits, the processes carrying the canary, the sockets they
// hold and the entries of that TMPDIR are counted. Also: `preview DIR` where DIR is a symbolic link.
import { strict as assert } from "node:assert";
import { randomUUID } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  configuredLookup,
  finished,
  isolatedEnv,
  runCli,
  spawnCli,
  writeProject,
} from "../support/cliProject";
import { waitFor } from "../support/processes";
import { requirePulumi } from "../support/pulumiCli";

/** The program: one lookup, then what SWEEP_MODE asks (ok, throw, or hang with a child of its own). */
const PROGRAM = `${configuredLookup()}import * as fs from "fs";
import { spawn } from "child_process";
export const uniqueName = gallery.uniqueName;
const mode = process.env.SWEEP_MODE ?? "ok";
if (mode === "throw") throw new Error("the program fails on purpose");
if (mode === "stuck") {
  // A resource whose create never returns: the Pulumi CLI's graceful cancel waits for it forever.
  const stuck: pulumi.dynamic.ResourceProvider = {
    create: () => new Promise(() => setInterval(() => undefined, 1000)),
  };
  class Stuck extends pulumi.dynamic.Resource {
    constructor(name: string) {
      super(stuck, name, { n: 1 }, {});
    }
  }
  new Stuck("stuck");
  fs.writeFileSync(process.env.SWEEP_STARTED as string, "started");
}
if (mode === "hang") {
  spawn("sleep", ["300"], { stdio: "ignore" });
  fs.writeFileSync(process.env.SWEEP_STARTED as string, "started");
  new Promise(() => setInterval(() => undefined, 1000));
}
`;

interface Process {
  pid: number;
  cmd: string;
  cwd: string;
}

/** Live processes (zombies excluded) whose environment holds SWEEP_CANARY=<canary>. */
function carrying(canary: string): Process[] {
  const needle = `SWEEP_CANARY=${canary}\0`;
  const found: Process[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(")") + 2))) continue;
      if (!`${fs.readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(needle)) continue;
      found.push({
        pid: Number(entry),
        cmd: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").replace(/\0/g, " ").trim().slice(0, 160),
        cwd: fs.readlinkSync(`/proc/${entry}/cwd`),
      });
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return found;
}

/** Sockets held open by these processes. */
function socketsOf(processes: Process[]): number {
  let n = 0;
  for (const { pid } of processes) {
    try {
      for (const fd of fs.readdirSync(`/proc/${pid}/fd`)) {
        if (fs.readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith("socket:")) n++;
      }
    } catch {
      // Gone meanwhile.
    }
  }
  return n;
}

interface Count {
  processes: string[];
  sockets: number;
  folders: string[];
}

function count(canary: string, tmp: string): Count {
  const processes = carrying(canary);
  return {
    processes: processes.map((p) => `${p.pid} ${p.cmd}`),
    sockets: socketsOf(processes),
    // ts-node's compile cache (Pulumi's Node.js runtime compiles index.ts with it): one folder per compiler
    // setup, reused by the next run, as under `pulumi preview` itself; not something a run leaves behind.
    folders: fs.readdirSync(tmp).filter((name) => !/^ts-node-[0-9a-f]{64}$/.test(name)),
  };
}

const NONE: Count = { processes: [], sockets: 0, folders: [] };

describe("real Pulumi CLI: nothing the package starts outlives it (the sweep)", function () {
  this.timeout(900_000);
  let binary: string;
  let home: string;
  let dir: string;
  let seedFile: string;
  let azure: EmulatorHandle;
  let offline: NodeJS.ProcessEnv;

  before(async function () {
    binary = requirePulumi(this);
    home = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-sweep-home-"));
    ({ dir, seedFile } = writeProject({ program: PROGRAM }));
    offline = {
      PULUMI_HOME: path.join(home, ".pulumi"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      HOME: home,
      PULUMI_CLI: binary,
    };
    azure = await startEmulator({ seed: seedFile });
  });
  after(async () => {
    await azure?.close();
    if (home) fs.rmSync(home, { recursive: true, force: true });
    if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it("preview DIR under the real CLI, DIR a symbolic link to the project: the folder is resolved first", async () => {
    const link = path.join(path.dirname(dir), "project-link");
    fs.symlinkSync(dir, link);
    const run = await runCli(
      ["preview", link, "--engine", "pulumi", "--seed", seedFile],
      isolatedEnv(offline),
    );
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.match(run.stdout, /uniqueName\s*:\s*"\S+-CORPIMAGES"/);
  });

  it("every path, every ending: no process, socket or temporary folder is left", async () => {
    // `up` through the real CLI leaves a stack for drift to read.
    const up = await runCli(["up", dir, "--engine", "pulumi", "--seed", seedFile], isolatedEnv(offline));
    assert.equal(up.code, 0, up.stdout + up.stderr);
    const backend = path.join(dir, ".gallery-lookup", "pulumi");
    const driftEnv = {
      ...azure.environment(),
      PULUMI_BACKEND_URL: `file://${backend}`,
      PULUMI_CONFIG_PASSPHRASE: "gallery-lookup-offline",
    };
    const stack = "organization/images-stack/dev";

    type Ending = "ok" | "fail" | "timeout" | "ctrl-c early" | "ctrl-c running";
    const cases: {
      path: string;
      ending: Ending;
      args: string[];
      env?: NodeJS.ProcessEnv;
      code: number;
      /** The emulator holds every ARM answer for the run, so that the run cannot end before its Ctrl-C. */
      holdArm?: boolean;
    }[] = [];
    for (const engine of ["embedded", "pulumi"]) {
      const base = ["preview", dir, "--engine", engine, "--seed", seedFile, "--no-type-check"];
      cases.push(
        { path: engine, ending: "ok", args: base, code: 0 },
        { path: engine, ending: "fail", args: base, env: { SWEEP_MODE: "throw" }, code: 1 },
        {
          path: engine,
          ending: "timeout",
          args: [...base, "--timeout", "8"],
          env: { SWEEP_MODE: "hang" },
          code: 1,
        },
        { path: engine, ending: "ctrl-c early", args: base, env: { SWEEP_MODE: "hang" }, code: 130 },
        { path: engine, ending: "ctrl-c running", args: base, env: { SWEEP_MODE: "hang" }, code: 130 },
      );
    }
    // Only the Pulumi CLI runs an up (the embedded engine refuses it before it starts anything).
    const stuckUp = ["up", dir, "--engine", "pulumi", "--seed", seedFile, "--no-type-check"];
    cases.push(
      {
        path: "pulumi",
        ending: "timeout",
        args: [...stuckUp, "--timeout", "8"],
        env: { SWEEP_MODE: "stuck" },
        code: 1,
      },
      { path: "pulumi", ending: "ctrl-c running", args: stuckUp, env: { SWEEP_MODE: "stuck" }, code: 130 },
    );
    const drift = ["drift", "--stack", stack, "--pulumi", binary, "--quiet"];
    cases.push(
      { path: "drift", ending: "ok", args: drift, env: driftEnv, code: 0 },
      {
        path: "drift",
        ending: "fail",
        args: ["drift", "--stack", `${stack}-none`, "--pulumi", binary],
        env: driftEnv,
        code: 1,
      },
      {
        path: "drift",
        ending: "timeout",
        args: [...drift, "--pulumi-timeout", "0.5"],
        env: driftEnv,
        code: 1,
      },
      // Without the hold, a drift check that finished within the 800 ms before the Ctrl-C exited 0.
      { path: "drift", ending: "ctrl-c early", args: drift, env: driftEnv, code: 130, holdArm: true },
    );

    // SWEEP_ONLY=REGEX runs the cases whose label matches, to check one by hand; the suite runs them all.
    const only = new RegExp(process.env.SWEEP_ONLY ?? "");
    const problems: string[] = [];
    const seen: string[] = [];
    for (const c of cases) {
      const label = `${c.path}, ${c.ending}${c.env?.SWEEP_MODE === "stuck" ? " (up, a create that never returns)" : ""}`;
      if (!only.test(label)) continue;
      const canary = randomUUID();
      const tmp = fs.mkdtempSync(path.join(home, "tmp-"));
      const started = path.join(home, `started-${canary}`);
      const before = count(canary, tmp);
      assert.deepEqual(before, NONE, `${label}: nothing before`);
      if (c.holdArm) azure.holdAnswers(Number.MAX_SAFE_INTEGER);
      const child = spawnCli(
        c.args,
        isolatedEnv({ ...offline, ...c.env, SWEEP_CANARY: canary, SWEEP_STARTED: started, TMPDIR: tmp }),
      );
      const done = finished(child);
      // A run that never ends is a finding, not a hung suite.
      const limit = setTimeout(() => child.kill("SIGKILL"), 150_000);
      let hostInProject = false;
      if (c.ending === "ctrl-c early") {
        await new Promise((r) => setTimeout(r, c.path === "drift" ? 800 : 2000));
        child.kill("SIGINT");
      } else if (c.ending === "ctrl-c running") {
        await waitFor(() => fs.existsSync(started), 120_000, `${label}: the program to start`);
        // The Pulumi CLI runs its own provider host, in its copy of the project: ours is not started there.
        hostInProject = carrying(canary).some((p) => p.cmd.includes("dynamic-provider") && p.cwd === dir);
        child.kill("SIGINT");
      }
      const run = await done;
      clearTimeout(limit);
      azure.releaseAnswers();
      let after = count(canary, tmp);
      // Counted as the command exits: only a process already killed (SIGKILL delivered, not yet reaped) gets a
      // moment; one that is still cancelling by itself has outlived the command.
      const until = Date.now() + 500;
      while (JSON.stringify(after) !== JSON.stringify(NONE) && Date.now() < until) {
        await new Promise((r) => setTimeout(r, 100));
        after = count(canary, tmp);
      }
      seen.push(`${label}: exit ${run.code} in ${run.ms} ms`);
      if (run.code !== c.code)
        problems.push(`${label}: exit ${run.code}, not ${c.code}: ${run.stderr.slice(-600)}`);
      if (c.path === "pulumi" && hostInProject)
        problems.push(`${label}: our dynamic provider host ran beside the Pulumi CLI`);
      if (after.processes.length) problems.push(`${label}: processes left: ${after.processes.join("; ")}`);
      if (after.sockets) problems.push(`${label}: ${after.sockets} sockets left`);
      if (after.folders.length)
        problems.push(`${label}: temporary entries left: ${after.folders.join(", ")}`);
      for (const p of carrying(canary)) process.kill(p.pid, "SIGKILL");
      fs.rmSync(tmp, { recursive: true, force: true });
      fs.rmSync(started, { force: true });
    }
    process.stdout.write(`      ${seen.join("\n      ")}\n`);
    assert.deepEqual(problems, []);
  });
});
