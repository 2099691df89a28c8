import type { Agent as HttpAgent, ClientRequest, IncomingHttpHeaders } from "node:http";
import type { Agent as HttpsAgent } from "node:https";

/** Settings of the one HTTP stack of a client. */
export interface HttpTransportOptions {
  /** Extra CA(s), PEM, trusted in addition to Node's bundled roots. */
  ca?: string | Buffer;
  /** Bodies larger than this are cut off and reported as `oversized`. */
  maxResponseBytes: number;
  userAgent?: string;
}

/** What one GET produced. Only plain data: never the error object, the request or its headers. */
export type TransportResult =
  | { kind: "response"; status: number; headers: Record<string, string | undefined>; body: string }
  | { kind: "networkError"; code: string; message: string }
  | { kind: "oversized" };

/** Sends GETs (and nothing else) with a bearer token. */
export interface HttpTransport {
  get(url: string, bearerToken: string, timeoutMs: number, clientRequestId: string): Promise<TransportResult>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export const MAX_SOCKETS = 64;

/**
 * This package only reads: refuse any other method at the last point before the wire, so that no
 * future code path can send a write with the user's token.
 */
export function assertReadOnlyMethod(method: string | undefined): void {
  if ((method ?? "get").toLowerCase() !== "get") {
    throw new Error(`gallery-lookup sends only GET requests, refused ${String(method).toUpperCase()}`);
  }
}

/**
 * Node's own `https.request` over one keep-alive agent per protocol. Statuses are not judged here and
 * the body stays text, so that parsing and mapping are pure steps elsewhere. Not axios: its per-request
 * config merging, header objects and interceptors cost ~0.4 ms per lookup, more than the GET itself
 * on a warm socket (see docs/performance.md). Without axios nothing follows redirects (a redirect could
 * carry the token elsewhere) and no `*_PROXY` variable reroutes the token.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  // Loaded on first request, not with the package: see ArmClient's lazy construction.
  const https = require("node:https") as typeof import("node:https");
  const http = require("node:http") as typeof import("node:http");
  const tls = require("node:tls") as typeof import("node:tls");

  const httpsAgent: HttpsAgent = new https.Agent({
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    // `ca` replaces Node's trust store; keep the bundled roots so that an extra CA adds rather than narrows.
    // One secure context for all sockets: parsing ~140 root PEMs per connection costs tens of ms each.
    ...(options.ca !== undefined
      ? { secureContext: tls.createSecureContext({ ca: [...tls.rootCertificates, options.ca.toString()] }) }
      : {}),
  });
  // Only reachable for loopback endpoints (settings refuse plain http elsewhere).
  const httpAgent: HttpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  const userAgent = options.userAgent ?? "pulumi-azure-gallery-lookup";
  const maxBytes = options.maxResponseBytes;

  return {
    get(url, bearerToken, timeoutMs, clientRequestId) {
      const method = "GET";
      assertReadOnlyMethod(method);
      return new Promise<TransportResult>((resolve) => {
        let request: ClientRequest | undefined;
        let settled = false;
        const finish = (result: TransportResult): void => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(result);
        };
        const fail = (error: unknown): void => finish(describeFailure(error));
        const timer = setTimeout(() => {
          finish({
            kind: "networkError",
            code: "ATTEMPT_TIMEOUT",
            message: `no answer within ${timeoutMs} ms`,
          });
          request?.destroy();
        }, timeoutMs);
        try {
          const secure = url.startsWith("https:");
          request = (secure ? https : http).request(
            url,
            {
              method,
              agent: secure ? httpsAgent : httpAgent,
              headers: {
                Accept: "application/json",
                Authorization: `Bearer ${bearerToken}`,
                "User-Agent": userAgent,
                "x-ms-client-request-id": clientRequestId,
              },
            },
            (response) => {
              const declared = Number(response.headers["content-length"]);
              if (declared > maxBytes) {
                finish({ kind: "oversized" });
                response.destroy();
                return;
              }
              const chunks: Buffer[] = [];
              let size = 0;
              response.on("data", (chunk: Buffer) => {
                size += chunk.length;
                if (size > maxBytes) {
                  finish({ kind: "oversized" });
                  response.destroy();
                } else chunks.push(chunk);
              });
              response.on("end", () => {
                let body = Buffer.concat(chunks, size).toString("utf8");
                if (body.charCodeAt(0) === 0xfeff) body = body.slice(1);
                finish({
                  kind: "response",
                  status: response.statusCode ?? 0,
                  headers: plainHeaders(response.headers),
                  body,
                });
              });
              response.on("error", fail);
              // A connection dropped mid-body is as transient as one dropped before the headers.
              response.on("close", () => {
                if (!response.complete) {
                  finish({ kind: "networkError", code: "ECONNRESET", message: "the answer was cut off" });
                }
              });
            },
          );
          request.on("error", fail);
          request.end();
        } catch (error) {
          fail(error);
        }
      });
    },
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}

/** Reduces a network error to its code and message; the error object (with its request) is dropped. */
function describeFailure(error: unknown): TransportResult {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "request failed";
  // A connection dropped before the answer is as transient as a reset: report it as one, so it is retried.
  if (/socket hang up/i.test(message)) return { kind: "networkError", code: "ECONNRESET", message };
  return { kind: "networkError", code: code || "UNKNOWN", message };
}

/** Node already lower-cases header names; repeated headers are joined as HTTP allows. */
function plainHeaders(headers: IncomingHttpHeaders): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(", ") : value;
  }
  return out;
}
