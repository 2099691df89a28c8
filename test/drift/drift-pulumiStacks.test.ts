// `gallery-lookup drift --stack/--all-stacks` against a stand-in `pulumi` that does what the real one does
// only by accident: hangs with a child of its own (timeout and Ctrl-C must end the whole group), echoes
// secret settings in its error, takes its time (the export bound is counted), floods its output.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runDrift } from "../support/driftCli";
import { fakePulumi } from "../support/fakePulumi";
import { alive, waitFor } from "../support/processes";
import { assertNoCanary, CANARY, canaryToken } from "../support/canaries";

describe("drift: stacks through the Pulumi CLI (a stand-in CLI)", function () {
  this.timeout(60_000);
  let fake: ReturnType<typeof fakePulumi>;
  let scratch: string;
  let env: NodeJS.ProcessEnv;

  beforeEach(() => {
    fake = fakePulumi();
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-drift-pulumi-"));
    fs.mkdirSync(path.join(scratch, "pids"));
    env = {
      PATH: `${fake.dir}${path.delimiter}/usr/bin${path.delimiter}/bin`,
      HOME: scratch,
      FAKE_PULUMI_PIDS: path.join(scratch, "pids"),
      FAKE_PULUMI_LOG: path.join(scratch, "log"),
    };
  });
  afterEach(() => {
    for (const file of fs.existsSync(path.join(scratch, "pids"))
      ? fs.readdirSync(path.join(scratch, "pids"))
      : []) {
      const pid = Number(fs.readFileSync(path.join(scratch, "pids", file), "utf8"));
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
    fake.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  const childPids = () =>
    fs
      .readdirSync(path.join(scratch, "pids"))
      .map((f) => Number(fs.readFileSync(path.join(scratch, "pids", f), "utf8")));

  it("--pulumi-timeout: a hanging export is that stack's error, and its process group (with its child) is ended", async () => {
    const run = await runDrift(["--json", "--stack", "org/p/a", "--pulumi-timeout", "1"], {
      ...env,
      FAKE_PULUMI_MODE: "hang",
    });
    assert.equal(run.code, 1, run.stderr);
    const report = JSON.parse(run.stdout) as { sources: { source: string; error?: string }[] };
    assert.match(
      report.sources[0].error ?? "",
      /^pulumi:org\/p\/a: `pulumi stack export --stack org\/p\/a` did not finish within 1 s, and was stopped with everything it started/,
    );
    const pids = childPids();
    assert.equal(pids.length, 1);
    await waitFor(() => !alive(pids[0]), 5_000, "the export's own child to end");
  });

  it("a `pulumi` that exits leaving a child that holds its output: the export ends at once, and the child with it", async () => {
    const started = Date.now();
    const run = await runDrift(
      ["--json", "--stack", "org/p/a", "--pulumi-timeout", "5"],
      { ...env, FAKE_PULUMI_MODE: "straggler" },
      { timeoutMs: 30_000 },
    );
    const ms = Date.now() - started;
    assert.equal(run.signal, null, `drift ran ${ms} ms and was killed by the test: ${run.stderr}`);
    assert.equal(run.code, 0, run.stderr);
    assert.ok(ms < 5_000, `${ms} ms: it waited for the straggler`);
    const pids = childPids();
    assert.equal(pids.length, 1);
    await waitFor(() => !alive(pids[0]), 2_000, "the straggler to end");
  });

  it("Ctrl-C ends every running export's group: no orphan outlives the command", async () => {
    let drift = 0;
    const done = runDrift(
      ["--all-stacks", "--export-concurrency", "3"],
      {
        ...env,
        FAKE_PULUMI_MODE: "hang",
        FAKE_PULUMI_STACKS: "org/p/a,org/p/b,org/p/c,org/p/d",
      },
      { onSpawn: (pid) => (drift = pid) },
    );
    await waitFor(
      () => fs.readdirSync(path.join(scratch, "pids")).length === 3,
      20_000,
      "three exports to start",
    );
    process.kill(drift, "SIGINT");
    const run = await done;
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted, cleaning up/);
    const pids = childPids();
    assert.equal(pids.length, 3, "the bound: three at once, the fourth never started");
    await waitFor(() => pids.every((pid) => !alive(pid)), 5_000, "every export's child to end");
  });

  it("exports run at most --export-concurrency at once, and more than one at a time", async () => {
    const stacks = Array.from({ length: 8 }, (_, i) => `org/p/s${i}`);
    const run = await runDrift(["--json", "--all-stacks", "--export-concurrency", "3"], {
      ...env,
      FAKE_PULUMI_DELAY_MS: "300",
      FAKE_PULUMI_STACKS: stacks.join(","),
    });
    assert.equal(run.code, 0, run.stderr);
    const events = fs
      .readFileSync(path.join(scratch, "log"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(" "))
      .map(([kind, , at]) => ({ kind, at: Number(at) }))
      .sort((a, b) => a.at - b.at || (a.kind === "end" ? -1 : 1));
    let running = 0;
    let most = 0;
    for (const e of events) {
      running += e.kind === "start" ? 1 : -1;
      most = Math.max(most, running);
    }
    assert.equal(events.filter((e) => e.kind === "start").length, 8);
    assert.ok(most <= 3, `at most 3 at once, saw ${most}`);
    assert.ok(most >= 2, `exports overlap, saw ${most}`);
  });

  it("the CLI's error text never carries a secret of the environment", async () => {
    const run = await runDrift(["--json", "--stack", "org/p/a"], {
      ...env,
      FAKE_PULUMI_MODE: "leak",
      PULUMI_CONFIG_PASSPHRASE: CANARY.configSecret,
      AZURE_STORAGE_KEY: CANARY.accessKey,
      PULUMI_ACCESS_TOKEN: canaryToken("pulumi"),
    });
    assert.equal(run.code, 1);
    assert.match(
      run.stdout,
      /exited 1: error: could not decrypt: passphrase \[redacted\] key \[redacted\] token \[redacted\]/,
    );
    assertNoCanary(run.stdout + run.stderr, "drift's output");
  });

  it("an export larger than --max-state-bytes is stopped at the limit and named", async () => {
    const run = await runDrift(["--json", "--stack", "org/p/a", "--max-state-bytes", "1MiB"], {
      ...env,
      FAKE_PULUMI_MODE: "huge",
    });
    assert.equal(run.code, 1, run.stderr);
    assert.match(run.stdout, /pulumi:org\/p\/a: larger than 1 MiB, the limit for one state source/);
  });

  it("a logged-out CLI, an empty listing and misused flags: exit 1, one clear line each", async () => {
    const out = await runDrift(["--all-stacks"], { ...env, FAKE_PULUMI_MODE: "logged-out" });
    assert.equal(out.code, 1);
    assert.match(
      out.stderr,
      /^gallery-lookup drift: the Pulumi CLI `pulumi` \(on PATH\) is not logged in to a backend \(`pulumi whoami` exited 3: error: PULUMI_ACCESS_TOKEN must be set/,
    );
    const none = await runDrift(["--all-stacks=*/prod"], env);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /`pulumi stack ls --all` lists no stack matching "\*\/prod"/);
    const viaEnv = await runDrift(["--all-stacks"], {
      ...env,
      PATH: "/usr/bin:/bin",
      PULUMI_CLI: fake.binary,
    });
    assert.equal(viaEnv.code, 0, viaEnv.stderr);
    for (const [args, message] of [
      [["x.json", "--show-secrets"], /--show-secrets applies to stacks read through the Pulumi CLI/],
      [
        ["--all-stacks", "--backend", "file:///tmp"],
        /--all-stacks lists stacks through the Pulumi CLI; --backend reads a folder/,
      ],
      [
        ["--stack", "a", "--export-concurrency", "0"],
        /--export-concurrency must be a whole number from 1 to 32/,
      ],
      [["--all-stacks", "--json", "--github"], /--github prints its own report/],
    ] as const) {
      const run = await runDrift([...args], env);
      assert.equal(run.code, 1, args.join(" "));
      assert.match(run.stderr, message);
    }
  });
});
