// `gallery-lookup drift --stack/--all-stacks` through the real Pulumi CLI, on a file:// backend with several
// projects and stacks brought up by `pulumi up` against the emulator: every input form reaches the same
// verdict on the same state, a failing stack does not stop the others, secrets stay out of every format.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import type { DriftReport } from "#internal/drift/driftReport";
import { runDrift, useStacksRig, verdicts, type DriftRun } from "../support/driftCli";
import { lookupsProgram } from "../support/pulumiCli";

const SECRET_GALLERY = "canarySecretGallery7f3a";

describe("real Pulumi CLI: drift over stacks the CLI exports (--stack, --all-stacks)", function () {
  this.timeout(300_000);
  const rig = useStacksRig({
    galleries: ["driftAlphaDev", "driftAlphaProd", "driftBetaDev", SECRET_GALLERY],
    projects: (azure) => ({
      alpha: {
        dev: lookupsProgram(azure.resourceGroupName, { images: { galleryName: "driftAlphaDev" } }),
        prod: lookupsProgram(azure.resourceGroupName, { images: { galleryName: "driftAlphaProd" } }),
      },
      beta: {
        dev: lookupsProgram(azure.resourceGroupName, {
          shared: { galleryName: "driftBetaDev" },
          hidden: { galleryName: SECRET_GALLERY, secret: true },
        }),
      },
    }),
  });

  const json = (run: DriftRun): DriftReport => {
    assert.ok(run.stdout.startsWith("{"), `no JSON report:\n${run.stdout}\n${run.stderr}`);
    return JSON.parse(run.stdout) as DriftReport;
  };

  async function exportText(stack: string, showSecrets = false): Promise<string> {
    const run = await rig.backend.projects.alpha.ok([
      "stack",
      "export",
      "--stack",
      stack,
      ...(showSecrets ? ["--show-secrets"] : []),
    ]);
    return run.stdout;
  }

  const STACKS = ["organization/alpha/dev", "organization/alpha/prod", "organization/beta/dev"];

  /** Every input form over every stack: the verdicts by URN, and the exit codes. */
  async function everyForm(): Promise<
    Record<string, { verdicts: Record<string, unknown>; code: number | null }>
  > {
    const forms: Record<string, { verdicts: Record<string, unknown>; code: number | null }> = {};
    const files: string[] = [];
    const stdinReports: DriftReport[] = [];
    for (const stack of STACKS) {
      const text = await exportText(stack, true);
      const file = path.join(rig.scratch, `${stack.replace(/\//g, "-")}.json`);
      fs.writeFileSync(file, text);
      files.push(file);
      stdinReports.push(json(await runDrift(["--json", "-"], rig.env, { stdin: text })));
    }
    const fileRun = await runDrift(["--json", ...files], rig.env);
    forms.FILE = { verdicts: verdicts(json(fileRun)), code: fileRun.code };
    forms["-"] = {
      verdicts: Object.assign({}, ...stdinReports.map(verdicts)) as Record<string, unknown>,
      code: Math.max(...stdinReports.map((r) => r.exitCode)),
    };
    const backendRun = await runDrift(["--json", "--backend", `file://${rig.backend.backendDir}`], rig.env);
    forms["file://"] = { verdicts: verdicts(json(backendRun)), code: backendRun.code };
    const stackRun = await runDrift(
      ["--json", "--show-secrets", ...STACKS.flatMap((s) => ["--stack", s])],
      rig.env,
    );
    forms["--stack"] = { verdicts: verdicts(json(stackRun)), code: stackRun.code };
    const allRun = await runDrift(["--json", "--show-secrets", "--all-stacks"], rig.env);
    forms["--all-stacks"] = { verdicts: verdicts(json(allRun)), code: allRun.code };
    for (const [form, result] of Object.entries(forms)) {
      // The backend folder holds ciphertext: the secret lookup is unreadable there, as documented.
      const comparable = { ...result.verdicts };
      const reference = { ...forms["--stack"].verdicts };
      if (form === "file://") {
        for (const urn of Object.keys(reference)) if (urn.endsWith("::hidden")) delete reference[urn];
        for (const urn of Object.keys(comparable)) if (urn.endsWith("::hidden")) delete comparable[urn];
      }
      assert.deepEqual(comparable, reference, `${form} reaches the verdict --stack reaches`);
    }
    return forms;
  }

  const statusOf = (v: Record<string, unknown>) =>
    Object.fromEntries(
      Object.entries(v).map(([urn, e]) => [
        urn.split("::").slice(1, 2).concat(urn.split("::").pop()!).join("/") + "@" + urn.split(":")[2],
        (e as { status: string }).status,
      ]),
    );

  it("in sync, drifted and deleted: FILE, -, file://, --stack and --all-stacks reach the same verdicts", async () => {
    let forms = await everyForm();
    assert.deepEqual(Object.values(statusOf(forms["--stack"].verdicts)).sort(), [
      "in_sync",
      "in_sync",
      "in_sync",
      "in_sync",
    ]);
    for (const [form, { code }] of Object.entries(forms)) {
      if (form !== "file://") assert.equal(code, 0, `${form}: in sync exits 0`);
    }

    rig.azure.patchGallery(rig.id("driftAlphaDev"), { tags: { owner: "someone-else" } });
    assert.ok(rig.azure.removeGallery(rig.id("driftAlphaProd")));
    forms = await everyForm();
    const statuses = statusOf(forms["--all-stacks"].verdicts);
    assert.deepEqual(statuses, {
      "alpha/images@dev": "drifted",
      "alpha/images@prod": "deleted",
      "beta/shared@dev": "in_sync",
      "beta/hidden@dev": "in_sync",
    });
    for (const [form, { code }] of Object.entries(forms)) {
      if (form !== "file://") assert.equal(code, 2, `${form}: drift exits 2`);
    }
  });

  it("--all-stacks=GLOB exports only the stacks that match; the sources name each stack", async () => {
    const run = await runDrift(["--json", "--all-stacks=*/dev"], rig.env);
    const report = json(run);
    assert.deepEqual(report.sources.map((s) => s.source).sort(), [
      "pulumi:organization/alpha/dev",
      "pulumi:organization/beta/dev",
    ]);
  });

  it("one stack whose export fails is that source's error; the others are still checked (exit 1)", async () => {
    const run = await runDrift(
      [
        "--json",
        "--stack",
        "organization/alpha/nosuch",
        "--stack",
        "organization/beta/dev",
        "--show-secrets",
      ],
      rig.env,
    );
    assert.equal(run.code, 1, run.stderr);
    const report = json(run);
    const failed = report.sources.find((s) => s.source === "pulumi:organization/alpha/nosuch");
    assert.match(
      failed?.error ?? "",
      /pulumi:organization\/alpha\/nosuch: `pulumi stack export --stack organization\/alpha\/nosuch --show-secrets` exited 6: error: no stack named 'organization\/alpha\/nosuch' found/,
    );
    assert.equal(report.lookups.filter((l) => l.stack === "beta/dev").length, 2);
  });

  it("without --show-secrets a secret argument is unreadable; with it, it is checked and shown in no format", async () => {
    const hidden = await runDrift(["--json", "--stack", "organization/beta/dev"], rig.env);
    const entry = json(hidden).lookups.find((l) => l.urn.endsWith("::hidden"));
    assert.equal(entry?.status, "unreadable");
    assert.equal(entry?.error?.name, "EncryptedStateError");
    assert.match(
      entry?.remedy ?? "",
      /^its arguments or stored outputs are secrets .*: run the check again with --show-secrets/,
    );
    for (const format of [["--json"], ["--markdown"], [], ["--github"]]) {
      const run = await runDrift([...format, "--show-secrets", "--stack", "organization/beta/dev"], {
        ...rig.env,
        GITHUB_ACTIONS: "true",
        GITHUB_STEP_SUMMARY: path.join(rig.scratch, "summary.md"),
      });
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stdout + run.stderr, new RegExp(SECRET_GALLERY, "i"), `${format.join(" ")}`);
    }
    assert.doesNotMatch(
      fs.readFileSync(path.join(rig.scratch, "summary.md"), "utf8"),
      new RegExp(SECRET_GALLERY, "i"),
    );
  });

  it("a CLI that is not logged in, or not there, is named with exit 1 before any stack is read", async () => {
    const loggedOut: NodeJS.ProcessEnv = {
      ...rig.env,
      PULUMI_HOME: path.join(rig.scratch, "empty-home"),
      HOME: rig.scratch,
    };
    delete loggedOut.PULUMI_BACKEND_URL;
    delete loggedOut.PULUMI_ACCESS_TOKEN;
    const out = await runDrift(["--all-stacks"], loggedOut);
    assert.equal(out.code, 1);
    assert.match(
      out.stderr,
      /the Pulumi CLI `pulumi` \(on PATH\) is not logged in to a backend \(`pulumi whoami` exited \d+: .+\): run `pulumi login`/,
    );
    assert.equal(out.stdout, "");

    const missing = await runDrift(["--stack", "organization/alpha/dev"], { ...rig.env, PATH: rig.scratch });
    assert.equal(missing.code, 1);
    assert.match(
      missing.stderr,
      /the Pulumi CLI `pulumi` \(on PATH\) is not found: install it .* --pulumi PATH or PULUMI_CLI/,
    );
    const named = await runDrift(["--stack", "x", "--pulumi", path.join(rig.scratch, "no-pulumi")], rig.env);
    assert.equal(named.code, 1);
    assert.match(named.stderr, /no-pulumi \(--pulumi\) is not found: check the path given by --pulumi/);
  });
});
