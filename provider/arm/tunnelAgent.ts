import type { Agent as HttpAgent, ClientRequest } from "node:http";
import type { PeerCertificate, SecureContext } from "node:tls";
import type { HttpsProxyAgent as HttpsProxyAgentType } from "https-proxy-agent";

type ConnectOptions = Parameters<HttpsProxyAgentType<string>["connect"]>[1];

/**
 * Emitted on a request when its tunnel starts to open: it is on the wire from then, although Node
 * emits `socket` only once the proxy has answered.
 */
export const TUNNEL_OPENING = "galleryLookupTunnelOpening";

/**
 * A keep-alive agent that reaches every target through a CONNECT tunnel of `proxy`, then does TLS with
 * the target end to end (for https targets), so the proxy sees only `host:port`, never a header.
 * `https-proxy-agent` v7 (the one the Azure SDK uses), with two things it lacks: the client's TLS
 * context for the target (it would use Node's default trust), and the target's host for certificate
 * checks (it drops it, so an IP target was checked as "localhost").
 */
export function createTunnelAgent(
  proxy: URL,
  options: { keepAlive: boolean; maxSockets: number; secureContext?: SecureContext },
): HttpAgent {
  const tls = require("node:tls") as typeof import("node:tls");
  const { HttpsProxyAgent } = require("https-proxy-agent") as typeof import("https-proxy-agent");
  const { secureContext } = options;
  class TunnelAgent extends HttpsProxyAgent<string> {
    override connect(request: ClientRequest, connectOptions: ConnectOptions) {
      // A request given up (axios's abort on the attempt timeout) before the proxy answered CONNECT is
      // destroyed without a socket, and Node tells nobody: the socket to the proxy would stay open, and
      // keep the process alive, as long as the proxy stays silent. So the request's destroy ends it too.
      request.emit(TUNNEL_OPENING);
      const abandoned = new AbortController();
      const destroy = request.destroy.bind(request);
      request.destroy = (error?: Error) => {
        abandoned.abort();
        return destroy(error);
      };
      // The proxy socket is opened synchronously from `connectOpts` inside `connect`.
      const shared = this.connectOpts;
      this.connectOpts = { ...shared, signal: abandoned.signal };
      try {
        return super
          .connect(request, {
            ...connectOptions,
            ...(secureContext ? { secureContext } : {}),
            checkServerIdentity: (_host: string, certificate: PeerCertificate) =>
              tls.checkServerIdentity(connectOptions.host ?? "", certificate),
          } as ConnectOptions)
          .finally(() => {
            // Once the tunnel stands (or failed), destroying the request ends its socket as usual.
            delete (request as { destroy?: unknown }).destroy;
          });
      } finally {
        this.connectOpts = shared;
      }
    }
  }
  return new TunnelAgent(proxy, { keepAlive: options.keepAlive, maxSockets: options.maxSockets });
}
