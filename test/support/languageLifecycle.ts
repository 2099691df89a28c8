// The lifecycle every language's program must show on the plugin's GalleryLookup, as one suite that each
// language fills with a driver: a child process that runs one step (preview, up, refresh, destroy) of an
// inline Automation API program, or a CLI project, and prints one JSON line of what it saw. The suite runs
// the steps in order against the emulator, under the real CLI, and reads the emulator's journal itself.
import { strict as assert } from "node:assert";
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { REPO_ROOT } from "./engineInstall";
import { armRequestsSeen, cliPath, requirePulumi, temporaryFolder } from "./pulumiCli";

/** One step a driver runs. */
export type LifecycleAction = "preview" | "preview-expect-no-changes" | "up" | "refresh" | "destroy";

/** The JSON line a driver prints. */
export interface DriverResult {
  action: LifecycleAction;
  /** Operation → count: the preview's change summary, or the update's resource changes. */
  changes?: Record<string, number>;
  /** The stack outputs after `up`. */
  outputs?: Record<string, unknown>;
  /** What the program's own applies saw (a value only once it is known). */
  seen: Record<string, unknown>;
  /** The Automation API's error, when the step failed. */
  failed?: string;
}

/** What a driver is started with. */
export interface DriverContext {
  /** The environment: offline CLI settings, the emulator's endpoints, PATH with the CLI and the plugin. */
  env: NodeJS.ProcessEnv;
  /** A scratch folder of this suite. */
  scratch: string;
  pulumi: string;
}

/** How one language runs one step. */
export type Driver = (action: LifecycleAction, context: DriverContext) => Promise<DriverResult>;

/** Runs a command that prints a DriverResult as its last line; fails with its output otherwise. */
export function runDriverProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<DriverResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env, stdio: "pipe", detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.stdin.end();
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
    }, options.timeoutMs ?? 180_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").pop() ?? "";
      try {
        if (code !== 0) throw new Error(`exited ${code}`);
        resolve(JSON.parse(last) as DriverResult);
      } catch (error) {
        reject(
          new Error(
            `${path.basename(command)} ${args.join(" ")}: ${(error as Error).message}\n--- stdout\n${stdout}\n--- stderr\n${stderr}`,
          ),
        );
      }
    });
  });
}

/** Runs a command to its end: its exit code, stdout and stderr together, and stdout alone. */
export function runCommand(
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<{ code: number | null; out: string; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let stdout = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, out, stdout }));
  });
}

let pluginDir: string | undefined;

/** The plugin's executable's name in its tarball, as scripts/plugin-path.js names it. */
export const PLUGIN_EXECUTABLE = (
  require(path.join(REPO_ROOT, "scripts", "plugin-path.js")) as { EXECUTABLE: string }
).EXECUTABLE;

/**
 * The folder of the plugin executable, unpacked from the tarball `npm run --silent plugin:path` gives, as a
 * user installs it: put on PATH, the CLI runs it as the `azure-gallery-lookup` resource plugin.
 */
export function pluginDirectory(): string {
  if (pluginDir) return pluginDir;
  const tarball = pluginTarball();
  const dir = temporaryFolder("gallery-lookup-plugin-");
  execFileSync("tar", ["-xzf", tarball, "-C", dir]);
  assert.ok(
    fs.existsSync(path.join(dir, PLUGIN_EXECUTABLE)),
    `${tarball} holds no ${PLUGIN_EXECUTABLE}: ${fs.readdirSync(dir).join(", ")}`,
  );
  pluginDir = dir;
  return dir;
}

/** The path `npm run --silent plugin:path` prints (it builds the tarball when needed). */
export function pluginTarball(): string {
  const printed = execFileSync(
    process.platform === "win32" ? "npm.cmd" : "npm",
    ["run", "--silent", "plugin:path"],
    {
      cwd: REPO_ROOT,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
      timeout: 600_000,
    },
  ).trim();
  const tarball = printed.split("\n").pop() ?? "";
  assert.match(
    path.basename(tarball),
    /^pulumi-resource-azure-gallery-lookup-v\d+\.\d+\.\d+-\w+-\w+\.tar\.gz$/,
  );
  return tarball;
}

/** The environment of an offline Pulumi run: its own home and file:// backend, the emulator, the plugin on PATH. */
export function offlineEnvironment(
  pulumi: string,
  azure: EmulatorHandle,
  scratch: string,
  options: { extraPath?: string[]; plugin?: boolean } = {},
): NodeJS.ProcessEnv {
  const home = path.join(scratch, "home");
  const backend = path.join(scratch, "backend");
  // A TMPDIR of the run's own, so that a test can see what a step leaves behind (stepsLeftBehind).
  const tmp = path.join(scratch, "tmp");
  for (const dir of [home, backend, tmp]) fs.mkdirSync(dir, { recursive: true });
  return {
    PATH: cliPath(pulumi, [
      ...(options.extraPath ?? []),
      ...(options.plugin === false ? [] : [pluginDirectory()]),
    ]),
    HOME: home,
    TMPDIR: tmp,
    PULUMI_HOME: path.join(home, ".pulumi"),
    PULUMI_BACKEND_URL: `file://${backend}`,
    PULUMI_CONFIG_PASSPHRASE: "language-suite-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_PROXY: "127.0.0.1,localhost",
    ...azure.environment(),
    LOOKUP_RESOURCE_GROUP: azure.resourceGroupName,
    LOOKUP_GALLERY: "myDemoGallery",
  };
}

