// The README's first way to try a program offline, and `gallery-lookup preview/up DIR`, with the real Pulumi CLI:
// `eval "$(gallery-lookup emulator --detach)"` then `pulumi preview`; and preview/up DIR handing the project to
// the CLI it finds (PULUMI_CLI here), in a copy, so the user's folder is never written to.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  CLI,
  isolatedEnv,
  runCli,
  USER_GALLERY,
  USER_GROUP,
  USER_SUBSCRIPTION,
  writeProject,
} from "../support/cliProject";
import { installedProgram } from "../support/engineInstall";
import { alive } from "../support/processes";
import { requirePulumi } from "../support/pulumiCli";

const digest = (file: string) => createHash("sha256").update(fs.readFileSync(file)).digest("hex");

describe("real Pulumi CLI: trying a program offline", function () {
  this.timeout(180_000);
  let binary: string;
  let home: string;
  let offline: NodeJS.ProcessEnv;

  before(function () {
    binary = requirePulumi(this);
    home = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-offline-home-"));
    offline = {
      PULUMI_HOME: path.join(home, ".pulumi"),
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
      PULUMI_CONFIG_PASSPHRASE: "readme-walkthrough",
    };
  });
  after(() => {
    if (home) fs.rmSync(home, { recursive: true, force: true });
  });

  it('README: eval "$(gallery-lookup emulator --detach)", then pulumi preview; kill stops the emulator', () => {
    const { dir } = writeProject();
    fs.symlinkSync(
      path.join(installedProgram().dir, "node_modules"),
      path.join(dir, "node_modules"),
      "junction",
    );
    const backend = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-offline-backend-"));
    try {
      const script = [
        `eval "$(node ${JSON.stringify(CLI)} emulator --seed ../seed.json --detach)"`,
        `echo "emulator pid $GALLERY_LOOKUP_EMULATOR_PID ca $NODE_EXTRA_CA_CERTS"`,
        `pulumi login --non-interactive file://${backend} >/dev/null`,
        `pulumi stack select --create dev --non-interactive >/dev/null`,
        `pulumi preview --non-interactive`,
        `status=$?`,
        `kill $GALLERY_LOOKUP_EMULATOR_PID`,
        `exit $status`,
      ].join("\n");
      const run = spawnSync("sh", ["-c", script], {
        cwd: dir,
        encoding: "utf8",
        timeout: 150_000,
        env: isolatedEnv({
          ...offline,
          HOME: home,
          PATH: [path.dirname(binary), path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
        }),
      });
      assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
      assert.match(
        run.stdout,
        new RegExp(`uniqueName\\s*:\\s*"${USER_SUBSCRIPTION}-${USER_GALLERY.toUpperCase()}"`),
      );
      const [, pid, ca] = /emulator pid (\d+) ca (\S+)/.exec(run.stdout) ?? [];
      const stopped = Date.now() + 10_000;
      while (alive(Number(pid)) && Date.now() < stopped) spawnSync("sleep", ["0.2"]);
      assert.equal(alive(Number(pid)), false, "kill $GALLERY_LOOKUP_EMULATOR_PID stopped the emulator");
      assert.equal(fs.existsSync(path.dirname(ca)), false, "and it removed its CA folder");
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
      fs.rmSync(backend, { recursive: true, force: true });
    }
  });

  describe("gallery-lookup preview/up DIR hands the project to the Pulumi CLI it finds", () => {
    let azure: EmulatorHandle;
    let dir: string;
    let env: NodeJS.ProcessEnv;

    before(async () => {
      ({ dir } = writeProject());
      azure = await startEmulator({ seed: path.join(path.dirname(dir), "seed.json") });
      env = isolatedEnv({ ...azure.environment(), ...offline, HOME: home, PULUMI_CLI: binary });
    });
    after(async () => {
      await azure?.close();
      if (dir) fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    });

    it("preview runs Pulumi's engine (its report and exit code) and writes nothing into the project", async () => {
      const before = digest(path.join(dir, "Pulumi.dev.yaml"));
      const files = fs.readdirSync(dir).sort();
      const run = await runCli(["preview", dir], env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.match(run.stderr, /with the Pulumi CLI at .* \(v3\.\d+\.\d+\)/);
      assert.match(run.stdout, /Previewing update \(dev\)/);
      assert.match(
        run.stdout,
        new RegExp(`uniqueName\\s*:\\s*"${USER_SUBSCRIPTION}-${USER_GALLERY.toUpperCase()}"`),
      );
      assert.equal(digest(path.join(dir, "Pulumi.dev.yaml")), before, "the stack file is untouched");
      assert.deepEqual(
        fs.readdirSync(dir).sort(),
        [...files, ".gallery-lookup"].sort(),
        "only the state folder is added",
      );
    });

    it("up, then a change in Azure: preview --expect-no-changes exits 7, as pulumi does; --json is Pulumi's JSON", async () => {
      const up = await runCli(["up", dir], env);
      assert.equal(up.code, 0, up.stdout + up.stderr);
      const same = await runCli(["preview", dir, "--expect-no-changes"], env);
      assert.equal(same.code, 0, same.stdout + same.stderr);
      azure.patchGallery(galleryId(USER_SUBSCRIPTION, USER_GROUP, USER_GALLERY), {
        tags: { owner: "someone-else" },
      });
      const drift = await runCli(["preview", dir, "--expect-no-changes"], env);
      assert.equal(drift.code, 7, drift.stdout + drift.stderr);
      assert.match(drift.stdout, /GalleryLookup images update \[diff: [+~]tags\]/);
      const json = await runCli(["preview", dir, "--json"], env);
      assert.equal(json.code, 0, json.stderr);
      const doc = JSON.parse(json.stdout) as { steps: { op: string; urn: string }[] };
      assert.equal(doc.steps.find((s) => s.urn.endsWith("::images"))?.op, "update");
    });

    it("--engine embedded previews a new stack on the in-memory engine instead (the CLI's state aside); up is refused", async () => {
      const run = await runCli(["preview", dir, "--engine", "embedded"], env);
      assert.equal(run.code, 0, run.stdout + run.stderr);
      assert.doesNotMatch(run.stderr, /with the Pulumi CLI/);
      // The up above left a stack in the CLI's file backend: the embedded engine keeps no state and reads none.
      assert.match(run.stdout, /^Previewing update \(dev\) of .*, against a new stack and /m);
      assert.match(
        run.stdout,
        /This is an offline run on a local emulator, not a replacement for the Pulumi CLI/,
      );
      const up = await runCli(["up", dir, "--engine", "embedded"], env);
      assert.equal(up.code, 2, up.stdout + up.stderr);
      assert.match(up.stderr, /up --engine embedded: the embedded engine only previews a new stack; /);
    });

    it("--engine pulumi without a CLI is a usage error naming what to set", async () => {
      const run = await runCli(["preview", dir, "--engine", "pulumi"], {
        ...env,
        PULUMI_CLI: "",
        PATH: "/usr/bin:/bin",
      });
      assert.equal(run.code, 2, run.stderr);
      assert.match(
        run.stderr,
        /--engine pulumi: no Pulumi CLI 3\.226\.0 or newer \(set PULUMI_CLI, or put pulumi on PATH\)/,
      );
    });
  });
});
