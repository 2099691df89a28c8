// `gallery-lookup drift` spawned from the built dist/, as a user runs it, for the suites that give it a
// Pulumi CLI's environment (test/pulumi) or a fake one.
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { DriftReport } from "#internal/drift/driftReport";

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
