// Ending what a child started, whatever state it is in. Every child this package spawns runs in a process group
// of its own (`detached: true`, its pid is the group's id), and carries a mark in its environment that its own
// children inherit. The group reaches what the child started in the same group, even after the child itself has
// exited; the mark reaches what left the group: the Pulumi CLI starts each plugin (the language host, the
// dynamic provider host) in a group of its own, and once the CLI is gone they are children of init.
import { randomUUID } from "crypto";
import type { ChildProcess } from "child_process";
import * as fs from "fs";

/** The environment variable that marks every process started for one run. */
export const RUN_MARK_VARIABLE = "GALLERY_LOOKUP_RUN";

/** A child started by this package, and the mark it and everything it starts carry. */
export interface OwnedChild {
  child: ChildProcess;
  mark: string;
}

/** A fresh mark and `env` carrying it, for one child. */
export function markedEnv(env: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; mark: string } {
  const mark = randomUUID();
  return { env: { ...env, [RUN_MARK_VARIABLE]: mark }, mark };
}

/**
 * Sends `signal` to the process group of a child started with `detached: true`, so that its own children go
 * too. A child that already exited may still lead a group of survivors: the group is signalled all the same.
 */
export function endProcessGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is empty already.
  }
}

/**
 * The live processes (not zombies) in the child's group or carrying its mark. Without /proc (not Linux) only
 * the group can be seen: its id stands for it while it has members.
 */
export function survivors(owned: OwnedChild): number[] {
  const group = owned.child.pid;
  if (group === undefined) return [];
  let entries: string[];
  try {
    entries = fs.readdirSync("/proc");
  } catch {
    try {
      process.kill(-group, 0);
      return [-group];
    } catch {
      return [];
    }
  }
  const needle = `${RUN_MARK_VARIABLE}=${owned.mark}\0`;
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses, so read after the last ")".
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z" || state === "X") continue;
      if (
        Number(pgrp) === group ||
        `${fs.readFileSync(`/proc/${entry}/environ`, "latin1")}\0`.includes(needle)
      )
        found.push(Number(entry));
    } catch {
      // Gone, or not ours to read (then not ours at all).
    }
  }
  return found;
}

/** SIGKILL to the child's group and to every marked process, until none is left or `ms` passes. */
export async function killOwned(owned: OwnedChild, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    endProcessGroup(owned.child, "SIGKILL");
    const left = survivors(owned);
    for (const pid of left) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Gone meanwhile.
      }
    }
    if (left.length === 0 || Date.now() > until) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Ends a child and everything it started: `signal` to its group first, so that a CLI can cancel gracefully
 * (and end its plugins itself), then, whatever is left after `graceMs`, SIGKILL. Resolves once all is gone.
 */
export async function stopOwned(owned: OwnedChild, signal: NodeJS.Signals, graceMs: number): Promise<void> {
  endProcessGroup(owned.child, signal);
  const until = Date.now() + graceMs;
  while (Date.now() < until && survivors(owned).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await killOwned(owned);
}
