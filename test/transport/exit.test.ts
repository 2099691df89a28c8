import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import type { AddressInfo } from "node:net";
import * as path from "node:path";
import { startConnectProxy, type ConnectProxy } from "../support/connectProxy";
import { galleryBehindProxy } from "../support/galleryBehindProxy";
import type { TestHttpsServer } from "../support/httpsServer";

/** How long a child may live after its lookup settled: the Node runtime's own teardown, with room for load. */
const EXIT_BOUND_MS = 4_000;

interface ChildRun {
  outcome: string;
  /** From the lookup's result line to the child's exit; undefined when it had to be killed. */
  exitAfterMs: number | undefined;
}

/** Runs one lookup in a child that never calls close() or exit(), and times how long it outlives it. */
function runChild(env: Record<string, string>): Promise<ChildRun> {
  const script = path.join(__dirname, "..", "support", "exitChild.js");
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
async function startSilentServer(): Promise<{
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

describe("no lookup leaves a handle that keeps the process alive, on every transport path", function () {
  this.timeout(60_000);
  let server: TestHttpsServer;
  let proxy: ConnectProxy;

  galleryBehindProxy((started, tunnel) => {
    server = started;
    proxy = tunnel;
  });

  const armAt = (url: string): Record<string, string> => ({
    AZURE_RESOURCE_MANAGER_ENDPOINT: url,
    EXIT_CHILD_CA: server.ca,
  });

  function assertExited(run: ChildRun, expected: RegExp): void {
    assert.match(run.outcome, expected);
    assert.notEqual(
      run.exitAfterMs,
      undefined,
      `the child was still alive ${EXIT_BOUND_MS} ms after its lookup settled (${run.outcome})`,
    );
  }

  it("direct, answered", async () => {
    assertExited(await runChild(armAt(server.url)), /^ok \/subscriptions\//);
    assert.equal(server.requests.length, 1);
  });

  it("tunnelled through a CONNECT proxy, answered", async () => {
    assertExited(await runChild({ ...armAt(server.url), HTTPS_PROXY: proxy.url }), /^ok /);
    assert.equal(proxy.connects.length, 1);
  });

  it("refused: nothing listens on the ARM port", async () => {
    const closed = await startSilentServer();
    await closed.close();
    assertExited(
      await runChild(armAt(closed.url.replace("http:", "https:"))),
      /^ConnectionError: .*ECONNREFUSED/,
    );
  });

  it("refused: the proxy answers CONNECT with 407", async () => {
    const strict = await startConnectProxy({ auth: { username: "u", password: "right" } });
    try {
      const run = await runChild({
        ...armAt(server.url),
        HTTPS_PROXY: `http://u:wrong@127.0.0.1:${strict.port}`,
      });
      assertExited(run, /407/);
      assert.equal(strict.connects[0]?.status, 407);
      assert.equal(server.requests.length, 0);
    } finally {
      await strict.close();
    }
  });

  it("timed out: ARM accepts the request and never answers", async () => {
    server.reset(() => undefined);
    assertExited(await runChild(armAt(server.url)), /^ConnectionError: .*ATTEMPT_TIMEOUT/);
    assert.equal(server.requests.length, 2);
  });

  it("timed out: the proxy accepts the connection and never answers CONNECT", async () => {
    const silent = await startSilentServer();
    try {
      const run = await runChild({ ...armAt(server.url), HTTPS_PROXY: silent.url });
      assertExited(run, /^ConnectionError: .*ATTEMPT_TIMEOUT/);
      assert.equal(silent.connections(), 2, "each attempt opened its own connection to the proxy");
      assert.equal(server.requests.length, 0);
    } finally {
      await silent.close();
    }
  });
});
