import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse, AxiosStatic } from "axios";
import { sharedByteBudget, type ByteBudget, type ByteClaim } from "./byteBudget";
import { proxyDecision, readProxyRule, type ProxyRule } from "./proxyRule";
import { TUNNEL_OPENING, createTunnelAgent } from "./tunnelAgent";

/** Settings of the one HTTP stack of a client. */
export interface HttpTransportOptions {
  /** Extra CA(s), PEM, trusted in addition to Node's bundled roots. */
  ca?: string | Buffer;
  /** Bodies larger than this are cut off and reported as `oversized`. */
  maxResponseBytes: number;
  userAgent?: string;
  /** Where `HTTPS_PROXY`/`HTTP_PROXY`/`ALL_PROXY`/`NO_PROXY` are read from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Bound on answer bytes held at once, shared across clients. Default: the process-wide one. */
  byteBudget?: ByteBudget;
}

/** What one GET produced. Only plain data: never the axios error, its config or the request headers. */
export type TransportResult =
  | { kind: "response"; status: number; headers: Record<string, string | undefined>; body: string }
  | { kind: "networkError"; code: string; message: string }
  | { kind: "oversized" };

/**
 * How long one GET may take. The attempt's own clock starts when the request is on the wire (it has a
 * socket, or its tunnel is being opened): time queued for one of the {@link MAX_SOCKETS} sockets counts
 * only against what is left of the lookup, so that a burst of lookups does not abandon, and send again,
 * requests that merely waited their turn.
 */
export interface AttemptLimits {
  /** From the moment the request is on the wire: GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS. */
  attemptMs: number;
  /** From now, queue included: what is left of the lookup's deadline. */
  remainingMs: number;
}

/** Sends GETs (and nothing else) with a bearer token. */
export interface HttpTransport {
  get(
    url: string,
    bearerToken: string,
    limits: AttemptLimits,
    clientRequestId: string,
  ): Promise<TransportResult>;
  /** Closes idle keep-alive sockets. */
  close(): void;
}

export const MAX_SOCKETS = 64;

/** First reservation for an answer without Content-Length: a gallery's body is a few KiB. */
const UNKNOWN_LENGTH_RESERVATION = 64 * 1024;

/**
 * One axios instance, whose `http` adapter (on Node's own `https.request`) sends every GET over one
 * keep-alive agent per protocol. axios brings the wire: cancellation (`signal`, fired by one timer per
 * attempt), no redirects (`maxRedirects: 0`: a redirect could carry the token elsewhere), decompression
 * and the answer as a stream. Statuses are not judged here (`validateStatus` accepts all) and the body
 * stays text, so that parsing and mapping are pure steps elsewhere. The body is read here so that its
 * bytes count against the per-answer cap and the process-wide {@link ByteBudget} before they are held.
 *
 * Proxies follow the Azure SDK's rule ({@link readProxyRule}); a proxied request goes through a CONNECT
 * tunnel (`https-proxy-agent`, with the same keep-alive, socket limit and TLS context), so the proxy sees
 * only the target's host and port, never the token. axios's own `proxy` option is off (`proxy: false`):
 * its tunnelling agent keeps no connection alive and has no socket limit, and it reads the variables
 * with another rule than `@azure/identity` (see docs/settings.md, "Proxies", and test/transport/proxy.test.ts).
 */
