// The command line as a program in a pipeline or a terminal: --help and --version, unknown flags, and what is
// left behind (provider host, program, temporary folders) when it is interrupted, terminated or piped into `head`.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { EMULATOR_SPEC } from "#internal/cli/emulatorCommand";
import { PREVIEW_SPEC, UP_SPEC } from "#internal/cli/previewCommand";
import { CLI, finished, isolatedEnv, runCli, spawnCli, writeProject } from "../support/cliProject";
import { alive, processesIn, waitFor } from "../support/processes";

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
    for (const name of ["emulator", "preview", "up", "drift"])
      assert.match(help.stdout, new RegExp(`^  ${name}\\s`, "m"));
    const version = await runCli(["--version"]);
    assert.deepEqual([version.code, version.stdout], [0, `${VERSION}\n`]);
  });

  it("refuses an unknown command with exit 1, never drift's 2, and names the closest one", async () => {
    for (const [args, near] of [
      [["prevue"], "preview"],
      [["drfit", "state.json"], "drift"],
    ] as const) {
      const run = await runCli([...args]);
      assert.equal(run.code, 1, `${args.join(" ")}: ${run.stderr}`);
      assert.match(
        run.stderr,
        new RegExp(
          `^gallery-lookup: unknown command '${args[0]}'; did you mean '${near}'\\? \\(commands: [a-z, ]+\\)\n$`,
        ),
      );
    }
  });

  it("no command: prints the help on stderr and exits 2", async () => {
    const run = await runCli([]);
    assert.equal(run.code, 2);
    assert.equal(run.stdout, "");
    assert.match(run.stderr, /^Usage: gallery-lookup <command>/);
    for (const name of ["emulator", "preview", "up", "drift"])
      assert.match(run.stderr, new RegExp(`^  ${name}\\s`, "m"));
  });

  it("refuses unknown flags, and flags without their value, in one line with exit 2 (drift: 1, its 2 is drift)", async () => {
    for (const [args, code, message] of [
      [["preview", ".", "--jsn"], 2, /unknown option '--jsn' for 'preview'; did you mean '--json'\?/],
      [["up", "--stak", "dev"], 2, /unknown option '--stak' for 'up'; did you mean '--stack'\?/],
      [["emulator", "--prot", "0"], 2, /unknown option '--prot' for 'emulator'; did you mean '--port'\?/],
      [["drift", "--bakend", "x"], 1, /unknown option '--bakend' for 'drift'; did you mean '--backend'\?/],
      [["up", "--stack"], 2, /--stack needs a value \(NAME\)/],
      [["preview", "a", "b"], 2, /takes at most 1 argument/],
      [["preview", "--timeout", "soon"], 2, /--timeout must be a positive number of seconds/],
      [["preview", "--xyzzy"], 2, /unknown option '--xyzzy' for 'preview' \(/],
    ] as const) {
      const run = await runCli([...args]);
      assert.equal(run.code, code, `${args.join(" ")}: ${run.stderr}`);
      assert.match(run.stderr, message);
      // One line, naming where the options are listed.
      assert.match(
        run.stderr,
        new RegExp(`^gallery-lookup: [^\n]+ \\(see 'gallery-lookup ${args[0]} --help'\\)\n$`),
      );
    }
  });

  it("--json: a failure is a JSON document on stdout too (bad flag, missing project, failed program)", async function () {
    // Runs the CLI several times, one a whole (failing) preview: minutes on a loaded machine.
    this.timeout(180_000);
    const project = writeProject({ stackConfig: "  galleryName: corpImages\n" });
    try {
      for (const [args, name] of [
        [["preview", "--json", "--jsn"], "UsageError"],
        [["preview", path.join(project.dir, "nope"), "--json"], "StackConfigError"],
        [["preview", project.dir, "--json", "--seed", project.seedFile], "Error"],
      ] as const) {
        const run = await runCli([...args], isolatedEnv());
        assert.notEqual(run.code, 0, run.stderr);
        const doc = JSON.parse(run.stdout) as { error: { name: string; message: string; exitCode: number } };
        assert.equal(doc.error.name, name, run.stdout);
        assert.equal(doc.error.exitCode, run.code);
        assert.ok(doc.error.message.length > 0);
      }
    } finally {
      fs.rmSync(path.dirname(project.dir), { recursive: true, force: true });
    }
  });

  it("--stack X with no Pulumi.X.yaml says what the offline run reads, and a missing key says where to put it", async function () {
    this.timeout(180_000);
    const project = writeProject({ stackConfig: "  galleryName: corpImages\n" });
    try {
      const noStack = await runCli(["preview", project.dir, "--stack", "prod"], isolatedEnv());
      assert.equal(noStack.code, 1, noStack.stderr);
      assert.match(
        noStack.stderr,
        /--stack prod: .* has no Pulumi\.prod\.yaml\. The offline run reads a stack's config from that file only/,
      );
      assert.match(noStack.stderr, /use a stack that has one: dev/);
      // resourceGroupName is missing from Pulumi.dev.yaml: the advice is the file, not `pulumi config set`.
      const missing = await runCli(["preview", project.dir, "--seed", project.seedFile], isolatedEnv());
      assert.equal(missing.code, 1, missing.stderr);
      assert.doesNotMatch(missing.stderr, /pulumi config set/);
      assert.match(
        missing.stderr,
        /add 'images-stack:resourceGroupName: <value>' .* under 'config:' in Pulumi\.dev\.yaml/,
      );
    } finally {
      fs.rmSync(path.dirname(project.dir), { recursive: true, force: true });
    }
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
        await waitFor(
          () => fs.existsSync(pidFile) && fs.readFileSync(pidFile, "utf8") !== "",
          30_000,
          "the sleep",
        );
        const pid = Number(fs.readFileSync(pidFile, "utf8"));
        assert.ok(alive(pid), "the program's sleep runs");
        if (stop) child.kill(stop);
        const run = await done;
        assert.equal(run.code, stop ? 130 : 1, run.stderr);
        if (!stop) assert.match(run.stderr, /did not finish within 4 s/);
        await waitFor(() => !alive(pid), 5000, `the program's sleep (pid ${pid}) to end`);
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
