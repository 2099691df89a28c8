import type { Agent as HttpAgent, ClientRequest } from "node:http";
import type { PeerCertificate, SecureContext } from "node:tls";
import type { HttpsProxyAgent as HttpsProxyAgentType } from "https-proxy-agent";
import { connectEndedWithRequest } from "../auth/tokenRequestBounds";

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
  options: { keepAlive: boolean; maxSockets: number; secureContext: SecureContext },
): HttpAgent {
  const tls = require("node:tls") as typeof import("node:tls");
  const { HttpsProxyAgent } = require("https-proxy-agent") as typeof import("https-proxy-agent");
  const { secureContext } = options;
  class TunnelAgent extends HttpsProxyAgent<string> {
    override connect(request: ClientRequest, connectOptions: ConnectOptions) {
      request.emit(TUNNEL_OPENING);
      // A request given up (axios's abort on the attempt timeout) before the proxy answered CONNECT
      // ends its socket to the proxy too.
      return connectEndedWithRequest(this, request, () =>
        super.connect(request, {
          ...connectOptions,
          secureContext,
          checkServerIdentity: (_host: string, certificate: PeerCertificate) =>
            tls.checkServerIdentity(connectOptions.host ?? "", certificate),
        } as ConnectOptions),
      );
    }
  }
  return new TunnelAgent(proxy, { keepAlive: options.keepAlive, maxSockets: options.maxSockets });
}
