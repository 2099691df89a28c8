import { startConnectProxy, type ConnectProxy } from "./connectProxy";
import { startHttpsServer, type TestHttpsServer } from "./httpsServer";
import { GALLERY } from "./transportFixtures";

/**
 * Hooks of a suite that looks galleries up on a local HTTPS server, directly or through a logging
 * CONNECT proxy: both start before the suite and close after it, and every test begins with the proxy's
 * record cleared and the server answering {@link GALLERY}. `started` hands both over once they run.
 */
export function galleryBehindProxy(started: (server: TestHttpsServer, proxy: ConnectProxy) => void): void {
  let server: TestHttpsServer | undefined;
  let proxy: ConnectProxy | undefined;
  before(async () => {
    server = await startHttpsServer();
    proxy = await startConnectProxy();
    started(server, proxy);
  });
  after(async () => {
    await proxy?.close();
    await server?.close();
  });
  beforeEach(() => {
    proxy?.clear();
    server?.reset((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify(GALLERY));
    });
  });
}
