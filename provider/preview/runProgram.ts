// Runs a Pulumi program through the real Node.js language runtime (`@pulumi/pulumi/cmd/run`), with the
// arguments `pulumi-language-nodejs` gives it, against the in-memory engine of localEngine.ts.
import { spawn } from "child_process";
import * as path from "path";
import type { ProviderHost } from "./hostClient";
import { LocalEngine, type EngineResult, type LogEntry, type ResourceState } from "./localEngine";
import { killOwned, markedEnv } from "../process/processGroup";
import { resolvePulumiSdkDir } from "./proto";

/** Options of {@link runProgram}. */
export interface RunProgramOptions {
  /** The program's working directory (`--pwd`): Pulumi's "program directory". */
  programDir: string;
  /** The entry point relative to `programDir`; `.` (default) lets the runtime pick it from package.json. */
  entryPoint?: string;
  /** Folder of Pulumi.yaml (default `programDir`). */
  rootDirectory?: string;
  project: string;
  stack?: string;
  organization?: string;
  /** `true` for a preview, `false` for an update (of a new stack only). */
  dryRun: boolean;
  /** Stack configuration, keys as `namespace:key`. */
  config?: Record<string, string>;
  /** Environment of the program and of the provider host (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** A prior state to preview against (what an `up` of a new stack returned); an `up` takes none. */
  state?: ResourceState[];
  /** The running provider host that serves the program's dynamic resources (its owner closes it). */
  providerHost: ProviderHost;
  /** Whether the program is TypeScript (default: true when the entry point is not `.js`). */
  typescript?: boolean;
  onLog?: (entry: LogEntry) => void;
  /** Called once per distinct error the engine reports to the program (a failed Check, an unserved function). */
  onError?: (message: string) => void;
  /** Milliseconds before the program is stopped (default 60000). */
  timeoutMs?: number;
  /**
   * Milliseconds the program has to exit on its own after the engine reported an error to it, before it is
   * stopped (default 1000): a failed registration always fails the run, so waiting longer only delays the news.
   */
  failFastMs?: number;
  /** Stops the program (and the host started here) when aborted; runProgram then rejects. */
  signal?: AbortSignal;
}

/** The result of {@link runProgram}. */
export interface RunProgramResult extends EngineResult {
  exitCode: number | null;
  /** Whether the program was stopped because the engine had already reported an error (see `failFastMs`). */
  stoppedAfterError: boolean;
  stdout: string;
  stderr: string;
}

/** Runs the program once (a preview, or an update of a new stack) and returns the steps, stack outputs and new state. */
export async function runProgram(options: RunProgramOptions): Promise<RunProgramResult> {
  const env = options.env ?? process.env;
  const stack = options.stack ?? "dev";
  const sdkDir = resolvePulumiSdkDir(options.programDir);
  const engine = new LocalEngine({
    project: options.project,
    stack,
    dryRun: options.dryRun,
    state: options.state,
    sdkDir,
    onLog: options.onLog,
    onError: (message) => {
      options.onError?.(message);
      armFailFast();
    },
    providerHost: options.providerHost,
  });
  // Set once the child runs: stops it when the engine has reported an error and it does not exit by itself.
  let armFailFast = (): void => undefined;
  let stoppedAfterError = false;
  const address = await engine.start();
  try {
    const entryPoint = options.entryPoint ?? ".";
    const args = [
      // Works around a Node.js util.inspect bug that stalls every failing program for ~40 s (see the file).
      "--require",
      path.join(__dirname, "runtimePreload.js"),
      path.join(sdkDir, "cmd", "run"),
      "--monitor",
      address,
      "--engine",
      address,
      "--organization",
      options.organization ?? "organization",
      "--project",
      options.project,
      "--root-directory",
      options.rootDirectory ?? options.programDir,
      "--stack",
      stack,
      "--pwd",
      options.programDir,
      ...(options.dryRun ? ["--dry-run"] : []),
      "--parallel",
      "48",
      entryPoint,
    ];
    const typescript = options.typescript ?? !entryPoint.endsWith(".js");
    const marked = markedEnv(env);
    const child = spawn(process.execPath, args, {
      cwd: options.programDir,
      env: {
        ...marked.env,
        PULUMI_CONFIG: JSON.stringify(options.config ?? {}),
        PULUMI_CONFIG_SECRET_KEYS: "[]",
        PULUMI_NODEJS_TYPESCRIPT: String(typescript),
        // Type checking is the caller's, once per command (the CLI: preview/typeCheck.ts), not once per run.
        PULUMI_NODEJS_TRANSPILE_ONLY: env.PULUMI_NODEJS_TRANSPILE_ONLY ?? "true",
      },
      stdio: ["ignore", "pipe", "pipe"],
      // A group of its own, so that ending the run ends whatever the program started too (a `spawn("sleep")`
      // would otherwise outlive it, reparented to init), and marked, for what leaves the group. See processGroup.ts.
      detached: true,
    });
    const owned = { child, mark: marked.mark };
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timeoutMs = options.timeoutMs ?? 60000;
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      let failFast: NodeJS.Timeout | undefined;
      const stop = (error?: Error) => {
        clearTimeout(timer);
        clearTimeout(failFast);
        options.signal?.removeEventListener("abort", onAbort);
        void killOwned(owned);
        if (error) reject(error);
      };
      const timer = setTimeout(
        () => stop(new Error(`the program did not finish within ${timeoutMs / 1000} s`)),
        timeoutMs,
      );
      const onAbort = () => stop(new Error("stopped"));
      options.signal?.addEventListener("abort", onAbort, { once: true });
      if (options.signal?.aborted) onAbort();
      armFailFast = () => {
        failFast ??= setTimeout(() => {
          stoppedAfterError = true;
          stop();
        }, options.failFastMs ?? 1000);
      };
      child.on("error", (err) => stop(err));
      child.on("exit", (code) => {
        clearTimeout(timer);
        clearTimeout(failFast);
        options.signal?.removeEventListener("abort", onAbort);
        resolve(code);
      });
    });
    // The program has exited; anything it started and left behind goes with it.
    await killOwned(owned);
    const result = engine.finish();
    return { ...result, exitCode, stoppedAfterError, stdout, stderr };
  } finally {
    await engine.close();
  }
}
