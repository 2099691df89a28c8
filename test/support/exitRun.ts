// The parent side of test/support/exitChild.ts: runs one lookup in a child that never calls close() or
// exit(), and times how long the child outlives it; and a proxy that accepts and never answers.
import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import * as path from "node:path";

/** How long a child may live after its lookup settled: the Node runtime's own teardown, with room for load. */
export const EXIT_BOUND_MS = 4_000;

export interface ChildRun {
  outcome: string;
  /** From the lookup's result line to the child's exit; undefined when it had to be killed. */
  exitAfterMs: number | undefined;
}

/** Runs one lookup in a child that never calls close() or exit(), and times how long it outlives it. */
export function runChild(env: Record<string, string>): Promise<ChildRun> {
  const script = path.join(__dirname, "exitChild.js");
  const child = spawn(process.execPath, [script], {
    env: {
      PATH: process.env.PATH ?? "",
      GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "400",
      GALLERY_LOOKUP_MAX_RETRIES: "1",
      GALLERY_LOOKUP_DEADLINE_MS: "5000",
      ...env,
    },
    cwd: process.cwd(),
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let stdout = "";
    let settledAt: number | undefined;
    let killer: NodeJS.Timeout | undefined;
    let killed = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      if (settledAt === undefined && stdout.includes("\n")) {
        settledAt = Date.now();
        killer = setTimeout(() => {
          killed = true;
          child.kill("SIGKILL");
        }, EXIT_BOUND_MS);
      }
    });
    child.on("error", reject);
    child.on("exit", () => {
      clearTimeout(killer);
      if (settledAt === undefined) {
        reject(new Error(`the child printed no result: ${stdout}`));
        return;
      }
      const { outcome } = JSON.parse(stdout.split("\n")[0]) as { outcome: string };
      resolve({ outcome, exitAfterMs: killed ? undefined : Date.now() - settledAt });
    });
  });
}

/** A TCP server that accepts connections and never writes a byte: a proxy that never answers CONNECT. */
export async function startSilentServer(): Promise<{
  url: string;
  connections: () => number;
  close(): Promise<void>;
}> {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
