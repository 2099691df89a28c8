// The command line as a program in a pipeline or a terminal: --help and --version, unknown flags, and what is
// left behind (provider host, program, temporary folders) when it is interrupted, terminated or piped into `head`.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_SPEC } from "#internal/cli/emulatorCommand";
import { PREVIEW_SPEC, UP_SPEC } from "#internal/cli/previewCommand";
import {
  CLI,
  finished,
  isolatedEnv,
  processesIn,
  runCli,
  spawnCli,
  waitFor,
  writeProject,
} from "../support/cliProject";

const VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "..", "package.json"), "utf8")) as {
    version: string;
  }
).version;

/** A program that registers the lookup and then keeps running, so there is something to interrupt. */
const SLOW_PROGRAM = `import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import * as pulumi from "@pulumi/pulumi";
const g = new GalleryLookup("images", {
  resourceGroupName: new pulumi.Config().require("resourceGroupName"),
  galleryName: new pulumi.Config().require("galleryName"),
});
export const name = g.uniqueName.apply(async (n) => {
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  return n;
});
`;

/** A program that starts a child of its own (a `sleep`), writes its pid to SLEEP_PID_FILE, then keeps running. */
const SPAWNING_PROGRAM = `import { spawn } from "child_process";
import * as fs from "fs";
const sleeper = spawn("sleep", ["300"], { stdio: "ignore" });
fs.writeFileSync(process.env.SLEEP_PID_FILE ?? "", String(sleeper.pid));
export const done = new Promise((resolve) => setTimeout(resolve, 60_000));
`;