export function createHttpTransport(options: HttpTransportOptions): HttpTransport {
  const rule: ProxyRule = readProxyRule(options.env ?? process.env);
  // Loaded on first request, not with the package: see ArmClient's lazy construction.
  const axiosModule = require("axios") as AxiosStatic & { default?: AxiosStatic };
  const axios = axiosModule.default ?? axiosModule;
  const https = require("node:https") as typeof import("node:https");
  const http = require("node:http") as typeof import("node:http");
  const tls = require("node:tls") as typeof import("node:tls");

  // `ca` replaces Node's trust store; keep the bundled roots so that an extra CA adds rather than narrows.
  // One secure context for all sockets: parsing ~140 root PEMs per connection costs tens of ms each.
  const secureContext =
    options.ca !== undefined
      ? tls.createSecureContext({ ca: [...tls.rootCertificates, options.ca.toString()] })
      : undefined;
  const agentOptions = {
    keepAlive: true,
    maxSockets: MAX_SOCKETS,
    ...(secureContext ? { secureContext } : {}),
  };
  const httpsAgent: HttpsAgent = new https.Agent(agentOptions);
  // Only reachable for loopback endpoints (settings refuse plain http elsewhere).
  const httpAgent: HttpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  let tunnelAgent: HttpAgent | undefined;
  const routes = new Map<string, Partial<AxiosRequestConfig>>();
  const proxied = rule.proxy === undefined ? undefined : proxyDecision(rule);
  /**
   * Per origin: nothing extra for a direct request, the tunnelling agent for a proxied one. Whether an
   * origin goes through the proxy is the library's `proxyPolicy`'s decision (asked once per origin).
   */
  const route = async (url: string): Promise<Partial<AxiosRequestConfig>> => {
    if (proxied === undefined || rule.proxy === undefined) return NO_OVERRIDE;
    const origin = url.slice(0, url.indexOf("/", url.indexOf("//") + 2) >>> 0);
    let chosen = routes.get(origin);
    if (chosen === undefined) {
      if (!(await proxied(url))) chosen = NO_OVERRIDE;
      else {
        // A CONNECT tunnel for http targets too (loopback only): the proxy must never see the token.
        tunnelAgent ??= createTunnelAgent(rule.proxy, agentOptions);
        chosen = { httpsAgent: tunnelAgent, httpAgent: tunnelAgent };
      }
      routes.set(origin, chosen);
    }
    return chosen;
  };

  const budget = options.byteBudget ?? sharedByteBudget;
  const maxBytes = options.maxResponseBytes;
  // One axios instance; its config is merged once here, not per request.
  const instance: AxiosInstance = axios.create({
    httpsAgent,
    httpAgent,
    proxy: false,
    maxRedirects: 0,
    // The cap is counted while reading, with the byte budget (see readBody).
    maxContentLength: -1,
    responseType: "stream",
    validateStatus: () => true,
  });
  const { headers: _perMethodHeaders, ...merged } = instance.defaults;
  // The `http` adapter is axios's wire. Calling it with the instance's merged config skips what runs
  // per request above it and that this transport does not use: config merging, interceptors, request
  // and response transforms, and four rebuilds of the header object (docs/performance.md).
  const send = axios.getAdapter("http") as unknown as (config: object) => Promise<AxiosResponse<Readable>>;
  const userAgent = options.userAgent ?? "pulumi-azure-gallery-lookup";

  return {
    async get(url, bearerToken, limits, clientRequestId) {
      // Two timers end the attempt through axios's `signal`: the lookup's deadline from now, and the
      // attempt's timeout from the moment it is on the wire, bounding TLS, headers and body (axios's own
      // `timeout` only bounds the connect phase and idle gaps, so a trickling body would outlive it).
      const controller = new AbortController();
      let timeoutMs = limits.remainingMs;
      const deadline = setTimeout(() => controller.abort(), limits.remainingMs);
      let attempt: NodeJS.Timeout | undefined;
      const onWire = (): void => {
        if (attempt !== undefined || limits.attemptMs >= limits.remainingMs) return;
        timeoutMs = limits.attemptMs;
        attempt = setTimeout(() => controller.abort(), limits.attemptMs);
      };
      const { signal } = controller;
      const config = {
        ...merged,
        ...(await route(url)),
        // Node's own request, watched for the moment it gets a socket, or its tunnel starts to open.
        transport: {
          request(requestOptions: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest {
            const native = requestOptions.protocol === "https:" ? https : http;
            const request = native.request(requestOptions, callback);
            request.once("socket", onWire).once(TUNNEL_OPENING, onWire);
            return request;
          },
        },
        // The only method this package has: every test asserts GET on the wire (the emulator journal).
        method: "get",
        url,
        signal,
        headers: new axios.AxiosHeaders({
          Accept: "application/json",
          "User-Agent": userAgent,
          Authorization: `Bearer ${bearerToken}`,
          "x-ms-client-request-id": clientRequestId,
        }),
      };
      let stream: Readable | undefined;
      const claim = budget.claim();
      try {
        const response = await send(config);
        stream = response.data;
        const headers = plainHeaders(response.headers);
        const declared = Number(headers["content-length"]);
        if (declared > maxBytes) return { kind: "oversized" };
        // Reserve the declared length up front; a body without one grows its claim as it arrives.
        const reserved = Math.min(declared >= 0 ? declared : UNKNOWN_LENGTH_RESERVATION, maxBytes);
        const first = claim.growTo(reserved, signal);
        if (first) await first;
        const body = await readBody(stream, { claim, reserved, maxBytes, signal });
        if (body === undefined) return { kind: "oversized" };
        return { kind: "response", status: response.status, headers, body };
      } catch (error) {
        return describeFailure(error, {
          timedOut: signal.aborted,
          timeoutMs,
          bearerToken,
          midBody: stream !== undefined,
        });
      } finally {
        clearTimeout(deadline);
        clearTimeout(attempt);
        claim.release();
        if (stream !== undefined && !stream.readableEnded) stream.destroy();
      }
    },
    close() {
      httpsAgent.destroy();
      httpAgent.destroy();
      tunnelAgent?.destroy();
    },
  };
}

const NO_OVERRIDE: Partial<AxiosRequestConfig> = Object.freeze({});

/**
 * Reads a body as text, growing `claim` as bytes arrive (the stream pauses while the budget is short).
 * Resolves to undefined, with the stream destroyed, as soon as the body passes `maxBytes`. The cap is
 * counted here rather than by axios's `maxContentLength`, because the budget needs the same count and
 * axios enforces the cap on a stream through an extra async generator per answer (docs/performance.md).
 */
function readBody(
  stream: Readable,
  budget: { claim: ByteClaim; reserved: number; maxBytes: number; signal: AbortSignal },
): Promise<string | undefined> {
  const { claim, maxBytes, signal } = budget;
  let reserved = budget.reserved;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        resolve(undefined);
        return;
      }
      chunks.push(chunk);
      if (size > reserved) {
        reserved = Math.min(Math.max(size, 2 * reserved), maxBytes);
        const wait = claim.growTo(reserved, signal);
        if (wait) {
          stream.pause();
          wait.then(() => stream.resume(), reject);
        }
      }
    });
    stream.on("end", () => {
      const body = Buffer.concat(chunks, size).toString("utf8");
      resolve(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
    });
    stream.on("error", reject);
    // A connection dropped mid-body: `close` without `end`.
    stream.on("close", () => {
      if (!stream.readableEnded) reject(new Error("the answer was cut off"));
    });
  });
}

