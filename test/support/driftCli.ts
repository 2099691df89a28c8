// `gallery-lookup drift` spawned from the built dist/, as a user runs it, for the suites that give it a
// Pulumi CLI's environment (test/pulumi) or a fake one.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { DriftReport } from "#internal/drift/driftReport";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { pulumiBackend, putGalleries, requirePulumi, userShell } from "./pulumiCli";

export const MAIN = path.join(__dirname, "..", "..", "..", "dist", "cli", "main.js");

export interface DriftRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  pid: number;
}

/** Runs `gallery-lookup drift ARGS` with exactly `env`; `onSpawn` sees the child (to signal it). */
export function runDrift(
  args: string[],
  env: NodeJS.ProcessEnv,
  options: {
    stdin?: string | Buffer;
    cwd?: string;
    onSpawn?: (pid: number) => void;
    timeoutMs?: number;
  } = {},
): Promise<DriftRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, "drift", ...args], {
      env,
      cwd: options.cwd,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 120_000);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, pid: child.pid! });
    });
    options.onSpawn?.(child.pid!);
    child.stdin.end(options.stdin);
  });
}

/** The verdicts of a report, keyed by URN, without what names the source or the time. */
export function verdicts(report: DriftReport): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const l of report.lookups) {
    out[l.urn] = {
      stack: l.stack,
      galleryId: l.galleryId,
      status: l.status,
      changes: l.changes,
      ignoredChanges: l.ignoredChanges,
      error: l.error ? { name: l.error.name, code: l.error.code, status: l.error.status } : undefined,
    };
  }
  return out;
}

/** What a suite of drift over real Pulumi stacks shares (see {@link useStacksRig}). */
export interface StacksRig {
  readonly azure: EmulatorHandle;
  readonly backend: Awaited<ReturnType<typeof pulumiBackend>>;
  /** A user's shell: logged in to the backend, the CLI on PATH, the emulator's Azure settings. */
  readonly env: NodeJS.ProcessEnv;
  /** A folder of the suite's own. */
  readonly scratch: string;
  /** The resource id of `name` in the emulator's default group. */
  id(name: string): string;
}

/**
 * Registers the hooks of a suite that checks drift over stacks the real Pulumi CLI brought up (call it
 * inside `describe`): an emulator serving `galleries`, the projects' stacks up on one backend (`login`
 * adds the environment that selects it), a scratch folder. Skips the suite without a Pulumi CLI.
 */
export function useStacksRig(options: {
  galleries: readonly string[];
  projects: (azure: EmulatorHandle) => Record<string, Record<string, string>>;
  login?: () => NodeJS.ProcessEnv;
}): StacksRig {
  let azure: EmulatorHandle | undefined;
  let backend: StacksRig["backend"] | undefined;
  let env: NodeJS.ProcessEnv | undefined;
  let scratch: string | undefined;
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the stacks rig's ${what} is used outside its hooks`);
    return value;
  };
  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    putGalleries(azure, options.galleries);
    backend = await pulumiBackend(binary, azure, options.projects(azure), {
      ...(options.login ? { env: options.login() } : {}),
    });
    env = userShell(backend);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-drift-stacks-"));
  });
  after(async () => {
    backend?.close();
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    await azure?.close();
  });
  return {
    get azure() {
      return need(azure, "emulator");
    },
    get backend() {
      return need(backend, "backend");
    },
    get env() {
      return need(env, "environment");
    },
    get scratch() {
      return need(scratch, "folder");
    },
    id: (name) =>
      galleryId(need(azure, "emulator").subscriptionId, need(azure, "emulator").resourceGroupName, name),
  };
}