/** Whether a process runs (a zombie waiting for its reaper counts as gone). */
function running(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Temporary folders the CLI made under `tmp`. */
const leftovers = (tmp: string) => fs.readdirSync(tmp).filter((f) => f.startsWith("gallery-lookup-"));

describe("gallery-lookup: help, version and flags", function () {
  this.timeout(30_000);

  for (const spec of [EMULATOR_SPEC, PREVIEW_SPEC, UP_SPEC]) {
    it(`${spec.name} --help exits 0 and describes every flag`, async () => {
      const run = await runCli([spec.name, "--help"]);
      assert.equal(run.code, 0, run.stderr);
      assert.match(run.stdout, new RegExp(`^Usage: gallery-lookup ${spec.name}`));
      for (const flag of spec.flags) {
        assert.match(
          run.stdout,
          new RegExp(`--${flag.name}\\b.*\\s{2,}${flag.description.slice(0, 20).replace(/[()[\]]/g, ".")}`),
        );
      }
    });
  }

  it("--help lists every command; --version prints the package version", async () => {
    const help = await runCli(["--help"]);
    assert.equal(help.code, 0);
    for (const name of ["emulator", "preview", "up"])
      assert.match(help.stdout, new RegExp(`^  ${name}\\s`, "m"));
    const version = await runCli(["--version"]);
    assert.deepEqual([version.code, version.stdout], [0, `${VERSION}\n`]);
  });

  it("refuses an unknown command with exit 1, never drift's 2", async () => {
    for (const args of [["prevue"], ["drfit", "state.json"]]) {
      const run = await runCli(args);
      assert.equal(run.code, 1, `${args.join(" ")}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /^gallery-lookup: unknown command '.+'\nRun 'gallery-lookup --help' for usage\.\n$/,
      );
    }
  });

  it("refuses unknown flags, and flags without their value, with exit 2", async () => {
    for (const args of [
      ["preview", ".", "--jsn"],
      ["up", "--stack"],
      ["preview", "a", "b"],
      ["preview", "--timeout", "soon"],
    ]) {
      const run = await runCli(args);
      assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, /^gallery-lookup: .+\nRun 'gallery-lookup --help' for usage\.\n$/);
    }
    const run = await runCli(["preview", ".", "--jsn"]);
    assert.match(run.stderr, /unknown option '--jsn' for 'preview'/);
  });
});

describe("gallery-lookup: stopped mid-run, it leaves nothing behind", function () {
  this.timeout(60_000);
  let tmp: string;
  let project: ReturnType<typeof writeProject>;
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cli-stop-"));
    project = writeProject({ program: SLOW_PROGRAM });
  });
  afterEach(() => {
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(path.dirname(project.dir), { recursive: true, force: true });
  });

  /** Starts a preview of the slow program and waits until its runtime and provider host run. */
  async function startSlowPreview() {
    const child = spawnCli(
      ["preview", project.dir, "--seed", project.seedFile],
      isolatedEnv({ TMPDIR: tmp }),
    );
    const done = finished(child);
    await waitFor(() => processesIn(project.dir).length >= 2, 30_000, "the runtime and the provider host");
    return { child, done };
  }

  for (const [signal, code] of [
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const) {
    it(`${signal}: ends the provider host and the program, removes its temporary folders, exits ${code}`, async () => {
      const { child, done } = await startSlowPreview();
      assert.ok(leftovers(tmp).length > 0, "the run made temporary folders");
      child.kill(signal);
      const run = await done;
      assert.equal(run.code, code, run.stderr);
      await waitFor(() => processesIn(project.dir).length === 0, 5000, "the host and the program to end");
      assert.deepEqual(leftovers(tmp), []);
    });
  }

  for (const [how, args, stop] of [
    ["--timeout", ["--timeout", "4"], undefined],
    ["SIGINT", [], "SIGINT"],
  ] as const) {
    it(`${how}: a child process the program started ends with it (process group)`, async () => {
      const spawning = writeProject({ program: SPAWNING_PROGRAM });
      const pidFile = path.join(tmp, "sleep.pid");
      try {
        const child = spawnCli(
          ["preview", spawning.dir, "--seed", spawning.seedFile, ...args],
          isolatedEnv({ TMPDIR: tmp, SLEEP_PID_FILE: pidFile }),
        );
        const done = finished(child);
        await waitFor(() => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8") !== "", 30_000, "the sleep");
        const pid = Number(fs.readFileSync(pidFile, "utf8"));
        assert.ok(running(pid), "the program's sleep runs");
        if (stop) child.kill(stop);
        const run = await done;
        assert.equal(run.code, stop ? 130 : 1, run.stderr);
        if (!stop) assert.match(run.stderr, /did not finish within 4 s/);
        await waitFor(() => !running(pid), 5000, `the program's sleep (pid ${pid}) to end`);
      } finally {
        fs.rmSync(path.dirname(spawning.dir), { recursive: true, force: true });
      }
    });
  }

  it("EPIPE (piped into a reader that goes away): stops quietly and cleans up", async () => {
    const child = spawnCli(["preview", "--demo"], isolatedEnv({ TMPDIR: tmp }));
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    // Like `| head -1`: read the first line, then close the pipe.
    await new Promise<void>((resolve) => child.stdout.once("data", () => resolve()));
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 141, stderr);
    assert.doesNotMatch(stderr, /EPIPE|Error/);
    await waitFor(() => leftovers(tmp).length === 0, 5000, "temporary folders to go");
  });

  it("Ctrl-C in a terminal (a pty through script(1)): the whole group stops, nothing is left", async function () {
    const command = `${process.execPath} ${CLI} preview ${project.dir} --seed ${project.seedFile}`;
    const child = spawn("script", ["-qfec", command, "/dev/null"], {
      env: { ...process.env, ...isolatedEnv({ TMPDIR: tmp }) },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    await waitFor(() => processesIn(project.dir).length >= 2, 30_000, "the runtime and the provider host");
    child.stdin.write("\x03");
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    assert.equal(code, 130, out);
    assert.match(out, /interrupted, cleaning up/);
    await waitFor(() => processesIn(project.dir).length === 0, 5000, "the host and the program to end");
    assert.deepEqual(leftovers(tmp), []);
  });
});

// `execFileSync` keeps this file's imports honest when the CLI is missing: fail early with a clear message.
before(() => {
  execFileSync(process.execPath, [CLI, "--version"]);
});
