// `gallery-lookup drift` spawned as a user runs it: every exit code, every report format, stdin, a
// backend folder, --help, colour and progress only on a terminal, no secret in any output, GETs only.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import type { ArmClient } from "#internal/arm/armClient";
import type { DriftReport } from "#internal/drift/checkDrift";
import { galleryId, type EmulatorHandle } from "#internal/emulator/index";
import {
  baseResources,
  checkpointDocument,
  ciphertext,
  exportDocument,
  lookupAfterUp,
  writeDocument,
  type Json,
} from "../support/driftState";
import {
  assertNoCanary,
  assertOnlyGets,
  canaryEnvironment,
  emulatorClient,
  startCanaryEmulator,
} from "../support/reliability";

const MAIN = path.join(__dirname, "..", "..", "..", "dist", "cli", "main.js");

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe("drift: the gallery-lookup drift command", function () {
  this.timeout(60_000);
  let azure: EmulatorHandle;
  let client: ArmClient;
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let inSync: string;
  let drifted: string;
  let unreadable: string;
  const driftName = "cliDrift";

  function run(args: string[], input?: Buffer): Promise<Run> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [MAIN, "drift", ...args], {
        env,
        stdio: ["pipe", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
      child.on("error", reject);
      child.on("close", (code) => {
        const result = { code, stdout, stderr };
        assertNoCanary(stdout + stderr, `drift ${args.join(" ")}`);
        resolve(result);
      });
      child.stdin.end(input);
    });
  }

  const args = (galleryName: string) => ({
    subscriptionId: azure.subscriptionId,
    resourceGroupName: azure.resourceGroupName,
    galleryName,
  });

  async function stackDoc(stack: string, galleries: string[]): Promise<Json[]> {
    const resources = baseResources("proj", stack);
    for (const g of galleries)
      resources.push(await lookupAfterUp(client, { project: "proj", stack, name: g }, args(g)));
    return resources;
  }

  before(async () => {
    azure = await startCanaryEmulator();
    client = emulatorClient(azure);
    env = { ...process.env, ...canaryEnvironment(azure) };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "drift-cli-"));
    azure.putGallery({
      subscriptionId: azure.subscriptionId,
      resourceGroupName: azure.resourceGroupName,
      gallery: { name: driftName, location: "westus", tags: { env: "prod" }, properties: {} },
    });
    inSync = writeDocument(
      path.join(dir, "dev.json"),
      exportDocument(await stackDoc("dev", ["myGalleryName"])),
    );
    drifted = writeDocument(path.join(dir, "prod.json"), exportDocument(await stackDoc("prod", [driftName])));
    const secret = await stackDoc("secret", ["myGalleryName"]);
    for (const bag of ["inputs", "outputs"]) (secret[2][bag] as Json).galleryName = ciphertext();
    unreadable = writeDocument(path.join(dir, "secret.json"), exportDocument(secret));
    azure.patchGallery(galleryId(azure.subscriptionId, azure.resourceGroupName, driftName), {
      tags: { env: "test" },
    });
    azure.clearJournal();
  });
  after(async () => {
    client?.close();
    await azure?.close();
  });

  it("--help documents every flag and the exit codes", async () => {
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    for (const flag of [
      "--backend",
      "--stack",
      "--json",
      "--markdown",
      "--no-color",
      "--quiet",
      "--ignore-field",
      "--ignore-lookup",
      "--unreadable",
      "--concurrency",
      "FILE...",
      "`-`",
    ]) {
      assert.ok(help.stdout.includes(flag), `--help mentions ${flag}`);
    }
    assert.match(help.stdout, /0 {2}no drift[\s\S]*2 {2}drift found[\s\S]*1 {2}error/);
    const main = spawnSync(process.execPath, [MAIN, "--help"], { encoding: "utf8" });
    assert.match(
      main.stdout,
      /^ {2}drift +Check every GalleryLookup in Pulumi state for drift/m,
      "the command list names drift",
    );
    const viaHelp = spawnSync(process.execPath, [MAIN, "help", "drift"], { encoding: "utf8" });
    assert.equal(viaHelp.stdout, help.stdout, "`gallery-lookup help drift` shows the same text");
  });

  it("exit 0: no drift; a plain report without colour when stdout is not a terminal, nothing on stderr", async () => {
    const r = await run([inSync]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.match(r.stdout, /1 lookup\(s\) in 1 stack\(s\), 1 gallery read\(s\): 0 drifted.*1 in sync/);
    assert.match(r.stdout, /exit 0: no drift/);
    assert.ok(!r.stdout.includes("\u001b["), "no ANSI colour off a terminal");
    assert.equal(r.stderr, "", "no progress off a terminal");
  });

  it("exit 2: drift, in the terminal report (before ⇒ after)", async () => {
    const r = await run([inSync, drifted]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stdout, /~ drifted: proj\/prod cliDrift/);
    assert.match(r.stdout, /tags\.env: "prod" ⇒ "test"/);
    assert.match(r.stdout, /exit 2: drift found/);
  });

  it("--json: the versioned schema, one entry per lookup, nothing else on stdout", async () => {
    const r = await run(["--json", inSync, drifted, unreadable]);
    assert.equal(r.code, 1);
    const report = JSON.parse(r.stdout) as DriftReport;
    assert.equal(report.formatVersion, "1.0");
    assert.equal(report.exitCode, 1);
    assert.deepEqual(
      report.lookups.map((l) => [l.stack, l.status]),
      [
        ["proj/dev", "in_sync"],
        ["proj/prod", "drifted"],
        ["proj/secret", "unreadable"],
      ],
    );
    assert.deepEqual(report.lookups[1].changes, [
      { path: ["tags", "env"], before: "prod", after: "test", sensitive: false },
    ]);
    assert.match(report.lookups[2].remedy ?? "", /--show-secrets/);
    assert.ok(!Number.isNaN(Date.parse(report.checkedAt)));
  });

  it("--markdown: a heading, the summary and a table row per lookup needing attention", async () => {
    const r = await run(["--markdown", inSync, drifted]);
    assert.equal(r.code, 2);
    assert.match(r.stdout, /^### Gallery lookup drift: 1 of 2 lookup\(s\) drifted/);
    assert.match(
      r.stdout,
      /\| drifted \| `proj\/prod` \| `cliDrift` \| `\/subscriptions\/.*\/galleries\/cliDrift` \| `tags\.env: "prod" ⇒ "test"` \|/,
    );
    assert.ok(!r.stdout.includes("myGalleryName`"), "in-sync lookups are counted, not listed");
  });

  it("exit 1 for an unreadable lookup, unless --unreadable warn; --ignore-field turns drift into exit 0", async () => {
    const strict = await run([unreadable]);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /\? unreadable: proj\/secret/);
    assert.match(strict.stdout, /remedy: .*pulumi stack export --show-secrets/);
    assert.equal((await run(["--unreadable", "warn", unreadable])).code, 0);
    assert.equal((await run(["--ignore-field=tags", drifted])).code, 0);
    assert.equal((await run(["--ignore-lookup", "*cliDrift*", drifted])).code, 0);
  });

  it("reads standard input with `-`, and a backend folder with --backend and --stack", async () => {
    const r = await run(["-", "--quiet"], fs.readFileSync(drifted));
    assert.equal(r.code, 2, r.stdout + r.stderr);
    const backend = path.join(dir, "backend");
    writeDocument(
      path.join(backend, ".pulumi", "stacks", "proj", "dev.json.gz"),
      checkpointDocument("organization/proj/dev", await stackDoc("dev", ["myGalleryName"])),
    );
    writeDocument(
      path.join(backend, ".pulumi", "stacks", "proj", "prod.json"),
      // The state of before the drift, as the export file holds it.
      checkpointDocument(
        "organization/proj/prod",
        JSON.parse(fs.readFileSync(drifted, "utf8")).deployment.resources,
      ),
    );
    assert.equal((await run(["--backend", `file://${backend}`])).code, 2);
    assert.equal((await run(["--backend", `file://${backend}`, "--stack", "proj/dev"])).code, 0);
    const unknown = await run(["--backend", backend, "--stack", "nope"]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /no stack "nope"/);
  });

  it("exit 1 for bad usage, naming the flag and the rule", async () => {
    const cases: [string[], RegExp][] = [
      [[], /no state given/],
      [["--json", "--markdown", inSync], /--json and --markdown cannot be combined/],
      [["--unreadable", "maybe", inSync], /--unreadable must be "error" or "warn"/],
      [["--concurrency", "0", inSync], /--concurrency must be a whole number from 1 to 256/],
      [["--stack", "dev", inSync], /--stack needs --backend/],
      [["--frobnicate", inSync], /unknown option '--frobnicate' for 'drift'/],
    ];
    for (const [argv, message] of cases) {
      const r = await run(argv);
      assert.equal(r.code, 1, argv.join(" "));
      assert.match(r.stderr, message);
      assert.equal(r.stdout, "");
    }
  });

  it("colour and progress on a terminal only (a pseudo-terminal via script(1)); --quiet hides progress", async function () {
    if (spawnSync("script", ["--version"]).status !== 0) this.skip();
    // A slow answer makes the run last past the one second after which progress shows.
    const slowEnv = { ...env, GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "10000" };
    const inTty = (extra: string): Promise<{ status: number | null; stdout: string }> => {
      azure.injectFault({ pathIncludes: "galleries/myGalleryName", delayMs: 1800 });
      const command = `${JSON.stringify(process.execPath)} ${JSON.stringify(MAIN)} drift ${extra} ${JSON.stringify(inSync)}`;
      // Asynchronously: the emulator answers from this process.
      const child = spawn("script", ["-qec", command, "/dev/null"], {
        env: slowEnv,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
      return new Promise((resolve) => child.on("close", (status) => resolve({ status, stdout })));
    };
    const tty = await inTty("");
    assert.equal(tty.status, 0, tty.stdout);
    assert.ok(tty.stdout.includes("\u001b[32m"), "colour on a terminal");
    assert.match(tty.stdout, /galleries read/, "progress on a terminal after a second");
    const quiet = await inTty("--quiet --no-color");
    assert.equal(quiet.status, 0);
    assert.ok(!quiet.stdout.includes("galleries read"), "--quiet: no progress");
    assert.ok(!quiet.stdout.includes("\u001b[3"), "--no-color: no colour");
  });

  it("sent nothing but GETs to ARM", () => {
    assertOnlyGets(azure);
    assert.ok(azure.journal().filter((e) => e.kind === "arm").length > 0);
  });
});
