// The prefetch thread's entry (see prefetchThread.ts): Galleries - Get for each lookup the program's main
// thread hands over, answered with what it saw or how it failed. It signs in with the program's own
// sign-in config, passed at start, and the process's environment, shared with the main thread.
import { parentPort, workerData } from "node:worker_threads";
import { useSignInConfig } from "../auth/stackConfig";
import type { SignInKey } from "../auth/signInChoice";
import type { ValidLookupArgs } from "../gallery/validation";
import { loadHttpStack } from "../arm/armClient";
import { readCarried } from "./prefetchRead";

/** What the main thread sends at start. */
export interface PrefetchThreadData {
  signIn: Partial<Record<SignInKey, string>>;
}

/** One request and its answer. */
export interface PrefetchRequest {
  id: number;
  args: ValidLookupArgs;
}

if (parentPort) {
  const port = parentPort;
  useSignInConfig((workerData as PrefetchThreadData).signIn);
  // The thread is started only when a lookup is on its way, and its first request comes once the program's
  // main thread has finished constructing: the HTTP stack and the credential library load meanwhile.
  setImmediate(loadHttpStack);
  port.on("message", (request: PrefetchRequest) => {
    void readCarried(request.args).then((prefetched) => port.postMessage({ id: request.id, prefetched }));
  });
}
