// `gallery-lookup preview/up DIR` with the user's own Pulumi CLI, when one is found: Pulumi's real engine runs
// the project against the local emulator, with a file backend of its own, so the report and exit codes are
// Pulumi's. The project folder is never written to: the CLI runs in a copy (it would add an `encryptionsalt`
// to Pulumi.<stack>.yaml), whose stack file holds the plain config that the embedded engine would use too.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { killOwned, stopOwned } from "../process/processGroup";
import type { ProjectInfo } from "../preview/project";
import { findPulumi, spawnPulumi, type PulumiCli } from "../pulumiCli/pulumiCli";
import { onCleanup, temporaryFolder } from "./lifecycle";

export { MINIMUM_PULUMI, type PulumiCli } from "../pulumiCli/pulumiCli";

/**
 * Only for the state of these offline runs, kept in their own file backend: it protects nothing secret (the
 * config is plain, and the emulator's credentials are its well-known defaults).
 */
const OFFLINE_PASSPHRASE = "gallery-lookup-offline";

/**
 * The CLI `preview/up DIR` uses (pulumiCli/pulumiCli.ts's `findPulumi`): undefined when there is none, so the
 * embedded engine runs instead; but a `PULUMI_CLI` that does not work is an error, not a quiet fallback.
 */
export function findPulumiCli(env: NodeJS.ProcessEnv = process.env): PulumiCli | undefined {
  const why: string[] = [];
  const cli = findPulumi({ env, why });
  if (!cli && env.PULUMI_CLI) {
    throw new Error(`${why.join("; ")} (unset it, or add --engine embedded to use the embedded engine)`);
  }
  return cli;
}

/** What a real-CLI run of a project needs. */
export interface PulumiCliRun {
  cli: PulumiCli;
  project: ProjectInfo;
  mode: "preview" | "up";
  /** The file backend folder that keeps the stack's state between runs. */
  backendDir: string;
  /** The emulator's environment (and this process's), as for the embedded engine. */
  env: NodeJS.ProcessEnv;
  /** A folder laid out as node_modules with this package and @pulumi/pulumi, for a project that has none. */
  packageDir: string;
  json: boolean;
  expectNoChanges: boolean;
  timeoutMs: number;
  signal: AbortSignal;
}

