// Runs test/support/emulatorInNamespace.js in a user, network and pid namespace with loopback only:
// nothing inside can reach past 127.0.0.1, and nothing inside outlives the run.
import { execFile } from "node:child_process";
import * as path from "node:path";
import type { ChildOutcome } from "./emulatorInNamespace";

const RIG = path.join(__dirname, "emulatorInNamespace.js");

/** `args` as the rig takes them ([--no-emulator] COMMAND ARGS...); `env` is all the rig gets. */
export function inNamespace(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<ChildOutcome> {
  const quoted = [process.execPath, RIG, ...args].map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  return new Promise((resolve, reject) => {
    execFile(
      "unshare",
      ["-r", "-n", "-p", "-f", "--kill-child", "sh", "-c", `ip link set lo up; exec ${quoted}`],
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeoutMs ?? 200_000,
        maxBuffer: 64 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as ChildOutcome);
        } catch {
          reject(new Error(`the namespace rig failed: ${error?.message ?? ""}\n${stderr}${stdout}`));
        }
      },
    );
  });
}
