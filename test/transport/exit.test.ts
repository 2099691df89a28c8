import assert from "node:assert/strict";
import { startConnectProxy, type ConnectProxy } from "../support/connectProxy";
import { galleryBehindProxy } from "../support/galleryBehindProxy";
import type { TestHttpsServer } from "../support/httpsServer";
import { EXIT_BOUND_MS, runChild, startSilentServer, type ChildRun } from "../support/exitRun";

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
