// Where a program's prefetches run (issue 26). The program's main thread is the busiest part of a preview:
// Pulumi's runtime serializes the dynamic provider and registers every resource there. The GETs' own work
// (loading axios and @azure/identity, signing in, a TLS connection and the pipeline for each) runs on one
// worker thread instead, started at the first lookup, on another core. What crosses is plain data: the
// arguments one way, the observation or the carried failure the other. Where no thread can be had (a
// bundle without the worker's file, a runtime without worker_threads), or the thread fails, the GETs run on
// the main thread as before, and a GET the thread did not answer is left to Check.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Worker } from "node:worker_threads";
import { currentSignInConfig } from "../auth/stackConfig";
import type { ValidLookupArgs } from "../gallery/validation";
import { readCarried, type Prefetched } from "./prefetchRead";
import type { PrefetchRequest, PrefetchThreadData } from "./prefetchWorker";

interface PrefetchThread {
  worker: Worker;
  /** Each request's arguments and settle function, by id. While any is pending the thread keeps the program alive. */
  pending: Map<
    number,
    {
      args: ValidLookupArgs;
      settle: (prefetched: Prefetched | undefined | Promise<Prefetched | undefined>) => void;
    }
  >;
  /** Whether the thread ever ran: before that, none of its requests can have been sent. */
  online: boolean;
}

/** undefined: not started yet; null: none to be had (the main thread reads). */
let thread: PrefetchThread | null | undefined;
let lastId = 0;

/** Starts the prefetch thread, once per program: the first lookup calls it, so it boots while the rest register. */
export function startPrefetchThread(): void {
  if (thread !== undefined) return;
  thread = null;
  try {
    const entry = path.join(__dirname, "prefetchWorker.js");
    // A bundle of the package (the provider plugin's) has no such file, and never needs one.
    if (!fs.existsSync(entry)) return;
    const threads = require("node:worker_threads") as typeof import("node:worker_threads");
    // The program's own sign-in config, read here where Pulumi's runtime holds it; the environment is shared.
    const workerData: PrefetchThreadData = { signIn: currentSignInConfig() };
    const worker = new threads.Worker(entry, { workerData, env: threads.SHARE_ENV });
    const started: PrefetchThread = { worker, pending: new Map(), online: false };
    worker.once("online", () => (started.online = true));
    worker.on("message", ({ id, prefetched }: { id: number; prefetched: Prefetched }) => {
      const request = started.pending.get(id);
      started.pending.delete(id);
      if (started.pending.size === 0) worker.unref();
      request?.settle(prefetched);
    });
    const lost = (): void => {
      if (thread === started) thread = null;
      // A thread that never ran sent nothing: its requests are read here. Once it ran, a request it did not
      // answer may already be on the wire, so Check reads for that lookup rather than a second GET here.
      for (const { args, settle } of started.pending.values())
        settle(started.online ? undefined : readOnPrefetchThread(args));
      started.pending.clear();
    };
    worker.on("error", lost).on("exit", lost);
    // After the listeners: adding a "message" listener refs the worker again. Unref'd, an idle thread never
    // keeps the program alive; it is ref'd only while a request is pending.
    worker.unref();
    thread = started;
  } catch {
    // No thread: the main thread reads.
  }
}

/** Galleries - Get for a prefetch: on the prefetch thread when there is one, else here. */
export function readOnPrefetchThread(args: ValidLookupArgs): Promise<Prefetched | undefined> {
  startPrefetchThread();
  const current = thread;
  if (!current) return readCarried(args);
  return new Promise((settle) => {
    const id = ++lastId;
    if (current.pending.size === 0) current.worker.ref();
    current.pending.set(id, { args, settle });
    current.worker.postMessage({ id, args } satisfies PrefetchRequest);
  });
}
