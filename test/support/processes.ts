// What a test asks of a process the code under test started: is it still running, which run in a folder,
// and a poll until a condition holds. One module so that every suite applies the same rule.
import * as fs from "node:fs";

/**
 * Whether the process runs. A zombie (exited, not yet reaped: state `Z`, or `X` while it is being torn
 * down) has stopped: once its parent has gone only init will reap it, so it can stay in /proc for a while
 * and `kill(pid, 0)` still succeeds on it. The state is read from /proc/<pid>/stat, after the command
 * name, which is in parentheses and may hold spaces and parentheses of its own.
 */
export function alive(pid: number): boolean {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return false;
  }
  const state = /^\d+ \(.*\) (\S)/.exec(stat)?.[1];
  return state !== undefined && state !== "Z" && state !== "X";
}

/** Processes whose working directory is inside `dir` (the runtime and the provider host run there). */
export function processesIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      const cwd = fs.readlinkSync(`/proc/${entry}/cwd`);
      if (cwd === dir || cwd.startsWith(`${dir}/`)) pids.push(Number(entry));
    } catch {
      // Gone, or not ours to read.
    }
  }
  return pids;
}

/** Waits until `condition` holds (polling every 50 ms), or fails naming `what` after `ms`. */
export async function waitFor(condition: () => boolean, ms: number, what: string): Promise<void> {
  const until = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