/**
 * Reduces an axios or network error to a code and a message. The error object is dropped here: it
 * carries the request config, and with it the Authorization header.
 */
export function describeFailure(
  error: unknown,
  attempt: { timedOut: boolean; timeoutMs: number; bearerToken: string; midBody: boolean },
): TransportResult {
  const { timedOut, timeoutMs, bearerToken, midBody } = attempt;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  // No known failure puts the token in its message; a future one must not leak it either.
  const message = (typeof e?.message === "string" ? e.message : "request failed")
    .split(bearerToken)
    .join("[token]");
  if (/maxContentLength/i.test(message)) return { kind: "oversized" };
  if (timedOut || code === "ERR_CANCELED" || (code === "ECONNABORTED" && /timeout/i.test(message))) {
    return { kind: "networkError", code: "ATTEMPT_TIMEOUT", message: `no answer within ${timeoutMs} ms` };
  }
  // A connection dropped during or before the answer is as transient as a reset: report it as one.
  if (midBody) return { kind: "networkError", code: "ECONNRESET", message: "the answer was cut off" };
  if (/socket hang up/i.test(message)) return { kind: "networkError", code: "ECONNRESET", message };
  return { kind: "networkError", code: code || "UNKNOWN", message };
}

/** Header names are lower-case (Node's); repeated headers are joined as HTTP allows. */
function plainHeaders(headers: object): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || value === null) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(", ") : String(value);
  }
  return out;
}
