// The messages between the benchmark's orchestrator (which runs the emulator) and its children, over
// Node's IPC channel: children ask for emulator counters; the orchestrator answers.

/** What a child can ask the orchestrator about the emulator. */
export type EmulatorQuery =
  | { cmd: "tokensIssued" }
  | { cmd: "connections" }
  | { cmd: "throttle"; settings: false | { burst: number; refillPerSecond: number } }
  | { cmd: "clearJournal" }
  /** Service latency the emulator adds to every ARM answer from now on, in ms. */
  | { cmd: "latency"; ms: number }
  /** Adds (or replaces) a gallery whose answer is `bytes` long, for the memory run. */
  | { cmd: "putLargeGallery"; galleryName: string; bytes: number }
  /** ARM requests journaled since the last clearJournal, and how many of them were answered 429. */
  | { cmd: "armStats" };

export interface QueryMessage {
  kind: "query";
  id: number;
  query: EmulatorQuery;
}

export interface AnswerMessage {
  kind: "answer";
  id: number;
  result: unknown;
}

export interface ResultMessage {
  kind: "result";
  result: unknown;
}

export type ChildMessage = QueryMessage | ResultMessage;

/** A child-side client for {@link EmulatorQuery}. */
export function emulatorQueries(): (query: EmulatorQuery) => Promise<unknown> {
  let nextId = 0;
  const waiting = new Map<number, (result: unknown) => void>();
  process.on("message", (message: AnswerMessage) => {
    if (message.kind !== "answer") return;
    waiting.get(message.id)?.(message.result);
    waiting.delete(message.id);
  });
  return (query) =>
    new Promise((resolve) => {
      const id = nextId++;
      waiting.set(id, resolve);
      process.send?.({ kind: "query", id, query } satisfies QueryMessage);
    });
}

/** Sends the child's result and lets the process exit once the channel is drained. */
export function sendResult(result: unknown): void {
  process.send?.({ kind: "result", result } satisfies ResultMessage, () => process.disconnect());
}

/**
 * A child's guard, before it signs in or sends anything: ARM and Entra must be the emulator's, trusted through
 * its CA, with the emulator's environment credential; otherwise the child stops.
 */
export function refuseUnlessLocal(env: NodeJS.ProcessEnv = process.env): void {
  for (const name of ["AZURE_RESOURCE_MANAGER_ENDPOINT", "AZURE_AUTHORITY_HOST"]) {
    if (new URL(env[name] ?? "http://invalid").hostname !== "127.0.0.1") {
      throw new Error(`${name} must point at the local emulator`);
    }
  }
  if (!env.NODE_EXTRA_CA_CERTS || env.AZURE_TOKEN_CREDENTIALS !== "EnvironmentCredential") {
    throw new Error("refusing to run without the emulator's environment");
  }
}