function onlyGets(azure: EmulatorHandle, step: string): number {
  const seen = armRequestsSeen(azure);
  assert.deepEqual(
    [...new Set(seen.map((r) => r.method))].filter((m) => m !== "GET"),
    [],
    `${step}: the emulator saw ${JSON.stringify(seen.map((r) => `${r.method} ${r.path}`))}`,
  );
  return seen.length;
}

/**
 * The plugin's GalleryLookup and getGallery through a whole lifecycle from one language: values known at
 * the preview of a new stack, up, drift in a plain preview (and a failed expect-no-changes), refresh,
 * destroy sending nothing, and GET the only method the emulator ever sees.
 */
export function describeLifecycle(
  title: string,
  driver: Driver,
  options: {
    /** The dynamic GalleryLookup: no plugin on PATH. */
    dynamic?: boolean;
    before?: (context: DriverContext) => void | Promise<void>;
  } = {},
): void {
  describe(title, function () {
    this.timeout(300_000);
    let azure: EmulatorHandle;
    let context: DriverContext;
    let id: string;
    const step = (action: LifecycleAction) => driver(action, context);

    before(async function () {
      const pulumi = requirePulumi(this);
      azure = await startEmulator();
      id = galleryId(azure.subscriptionId, azure.resourceGroupName, "myDemoGallery");
      const scratch = temporaryFolder("gallery-lookup-language-");
      context = {
        pulumi,
        scratch,
        env: offlineEnvironment(pulumi, azure, scratch, { plugin: !options.dynamic }),
      };
      await options.before?.(context);
    });
    after(async () => {
      await azure?.close();
    });

    it("a new stack's preview: the program sees uniqueName, principalId and getGallery's answer, with GETs only", async () => {
      azure.clearJournal();
      const preview = await step("preview");
      assert.equal(preview.failed, undefined, preview.failed);
      assert.equal(
        preview.changes?.create,
        2,
        `the stack and the lookup: ${JSON.stringify(preview.changes)}`,
      );
      assert.equal(preview.seen.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
      assert.equal(preview.seen.principalId, "7d1c3e9a-0000-4000-8000-00000000a11e");
      assert.equal(preview.seen.invokedUniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
      assert.ok(onlyGets(azure, "preview") >= 1, "the preview read the gallery");
    });

    it("up keeps the outputs; a second preview with expect-no-changes passes", async () => {
      const up = await step("up");
      assert.equal(up.failed, undefined, up.failed);
      assert.equal(up.outputs?.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
      assert.equal(up.outputs?.invokedUniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
      const same = await step("preview-expect-no-changes");
      assert.equal(same.failed, undefined, same.failed);
      onlyGets(azure, "up");
    });

    it("a change in Azure: a plain preview shows an update, expect-no-changes fails, refresh takes it in", async () => {
      azure.patchGallery(id, {
        identity: { type: "SystemAssigned", principalId: "7d1c3e9a-0000-4000-8000-0000000d21f7" },
      });
      const drifted = await step("preview");
      assert.equal(drifted.failed, undefined, drifted.failed);
      assert.equal(drifted.changes?.update, 1, `drift is one update: ${JSON.stringify(drifted.changes)}`);
      assert.equal(drifted.seen.principalId, "7d1c3e9a-0000-4000-8000-0000000d21f7");
      const strict = await step("preview-expect-no-changes");
      assert.match(strict.failed ?? "", /no changes were expected/i, JSON.stringify(strict));

      const refresh = await step("refresh");
      assert.equal(refresh.failed, undefined, refresh.failed);
      assert.equal(
        refresh.changes?.update,
        1,
        `refresh updates the lookup: ${JSON.stringify(refresh.changes)}`,
      );
      const after = await step("preview-expect-no-changes");
      assert.equal(after.failed, undefined, after.failed);
      onlyGets(azure, "drift and refresh");
    });

    it("destroy sends nothing to Azure", async () => {
      azure.clearJournal();
      const destroy = await step("destroy");
      assert.equal(destroy.failed, undefined, destroy.failed);
      assert.equal(
        destroy.changes?.delete,
        2,
        `the lookup and the stack: ${JSON.stringify(destroy.changes)}`,
      );
      assert.deepEqual(armRequestsSeen(azure), [], "destroy sent a request");
    });

    it("no step leaves anything in its TMPDIR (the Automation API's work folders included)", () => {
      // ts-node's compile cache (ts-node-<hash>) is the Pulumi Node.js runtime's own, kept on purpose for the
      // next run of a TypeScript program; everything else would be ours or the Automation API's.
      const left = fs
        .readdirSync(context.env.TMPDIR as string)
        .filter((name) => !/^ts-node-[0-9a-f]+$/.test(name));
      assert.deepEqual(left, []);
    });
  });
}
