// `gallery-lookup drift` spawned as a user runs it: every exit code, every report format, stdin, a
// backend folder, --help, colour and progress only on a terminal, no secret in any output, GETs only.
import { strict as assert } from "node:assert";
import { spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import type { DriftReport } from "#internal/drift/driftReport";
import { DRIFT_SPEC } from "#internal/cli/driftCommand";
import { galleryId } from "#internal/emulator/index";
import {
  baseResources,
  checkpointDocument,
  ciphertext,
  exportDocument,
  gzipBomb,
  lookupAfterUp,
  plaintext,
  useDriftRig,
  writeDocument,
  type Json,
} from "../support/driftState";
import { MAIN, runDrift } from "../support/driftCli";
import { assertNoCanary } from "../support/canaries";
import { assertOnlyGets, canaryEnvironment } from "../support/reliability";

describe("drift: the gallery-lookup drift command", function () {
  this.timeout(60_000);
  const rig = useDriftRig({ prefix: "drift-cli-" });
  const { args } = rig;
  let env: NodeJS.ProcessEnv;
  let inSync: string;
  let drifted: string;
  let unreadable: string;
  const driftName = "cliDrift";

  /** `gallery-lookup drift ARGS`; no output may carry a canary. */
  async function run(args: string[], input?: Buffer, childEnv: NodeJS.ProcessEnv = env) {
    const result = await runDrift(args, childEnv, { stdin: input });
    assertNoCanary(result.stdout + result.stderr, `drift ${args.join(" ")}`);
    return result;
  }

  const stackDoc = (stack: string, galleries: string[]): Promise<Json[]> =>
    rig.stackResources(
      "proj",
      stack,
      galleries.map((g) => [g, args(g)]),
    );

  before(async () => {
    env = { ...process.env, ...canaryEnvironment(rig.azure) };
    delete env.FORCE_COLOR;
    delete env.NO_COLOR;
    rig.seedGallery(driftName, { tags: { env: "prod" }, properties: {} });
    inSync = writeDocument(
      path.join(rig.dir, "dev.json"),
      exportDocument(await stackDoc("dev", ["myGalleryName"])),
    );
    drifted = writeDocument(
      path.join(rig.dir, "prod.json"),
      exportDocument(await stackDoc("prod", [driftName])),
    );
    const secret = await stackDoc("secret", ["myGalleryName"]);
    for (const bag of ["inputs", "outputs"]) (secret[2][bag] as Json).galleryName = ciphertext();
    unreadable = writeDocument(path.join(rig.dir, "secret.json"), exportDocument(secret));
    rig.azure.patchGallery(galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, driftName), {
      tags: { env: "test" },
    });
    rig.azure.clearJournal();
  });

  it("--help lists every flag and operand of the command's spec, with its value and description, and the exit codes", async () => {
    const help = await run(["--help"]);
    assert.equal(help.code, 0);
    // A description wraps under its column: compared with the whitespace folded.
    const folded = help.stdout.replace(/\s+/g, " ");
    for (const flag of DRIFT_SPEC.flags) {
      const shown = `--${flag.name}${flag.helpValue ?? (flag.value === undefined ? "" : ` ${flag.value}`)}`;
      const row = new RegExp(`^  (-${flag.short ?? ""}, )?${shown.replace(/[[\]|=]/g, "\\$&")}  `, "m");
      assert.match(help.stdout, row, `--help has a row for ${shown}`);
      assert.ok(folded.includes(flag.description), `--help describes ${shown}: ${flag.description}`);
    }
    assert.ok(
      DRIFT_SPEC.operands && help.stdout.includes(DRIFT_SPEC.operands),
      `--help shows ${DRIFT_SPEC.operands}`,
    );
    assert.ok(
      DRIFT_SPEC.operandsHelp && folded.includes(DRIFT_SPEC.operandsHelp.description),
      "--help describes the operands",
    );
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
    assert.equal(report.formatVersion, "1.1");
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

  it("--json: a report larger than a pipe holds arrives whole before the process exits (4,000 lookups, ~2 MB)", async () => {
    const resources = await stackDoc("big", ["myGalleryName"]);
    const lookup = resources[resources.length - 1];
    const urn = String(lookup.urn);
    const many = Array.from({ length: 4000 }, (_, i) => ({
      ...lookup,
      urn: `${urn.slice(0, urn.lastIndexOf("::"))}::lookup${i}`,
    }));
    const big = writeDocument(
      path.join(rig.dir, "big.json"),
      exportDocument([...resources.slice(0, -1), ...many]),
    );
    const r = await run(["--json", big]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(r.stdout.length > 1_000_000, `${r.stdout.length} bytes`);
    const report = JSON.parse(r.stdout) as DriftReport;
    assert.equal(report.lookups.length, 4000);
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
    const backend = path.join(rig.dir, "backend");
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
      // --stack without --backend asks the Pulumi CLI, which the next flag is not for.
      [
        ["--stack", "dev", "--export-concurrency", "99", inSync],
        /--export-concurrency must be a whole number from 1 to 32/,
      ],
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
      rig.azure.injectFault({ pathIncludes: "galleries/myGalleryName", delayMs: 1800 });
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

  it("a gzip bomb (3 MB expanding to 3 GiB) is a source error naming it, under --max-state-bytes; the other stacks are still checked", async () => {
    const bomb = path.join(rig.dir, "bomb.json.gz");
    fs.writeFileSync(bomb, gzipBomb(3 * 2 ** 30));
    const r = await run(["--json", "--max-state-bytes", "4MiB", bomb, inSync]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as DriftReport;
    assert.deepEqual(
      report.sources.map((s) => [s.source, s.lookups]),
      [
        [bomb, 0],
        [inSync, 1],
      ],
    );
    assert.match(
      report.sources[0].error ?? "",
      /bomb\.json\.gz: larger than 4 MiB once decompressed, the limit for one state source.*--max-state-bytes/,
    );
    assert.equal(report.sources[1].error, undefined);
    assert.deepEqual(
      report.lookups.map((l) => l.status),
      ["in_sync"],
    );
    const text = await run(["--max-state-bytes", "4M", bomb]);
    assert.match(text.stdout, /^! .*bomb\.json\.gz: larger than 4 MiB once decompressed/m);
  });

  it("plain files and stdin are held to the same limit; 256 MiB by default", async () => {
    const big = path.join(rig.dir, "big.json");
    // Valid state, padded past the limit: its size, not its content, is what is refused.
    fs.writeFileSync(big, fs.readFileSync(inSync, "utf8") + " ".repeat(70 * 1024));
    const file = await run(["--json", "--max-state-bytes", "64KiB", big, drifted]);
    assert.equal(file.code, 1);
    const report = JSON.parse(file.stdout) as DriftReport;
    assert.match(
      report.sources[0].error ?? "",
      /big\.json: larger than 64 KiB, the limit for one state source/,
    );
    assert.deepEqual(
      report.lookups.map((l) => l.status),
      ["drifted"],
    );
    const stdin = await run(["--json", "--max-state-bytes", "65536", "-"], fs.readFileSync(big));
    assert.equal(stdin.code, 1);
    assert.match((JSON.parse(stdin.stdout) as DriftReport).sources[0].error ?? "", /^-: larger than 64 KiB/);
    // A sparse file one byte past the default: refused by its size, before a byte is read.
    const sparse = path.join(rig.dir, "sparse.json");
    fs.writeFileSync(sparse, "");
    fs.truncateSync(sparse, 256 * 2 ** 20 + 1);
    const byDefault = await run([sparse]);
    assert.equal(byDefault.code, 1);
    assert.match(byDefault.stdout, /sparse\.json: larger than 256 MiB, the limit/);
    fs.rmSync(sparse);
    for (const bad of ["0", "1TiB", "600MiB", "12 parsecs", "-5"]) {
      const usage = await run([`--max-state-bytes=${bad}`, inSync]);
      assert.equal(usage.code, 1, bad);
      assert.match(usage.stderr, /--max-state-bytes must be a number of bytes from 1 to 512MiB/, bad);
    }
  });

  it("symbolic links and special files in a backend folder are reported as skipped, with the reason, and fail the run", async function () {
    if (spawnSync("mkfifo", ["--version"]).status !== 0) this.skip();
    const backend = path.join(rig.dir, "backend-odd");
    const stacks = path.join(backend, ".pulumi", "stacks", "proj");
    writeDocument(
      path.join(stacks, "dev.json"),
      checkpointDocument("organization/proj/dev", await stackDoc("dev", ["myGalleryName"])),
    );
    fs.symlinkSync(inSync, path.join(stacks, "linked.json"));
    assert.equal(spawnSync("mkfifo", [path.join(stacks, "piped.json")]).status, 0);
    fs.symlinkSync(stacks, path.join(backend, ".pulumi", "stacks", "elsewhere"));
    const r = await run(["--json", "--backend", backend]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    const report = JSON.parse(r.stdout) as DriftReport;
    assert.deepEqual(
      report.sources.map((s) => [path.basename(s.source), s.lookups, s.skipped?.split(":")[0]]),
      [
        ["elsewhere", 0, "a symbolic link"],
        ["dev.json", 1, undefined],
        ["linked.json", 0, "a symbolic link"],
        ["piped.json", 0, "a named pipe (FIFO), not a state file"],
      ],
    );
    assert.deepEqual(
      report.lookups.map((l) => l.status),
      ["in_sync"],
    );
    const text = await run(["--backend", backend]);
    assert.match(text.stdout, /^! skipped .*linked\.json: a symbolic link: not followed/m);
    assert.match(text.stdout, /^! skipped .*piped\.json: a named pipe/m);
    const md = await run(["--markdown", "--backend", backend]);
    assert.match(md.stdout, /^- \*\*Skipped state:\*\* `.*piped\.json`: `a named pipe/m);
    // Naming the one good stack reads it alone, and nothing is skipped.
    assert.equal((await run(["--backend", backend, "--stack", "proj/dev"])).code, 0);
  });

  it("a stale emulator environment (nothing listens on its port) is named at once, as preview names it", async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const origin = `https://127.0.0.1:${port}`;
    const stale = { ...env, AZURE_RESOURCE_MANAGER_ENDPOINT: origin, AZURE_AUTHORITY_HOST: origin };
    const r = await run([inSync], undefined, stale);
    assert.equal(r.code, 1);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      new RegExp(
        `AZURE_RESOURCE_MANAGER_ENDPOINT=${origin} names a local emulator, but nothing listens on 127\\.0\\.0\\.1:${port}: start it`,
      ),
    );
    assert.doesNotMatch(r.stderr, /sign|credential|token/i);
    // The same check, so the same reason, as `preview` gives (it fails there before running anything).
    const preview = spawnSync(process.execPath, [MAIN, "preview", path.join(__dirname, "..", "..", "..")], {
      env: stale,
      encoding: "utf8",
    });
    assert.equal(preview.status, 1);
    assert.ok(preview.stderr.includes(`but nothing listens on 127.0.0.1:${port}`), preview.stderr);
  });

  describe("--show-secrets exports: no secret value in any report or log line", () => {
    // Every field of a lookup that can be a secret, each holding a canary of its own.
    const secret = {
      invalidName: "canaryBADNAME-9f31!",
      deletedId: "",
      subscription: "c4a7a1e5-5ec7-4e70-9000-00000000c0de",
      resourceGroup: "canaryRG-47d1",
      galleryName: "canaryGALLERY3b6e",
      tagKey: "canaryTAGKEY-18aa",
      tagValue: "canaryTAGVALUE-e40c",
      description: "canaryDESCRIPTION-77b0",
      newDescription: "canaryNEWDESCRIPTION-2c5d",
      // Options and cloud: fixed spellings, so the check is that they show nowhere, log lines included.
      expand: "SharingProfile/Groups",
      environment: "AzurePublicCloud",
    };
    let files: string[] = [];
    const canaries = () => Object.values(secret).filter(Boolean);
    /** Wraps the named properties of a lookup resource (inputs and outputs) as --show-secrets plaintext. */
    const secretly = (resource: Json, keys: string[], values: Json = {}): Json => {
      for (const bag of ["inputs", "outputs"]) {
        const props = resource[bag] as Json;
        for (const key of keys) {
          const value = key in values ? values[key] : props[key];
          if (value !== undefined) props[key] = plaintext(value);
        }
      }
      return resource;
    };

    before(async () => {
      const sub = rig.azure.subscriptionId;
      const rg = rig.azure.resourceGroupName;
      for (const name of ["canaryDeleted5ec", secret.galleryName])
        rig.seedGallery(name, { tags: { env: "prod" }, properties: { description: secret.description } });
      const resources = baseResources("proj", "secrets");
      const up = (name: string, a: Record<string, string>) =>
        lookupAfterUp(rig.client, { project: "proj", stack: "secrets", name }, a as never);
      // A secret gallery name that breaks ARM's naming rule: never quoted in the message.
      resources.push(
        secretly(await up("badName", args("myGalleryName")), ["galleryName"], {
          galleryName: secret.invalidName,
        }),
      );
      // A secret resource id of a gallery since deleted: not in galleryId, nor as the deleted `before`.
      const deleted = await up("deletedId", args("canaryDeleted5ec"));
      secret.deletedId = String((deleted.outputs as Json).resourceId);
      resources.push(secretly(deleted, ["resourceId"]));
      // A secret subscription ARM does not know: not in galleryId, nor in ARM's 404 text.
      const subscription = await up("subscription", args("myGalleryName"));
      resources.push(secretly(subscription, ["subscriptionId"], { subscriptionId: secret.subscription }));
      (subscription.outputs as Json).resourceId = String((subscription.outputs as Json).resourceId).replace(
        sub,
        secret.subscription,
      );
      subscription.id = (subscription.outputs as Json).resourceId;
      // A secret resource group that does not exist.
      resources.push(
        secretly(await up("resourceGroup", args("myGalleryName")), ["resourceGroupName"], {
          resourceGroupName: secret.resourceGroup,
        }),
      );
      // A secret gallery name that exists, with secret tags and description that drift: the name is
      // also in the (plain) resourceId, id and name outputs, as Pulumi leaves them.
      const tagged = await up("tagged", args(secret.galleryName));
      (tagged.outputs as Json).tags = { [secret.tagKey]: secret.tagValue };
      resources.push(secretly(tagged, ["galleryName", "tags", "description"]));
      // Secret options and cloud, in sync.
      const options = { ...args("myGalleryName"), expand: secret.expand, environment: secret.environment };
      resources.push(secretly(await up("options", options), ["expand", "environment"]));
      rig.azure.removeGallery(galleryId(sub, rg, "canaryDeleted5ec"));
      rig.azure.patchGallery(galleryId(sub, rg, secret.galleryName), {
        tags: { env: "test" },
        properties: { description: secret.newDescription },
      });
      files = [writeDocument(path.join(rig.dir, "secrets.json"), exportDocument(resources))];
    });

    for (const format of ["terminal", "--json", "--markdown"]) {
      it(`${format}: every secret withheld, in the report, on stderr and in the verbose log`, async () => {
        const r = await run([...(format === "terminal" ? [] : [format]), ...files], undefined, {
          ...env,
          AZURE_LOG_LEVEL: "verbose",
        });
        assert.equal(r.code, 1, r.stderr);
        for (const canary of canaries()) {
          for (const form of [
            canary,
            canary.toLowerCase(),
            canary.toUpperCase(),
            encodeURIComponent(canary),
          ]) {
            assert.ok(!r.stdout.includes(form), `${format}: ${canary} in the report:\n${r.stdout}`);
            assert.ok(!r.stderr.includes(form), `${format}: ${canary} on stderr`);
          }
        }
        assert.ok(r.stdout.includes("[secret]"), "withheld values are marked");
        assert.match(r.stderr, /azure:gallery-lookup/, "the verbose log was written, and scrubbed");
      });
    }

    it("--json marks what it withheld: sensitive changes, galleryId and error messages", async () => {
      const r = await run(["--json", ...files]);
      const report = JSON.parse(r.stdout) as DriftReport;
      const byName = Object.fromEntries(report.lookups.map((l) => [l.urn.split("::").pop(), l]));
      assert.equal(byName.badName.status, "unreadable");
      assert.match(
        byName.badName.error?.message ?? "",
        /^galleryName: must be 1 to 80 characters.*\(got a secret value, withheld\)$/,
      );
      assert.equal(byName.deletedId.status, "deleted");
      assert.equal(byName.deletedId.galleryId, "[secret]");
      assert.deepEqual(byName.deletedId.changes, [
        { path: ["resourceId"], before: "[secret]", sensitive: true },
      ]);
      assert.deepEqual(byName.deletedId.sensitiveFields, ["galleryId"]);
      for (const name of ["subscription", "resourceGroup"]) {
        assert.equal(byName[name].status, "deleted", name);
        assert.match(byName[name].error?.message ?? "", /\[secret\]/, name);
        assert.ok(byName[name].sensitiveFields?.includes("error.message"), name);
      }
      assert.match(byName.subscription.galleryId, /^\/subscriptions\/\[secret\]\/resourceGroups\//);
      assert.equal(byName.subscription.error?.code, "SubscriptionNotFound");
      assert.equal(byName.tagged.status, "drifted");
      assert.match(byName.tagged.galleryId, /\/galleries\/\[secret\]$/);
      assert.deepEqual(byName.tagged.changes, [
        { path: ["tags"], before: "[secret]", after: "[secret]", sensitive: true },
        { path: ["description"], before: "[secret]", after: "[secret]", sensitive: true },
      ]);
      assert.equal(byName.options.status, "in_sync");
    });
  });

  it("sent nothing but GETs to ARM", () => {
    assertOnlyGets(rig.azure);
    assert.ok(rig.azure.journal().filter((e) => e.kind === "arm").length > 0);
  });
});
