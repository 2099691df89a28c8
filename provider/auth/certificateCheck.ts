/**
 * Why a TLS handshake with `origin` fails certificate checks, if it does: the identity library reports
 * an untrusted authority only as "endpoints_resolution_error", which would send the user to `az login`.
 * One handshake with Node's trust store (bundled roots plus NODE_EXTRA_CA_CERTS), no HTTP request sent.
 * Undefined when the certificate is trusted, or the host cannot be reached within `timeoutMs`.
 * @param ca an extra CA the client trusts (ArmClient option `ca`), besides those.
 */
export function certificateProblem(
  origin: string,
  ca?: string | Buffer,
  timeoutMs = 3_000,
): Promise<string | undefined> {
  const tls = require("node:tls") as typeof import("node:tls");
  const net = require("node:net") as typeof import("node:net");
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      resolve(undefined);
      return;
    }
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const socket = tls.connect(
      {
        host,
        port: Number(url.port || 443),
        ...(net.isIP(host) ? {} : { servername: host }),
        rejectUnauthorized: false,
        ...(ca !== undefined ? { ca: [...tls.rootCertificates, ca.toString()] } : {}),
      },
      () => {
        const problem = socket.authorized ? undefined : String(socket.authorizationError ?? "not trusted");
        socket.destroy();
        resolve(problem);
      },
    );
    socket.setTimeout(timeoutMs, () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.on("error", () => resolve(undefined));
  });
}
