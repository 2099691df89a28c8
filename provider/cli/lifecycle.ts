// What a command leaves behind when it is stopped: provider hosts, program runs, the emulator, temporary
// folders. Each is registered here as it is made; Ctrl-C (SIGINT), SIGTERM and a closed stdout (EPIPE, e.g.
// piped into `head`) stop the work, run every cleanup, and end the process with the conventional code.
import * as fs from "fs";

type Cleanup = () => void | Promise<void>;

const cleanups: Cleanup[] = [];
const controller = new AbortController();
let installed = false;
let ending = false;

/** Aborted when the command is stopped: long work (program runs) listens to it. */
export const stopSignal: AbortSignal = controller.signal;

/** Registers a cleanup, run once when the command ends or is stopped; returns a function that runs it now. */
export function onCleanup(cleanup: Cleanup): () => Promise<void> {
  cleanups.push(cleanup);
  return async () => {
    const i = cleanups.indexOf(cleanup);
    if (i === -1) return;
    cleanups.splice(i, 1);
    await cleanup();
  };
}

/** A temporary folder that is removed at the end, however the command ends. */
export function temporaryFolder(dir: string): () => Promise<void> {
  return onCleanup(() => fs.rmSync(dir, { recursive: true, force: true }));
}

let running: Promise<void> | undefined;

/**
 * Runs every registered cleanup, newest first; a failing one does not stop the others. Concurrent callers (the
 * end of a command and a signal) share one run, so neither ends the process while the other still cleans up.
 */
export function runCleanups(): Promise<void> {
  running ??= (async () => {
    while (cleanups.length) {
      const cleanup = cleanups.pop() as Cleanup;
      try {
        await cleanup();
      } catch {
        // Best effort: the process is ending, and the other cleanups still matter.
      }
    }
  })().finally(() => {
    running = undefined;
  });
  return running;
}

/**
 * Waits until stdout and stderr have handed everything written to them to the OS. Into a pipe Node writes
 * what the pipe takes and queues the rest; `process.exit` drops that queue, which cut a 2 MB drift report
 * short at about 200 KB. A reader that has gone (EPIPE) ends the wait too.
 */
export async function flushStandardStreams(): Promise<void> {
  const flushed = (stream: NodeJS.WriteStream): Promise<void> =>
    stream.writableLength === 0 || stream.destroyed || stream.writableEnded
      ? Promise.resolve()
      : new Promise((resolve) => {
          stream.once("error", () => resolve());
          stream.write("", () => resolve());
        });
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
}

async function stop(exitCode: number, note?: string): Promise<void> {
  if (ending) return;
  ending = true;
  controller.abort();
  if (note) process.stderr.write(note);
  await runCleanups();
  process.exit(exitCode);
}

/** Installs the signal and EPIPE handlers once. */
export function installStopHandlers(program = "gallery-lookup"): void {
  if (installed) return;
  installed = true;
  process.on("SIGINT", () => void stop(130, `\n${program}: interrupted, cleaning up\n`));
  process.on("SIGTERM", () => void stop(143));
  // The reader went away (`| head`): nothing more can be shown, so stop quietly, as a SIGPIPE would.
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (err.code === "EPIPE") void stop(141);
  });
}

/** Whether the command is being stopped (then its own error output is only noise). */
export function stopping(): boolean {
  return ending;
}
