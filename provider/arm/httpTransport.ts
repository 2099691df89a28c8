import type { Agent as HttpAgent } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { AxiosInstance, AxiosStatic } from "axios";

/** Settings of the one HTTP stack of a client. */
export interface HttpTransportOptions {
  /** Extra CA(s), PEM, trusted in addition to Node's bundled roots. */
  ca?: string | Buffer;
  /** Bodies larger than this are cut off and reported as `oversized`. */
  maxResponseBytes: number;
  userAgent?: string;
}

/** What one GET produced. Only plain data: never the axios error, its config or the request headers. */
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
 * One axios instance over one keep-alive agent per protocol. Statuses are not judged here
 * (`validateStatus` accepts all) and the body stays text, so that parsing and mapping are pure steps
 * elsewhere.
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  // Loaded on first request, not with the package: see ArmClient's lazy construction.
  const axiosModule = require("axios") as AxiosStatic & { default?: AxiosStatic };
  const axios = axiosModule.default ?? axiosModule;
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

  const instance: AxiosInstance = axios.create({
    httpsAgent,
    httpAgent,
    validateStatus: () => true,
    responseType: "text",
    transformResponse: [(data: unknown) => data],
    transitional: { forcedJSONParsing: false, silentJSONParsing: false, clarifyTimeoutError: true },
    maxContentLength: options.maxResponseBytes,
    maxBodyLength: options.maxResponseBytes,
    // ARM does not redirect a GET; following one could carry the token elsewhere.
    maxRedirects: 0,
    // axios's own proxy support does not tunnel https; do not let *_PROXY variables reroute the token.
    proxy: false,
  });
  instance.interceptors.request.use((config) => {
    assertReadOnlyMethod(config.method);
    return config;
  });

  return {
    async get(url, bearerToken, timeoutMs, clientRequestId) {
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await instance.request<string>({
          method: "GET",
          url,
          timeout: timeoutMs,
          signal,
          headers: {
            Accept: "application/json",
            Authorization: `Bearer ${bearerToken}`,
            "User-Agent": options.userAgent ?? "pulumi-azure-gallery-lookup",
            "x-ms-client-request-id": clientRequestId,
          },
        });
        return {
          kind: "response",
          status: response.status,
          headers: plainHeaders(response.headers),
          body: typeof response.data === "string" ? response.data : String(response.data ?? ""),
        };
      } catch (error) {
        return describeFailure(error, signal.aborted);
      }
    },
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
    },
  };
}

/** Reduces an axios/network error to a code and message; the error object (with its config) is dropped. */
export function describeFailure(error: unknown, timedOut: boolean): TransportResult {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "request failed";
  if (/maxContentLength/i.test(message)) return { kind: "oversized" };
  if (timedOut || code === "ECONNABORTED" || code === "ETIMEDOUT" || code === "ERR_CANCELED") {
    return {
      kind: "networkError",
      code: timedOut || code !== "ETIMEDOUT" ? "ATTEMPT_TIMEOUT" : code,
      message,
    };
  }
  // A connection dropped mid-body (axios: ERR_BAD_RESPONSE "stream has been aborted") is as transient
  // as one dropped before the headers: report it as a reset so that the GET is retried.
  if (/socket hang up|stream has been aborted/i.test(message)) {
    return { kind: "networkError", code: "ECONNRESET", message };
  }
  return { kind: "networkError", code: code || "UNKNOWN", message };
}

function plainHeaders(headers: unknown): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const source =
    headers !== null &&
    typeof headers === "object" &&
    typeof (headers as { toJSON?: unknown }).toJSON === "function"
      ? (headers as { toJSON(): Record<string, unknown> }).toJSON()
      : (headers as Record<string, unknown>);
  for (const [name, value] of Object.entries(source ?? {})) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}
