// docs/first-project.md, as written, under the real Pulumi CLI: its Pulumi.yaml, tsconfig.json and
// index.ts in an empty folder, then its steps (pulumi login --local, the passphrase, stack init, the
// emulator, preview, up, drift) in one `sh -e`, in a network namespace with loopback only. Once with the
// oldest and once with the newest TypeScript the page supports, each installed from npm into a cache
// folder the first time (Pulumi's runtime type-checks the program with the project's own typescript).
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readDocBlocks } from "../docs/docBlocks";
import { installedProgram, REPO_ROOT } from "../support/engineInstall";
import { cliPath, requirePulumi } from "../support/pulumiCli";

/** The oldest 5.x and the newest 6.x the page names (`npm view typescript versions`). */
const TYPESCRIPT_VERSIONS = ["5.0.4", "6.0.3"];
const TYPESCRIPT_CACHE = path.join(os.homedir(), ".cache", "pulumi-azure-gallery-lookup", "typescript");

/** node_modules/typescript of that version, installed from npm into the cache the first time. */
function typescriptAt(version: string): string {
  const dir = path.join(TYPESCRIPT_CACHE, version);
  const installed = path.join(dir, "node_modules", "typescript");
  if (!fs.existsSync(path.join(installed, "package.json"))) {
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "package.json"), '{ "private": true }\n');
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", `typescript@${version}`], {
      cwd: dir,
      stdio: "ignore",
    });
  }
  const found = (
    JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { version: string }
  ).version;
  assert.equal(found, version);
  return installed;
}

const page = readDocBlocks(REPO_ROOT).filter((b) => b.file === "docs/first-project.md");
const block = (lang: string, test: RegExp) => {
  const found = page.find((b) => b.lang === lang && test.test(b.code));
  assert.ok(found, `docs/first-project.md has a ${lang} block matching ${test}`);
  return found.code;
};

describe("docs/first-project.md under the real Pulumi CLI", function () {
  this.timeout(600_000);
  let pulumi: string;
  const folders: string[] = [];

  before(function () {
    pulumi = requirePulumi(this);
  });
  after(() => {
    for (const dir of folders) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const version of TYPESCRIPT_VERSIONS) {
    it(`TypeScript ${version}: preview, up and drift, as written`, async () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-first-project-"));
      folders.push(root);
      const dir = path.join(root, "gallery-app");
      const home = path.join(root, "home");
      fs.mkdirSync(home);
      fs.mkdirSync(path.join(dir, "node_modules", ".bin"), { recursive: true });
      // What the page's npm install leaves: the package and @pulumi/pulumi, typescript and @types/node.
      const installed = path.join(installedProgram().dir, "node_modules");
      for (const name of fs.readdirSync(installed).filter((n) => n !== ".bin"))
        fs.symlinkSync(path.join(installed, name), path.join(dir, "node_modules", name));
      fs.symlinkSync(typescriptAt(version), path.join(dir, "node_modules", "typescript"));
      fs.symlinkSync("../typescript/bin/tsc", path.join(dir, "node_modules", ".bin", "tsc"));
      if (!fs.existsSync(path.join(dir, "node_modules", "@types")))
        fs.symlinkSync(
          path.join(REPO_ROOT, "node_modules", "@types"),
          path.join(dir, "node_modules", "@types"),
        );
      const main = path.join(installed, "pulumi-azure-gallery-lookup", "dist", "cli", "main.js");
      fs.writeFileSync(
        path.join(dir, "node_modules", ".bin", "gallery-lookup"),
        `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`,
        { mode: 0o755 },
      );
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify(
          {
            name: "gallery-app",
            main: "index.ts",
            dependencies: { "pulumi-azure-gallery-lookup": "*", "@pulumi/pulumi": "*" },
            devDependencies: { typescript: version, "@types/node": "*" },
          },
          null,
          2,
        ),
      );
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), `${block("yaml", /^name: /m)}\n`);
      fs.writeFileSync(path.join(dir, "tsconfig.json"), `${block("json", /compilerOptions/)}\n`);
      fs.writeFileSync(path.join(dir, "index.ts"), `${block("ts", /new GalleryLookup\(/)}\n`);
      // The page's steps, then up to 10 s for the emulator the last one stopped to remove its folder: the
      // namespace's end kills whatever is left at once.
      fs.writeFileSync(
        path.join(dir, "steps.sh"),
        `${block("sh", /pulumi login --local/)}\n` +
          // Its folder, not its pid: in the namespace, an exited emulator can stay a zombie of `sh`.
          'for i in $(seq 100); do ls -d "$TMPDIR"/gallery-lookup-emulator-* >/dev/null 2>&1 || break; sleep 0.1; done\n',
      );
      const tmp = path.join(root, "tmp");
      fs.mkdirSync(tmp);

      const env: NodeJS.ProcessEnv = {
        PATH: cliPath(pulumi),
        HOME: home,
        TMPDIR: tmp,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        npm_config_offline: "true",
        npm_config_update_notifier: "false",
      };
      const run = await new Promise<{ code: number | null; out: string }>((resolve) => {
        execFile(
          "unshare",
          [
            ...["-r", "-n", "-m", "-p", "-f", "--kill-child", "sh", "-c"],
            // `pulumi login --local` is file://~, the user's home from the password database, not $HOME:
            // the temporary home is mounted over it (with the real ~/.cache, which holds the CLI built for
            // the tests), so the state stays in the test's folder.
            'ip link set lo up; mkdir -p "$HOME/.cache"; mount --bind ~root/.cache "$HOME/.cache"; ' +
              'mount --rbind "$HOME" ~root; exec sh -e steps.sh',
          ],
          { cwd: dir, env, timeout: 540_000, maxBuffer: 64 * 1024 * 1024 },
          (error, stdout, stderr) =>
            resolve({ code: error ? ((error as { code?: number }).code ?? null) : 0, out: stdout + stderr }),
        );
      });
      assert.equal(run.code, 0, run.out);
      // preview and up show the value read from the emulator, and the drift check finds none.
      assert.match(run.out, /uniqueName\s*:\s*"[^"]+"/, run.out);
      assert.match(run.out, /\+ 2 to create/, run.out);
      assert.match(run.out, /\+ 2 created/, run.out);
      assert.match(run.out, /1 lookup\(s\) in 1 stack\(s\), 1 gallery read\(s\): 0 drifted/, run.out);
      assert.match(run.out, /exit 0: no drift/, run.out);
      // The emulator the page stopped left nothing behind: no folder, and no CA key in one.
      assert.deepEqual(
        fs.readdirSync(tmp).filter((name) => name.startsWith("gallery-lookup-emulator-")),
        [],
      );
      const state = fs
        .readdirSync(path.join(home, ".pulumi"), { recursive: true, encoding: "utf8" })
        .filter((f) => /(^|\/)stacks\/.*dev\.json$/.test(f));
      assert.equal(state.length, 1, "the stack's state, in the local backend under the (temporary) home");
    });
  }
});