/** Copies the project, without its dependencies, stack files and our state, into a folder removed at the end. */
function projectCopy(project: ProjectInfo, packageDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-pulumi-"));
  temporaryFolder(dir);
  const skipped = new Set(["node_modules", ".git", ".gallery-lookup"]);
  fs.cpSync(project.rootDirectory, dir, {
    recursive: true,
    filter: (source) => {
      const name = path.basename(source);
      return source === project.rootDirectory || (!skipped.has(name) && !/^Pulumi\..+\.ya?ml$/.test(name));
    },
  });
  // The project's own dependencies, else this package and the SDK, as after `npm install` (the type check
  // resolves modules as TypeScript does, which NODE_PATH does not reach).
  const modules = path.join(project.rootDirectory, "node_modules");
  fs.symlinkSync(fs.existsSync(modules) ? modules : packageDir, path.join(dir, "node_modules"), "junction");
  // YAML is a superset of JSON: each key and value quoted as JSON reads back exactly.
  const lines = Object.entries(project.config).map(
    ([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`,
  );
  fs.writeFileSync(path.join(dir, `Pulumi.${project.stack}.yaml`), `config:\n${lines.join("\n")}\n`);
  return dir;
}

/**
 * How long the Pulumi CLI has to cancel gracefully after its first SIGINT (it then ends its plugins itself)
 * before it and everything it started are killed: a stuck run would otherwise never end.
 */
const CANCEL_GRACE_MS = 3000;

/**
 * Runs `pulumi ARGS` in `cwd`, in a process group of its own, its environment marked (processGroup.ts) so that
 * the plugins it starts in groups of their own are found too. A stop or the time limit sends SIGINT, then after
 * {@link CANCEL_GRACE_MS} SIGKILL to whatever is left; the run settles only once all of it is gone, so the
 * temporary folder it ran in is removed after it.
 */
function pulumi(
  run: PulumiCliRun,
  cwd: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: "inherit" | "ignore",
): Promise<number> {
  if (run.signal.aborted) return Promise.reject(new Error("stopped"));
  return new Promise((resolve, reject) => {
    const owned = spawnPulumi(run.cli.path, args, { cwd, env, stdio: ["ignore", stdio, "inherit"] });
    const { child } = owned;
    let ending: Promise<void> | undefined;
    const end = (): Promise<void> => (ending ??= stopOwned(owned, "SIGINT", CANCEL_GRACE_MS));
    // Registered before anything else can happen: a Ctrl-C now waits for all of it to be gone.
    const forget = onCleanup(end);
    const onAbort = (): void => void end();
    run.signal.addEventListener("abort", onAbort, { once: true });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      void end();
    }, run.timeoutMs);
    const settle = async (outcome: () => void): Promise<void> => {
      clearTimeout(timer);
      run.signal.removeEventListener("abort", onAbort);
      const stopped = ending !== undefined;
      // The CLI is gone: a plugin it left (killed before it could end them) goes now.
      ending ??= killOwned(owned);
      await forget();
      // A CLI killed after its grace leaves its stack lock behind, and the next run of this folder would
      // fail at once with "the stack is currently locked": remove the lock files that name its pid (no other
      // run's lock is touched).
      if (stopped && child.pid !== undefined) releaseLocks(run.backendDir, child.pid);
      outcome();
    };
    child.on("error", (error) => void settle(() => reject(error)));
    child.on("close", (code, signal) => {
      void settle(() => {
        if (timedOut) {
          reject(
            new Error(
              `pulumi ${args[0]} did not finish within ${run.timeoutMs / 1000} s (raise it with --timeout SECONDS)`,
            ),
          );
        } else resolve(code ?? (signal ? 1 : 0));
      });
    });
  });
}

/** Removes the file backend's lock files written by the Pulumi CLI process `pid` (`.pulumi/locks/**.json`). */
function releaseLocks(backendDir: string, pid: number): void {
  const visit = (dir: string): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(".json")) {
        try {
          if ((JSON.parse(fs.readFileSync(full, "utf8")) as { pid?: unknown }).pid === pid) fs.rmSync(full);
        } catch {
          // not a lock file we can read: leave it
        }
      }
    }
  };
  visit(path.join(backendDir, ".pulumi", "locks"));
}

/**
 * Runs `pulumi preview` or `pulumi up` of the project against the emulator and returns the CLI's exit code
 * (0, 1, or 7 for changes under `--expect-no-changes`). The CLI prints its own report; `--json` is its JSON.
 */
export async function runWithPulumiCli(run: PulumiCliRun): Promise<number> {
  const dir = projectCopy(run.project, run.packageDir);
  fs.mkdirSync(run.backendDir, { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...run.env,
    PATH: [path.dirname(run.cli.path), run.env.PATH].filter(Boolean).join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${run.backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: OFFLINE_PASSPHRASE,
    PULUMI_CONFIG_PASSPHRASE_FILE: "",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    // Nothing but 127.0.0.1: a plugin the program needs must already be installed.
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_CONFIRMATIONS: "",
    PULUMI_ACCESS_TOKEN: "",
  };
  // The embedded engine's settings, which the real CLI must not inherit: it type-checks, as users expect.
  delete env.PULUMI_NODEJS_TRANSPILE_ONLY;
  const selected = await pulumi(run, dir, ["stack", "select", "--create", run.project.stack], env, "ignore");
  if (selected !== 0) return 1;
  const args = run.mode === "preview" ? ["preview"] : ["up", "--yes", "--skip-preview"];
  if (run.json) args.push("--json");
  if (run.expectNoChanges) args.push("--expect-no-changes");
  return pulumi(run, dir, args, env, "inherit");
}
