import type { ClientRequest, Agent as HttpAgent, IncomingMessage, RequestOptions } from "node:http";
import type { Agent as HttpsAgent } from "node:https";
import type { Readable } from "node:stream";
import {
  RestError,
  createHttpHeaders,
  type HttpClient,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import type { AxiosInstance, AxiosRequestConfig, AxiosResponse, AxiosStatic } from "axios";
import { RESPONSE_TOO_LARGE, readBody, sharedByteBudget, type ByteBudget } from "./byteBudget";
import { redactSecrets } from "../errors/safeText";
import { remainingMs } from "./lookupRequest";
import { TUNNEL_OPENING, createTunnelAgent } from "./tunnelAgent";

/** Settings of the one HTTP stack of a client. */
export interface AxiosHttpClientOptions {
  /** Extra CA(s), PEM, trusted in addition to Node's bundled roots. */
  ca?: string | Buffer;
  /** Bodies larger than this are cut off, and the attempt fails with {@link RESPONSE_TOO_LARGE}. */
  maxResponseBytes: number;
  /**
   * How long one GET may take (GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS), from the moment it is on the wire: it
   * has a socket, or its tunnel is being opened. Time queued for one of the {@link MAX_SOCKETS} sockets
   * counts only against the lookup's deadline (the request's signal), so that a burst of lookups does
   * not abandon, and send again, requests that merely waited their turn.
   */
  attemptTimeoutMs: number;
  /** The proxy a request goes through when the library's `proxyPolicy` gave it an agent. */
  proxy?: URL;
  /** Bound on answer bytes held at once, shared across clients. Default: the process-wide one. */
  byteBudget?: ByteBudget;
}

export const MAX_SOCKETS = 64;

/** The axios config of every request, its agents aside (bench/axiosPath.ts measures with it too). */
export const AXIOS_CONFIG = {
  proxy: false,
  maxRedirects: 0,
  // The cap is counted while reading, with the byte budget (see readBody).
  maxContentLength: -1,
  responseType: "stream",
  validateStatus: () => true,
} as const satisfies AxiosRequestConfig;

/** First reservation for an answer without Content-Length: a gallery's body is a few KiB. */
const UNKNOWN_LENGTH_RESERVATION = 64 * 1024;

/**
 * The pipeline's `HttpClient`: axios, whose `http` adapter (on Node's own `https.request`) sends every GET
 * over one keep-alive agent per protocol. axios brings the wire: cancellation (`signal`), no redirects
 * (`maxRedirects: 0`: a redirect could carry the token elsewhere), decompression and the answer as a
 * stream. Statuses are not judged here (`validateStatus` accepts all) and the body stays text. The body is
 * read here so that its bytes count against the per-answer cap and the process-wide {@link ByteBudget}
 * before they are held. A failure without an answer is a `RestError` with a code and no request headers.
 *
 * A request the library's `proxyPolicy` gave an agent goes through a CONNECT tunnel of ours instead
 * (`https-proxy-agent`, with the same keep-alive, socket limit and TLS context), for http targets too, so
 * the proxy sees only the target's host and port, never the token. axios's own `proxy` option is off
 * (`proxy: false`): see docs/settings.md, "Proxies", and test/transport/proxy.test.ts.
 */
export function createAxiosHttpClient(options: AxiosHttpClientOptions): HttpClient & { close(): void } {
  // Loaded on first request, not with the package: see ArmClient's lazy construction.
  const axiosModule = require("axios") as AxiosStatic & { default?: AxiosStatic };
  const axios = axiosModule.default ?? axiosModule;
  const https = require("node:https") as typeof import("node:https");
  const http = require("node:http") as typeof import("node:http");
  const tls = require("node:tls") as typeof import("node:tls");

  // One secure context for all sockets. Without it Node makes one per connection: with an extra CA that
  // parses ~140 root PEMs each time (tens of ms); even without one, a burst of lookups opening 49
  // connections spends about a third more CPU on TLS (docs/performance.md, "The prefetch thread's CPU").
  // `ca` replaces Node's trust store, so the bundled roots are kept: an extra CA adds rather than narrows.
  // Without `ca` the context holds Node's default trust, NODE_EXTRA_CA_CERTS included, as each
  // connection's own would.
  const secureContext = tls.createSecureContext(
    options.ca !== undefined ? { ca: [...tls.rootCertificates, options.ca.toString()] } : {},
  );
  const agentOptions = { keepAlive: true, maxSockets: MAX_SOCKETS, secureContext };
  const httpsAgent: HttpsAgent = new https.Agent(agentOptions);
  // Only reachable for loopback endpoints (settings refuse plain http elsewhere).
  const httpAgent: HttpAgent = new http.Agent({ keepAlive: true, maxSockets: MAX_SOCKETS });
  let tunnelAgent: HttpAgent | undefined;
  const tunnel = (): Partial<AxiosRequestConfig> => {
    tunnelAgent ??= createTunnelAgent(options.proxy!, agentOptions);
    return { httpsAgent: tunnelAgent, httpAgent: tunnelAgent };
  };

  const budget = options.byteBudget ?? sharedByteBudget;
  const maxBytes = options.maxResponseBytes;
  const attemptMs = options.attemptTimeoutMs;
  // One axios instance; its config is merged once here, not per request.
  const instance: AxiosInstance = axios.create({ httpsAgent, httpAgent, ...AXIOS_CONFIG });
  const { headers: _perMethodHeaders, ...merged } = instance.defaults;
  // The `http` adapter is axios's wire. Calling it with the instance's merged config skips what runs
  // per request above it and that this client does not use: config merging, interceptors, request
  // and response transforms, and four rebuilds of the header object (docs/performance.md). The
  // public path (`instance.get`) passes every test too, but costs 1.26x the adapter call: figure 1d,
  // bench/axiosPath.ts.
  const send = axios.getAdapter("http") as unknown as (config: object) => Promise<AxiosResponse<Readable>>;

  return {
    async sendRequest(request) {
      // The attempt ends through axios's `signal`: at the lookup's deadline (the request's signal), or
      // at the attempt's timeout from the moment it is on the wire, bounding TLS, headers and body
      // (axios's own `timeout` only bounds the connect phase and idle gaps, so a trickling body would
      // outlive it).
      const controller = new AbortController();
      const lookupSignal = request.abortSignal;
      const onDeadline = (): void => controller.abort();
      if (lookupSignal?.aborted) controller.abort();
      lookupSignal?.addEventListener("abort", onDeadline);
      let timeoutMs = Math.max(0, remainingMs(request));
      let attempt: AbortSignal | undefined;
      const onWire = (): void => {
        if (attempt !== undefined || attemptMs >= remainingMs(request)) return;
        timeoutMs = attemptMs;
        // Node's own timer, as for the deadline: it keeps real time under a test's fake timers, and
        // holds nothing open (it is unref'd; without a listener, nothing holds the signal either).
        attempt = AbortSignal.timeout(attemptMs);
        attempt.addEventListener("abort", onDeadline);
      };
      const { signal } = controller;
      const bearerToken = (request.headers.get("authorization") ?? "").replace(/^Bearer /, "");
      const config = {
        ...merged,
        ...(request.agent !== undefined ? tunnel() : NO_OVERRIDE),
        // Node's own request, watched for the moment it gets a socket, or its tunnel starts to open.
        transport: {
          request(requestOptions: RequestOptions, callback: (res: IncomingMessage) => void): ClientRequest {
            const native = requestOptions.protocol === "https:" ? https : http;
            const nativeRequest = native.request(requestOptions, callback);
            nativeRequest.once("socket", onWire).once(TUNNEL_OPENING, onWire);
            return nativeRequest;
          },
        },
        // The only method this package has: every test asserts GET on the wire (the emulator journal).
        method: "get",
        url: request.url,
        signal,
        headers: new axios.AxiosHeaders({ Accept: "application/json", ...request.headers.toJSON() }),
      };
      let stream: Readable | undefined;
      const claim = budget.claim();
      try {
        const response = await send(config);
        stream = response.data;
        const headers = plainHeaders(response.headers);
        const declared = Number(headers["content-length"]);
        if (declared > maxBytes) throw tooLarge(request);
        // Reserve the declared length up front; a body without one grows its claim as it arrives.
        const reserved = Math.min(declared >= 0 ? declared : UNKNOWN_LENGTH_RESERVATION, maxBytes);
        const first = claim.growTo(reserved, signal);
        if (first) await first;
        const body = await readBody(stream, { claim, reserved, maxBytes, signal });
        if (body === undefined) throw tooLarge(request);
        // A server that echoes the token (in a body, a header, a request id) must not put it in an error.
        const answer = redactAnswer({ status: response.status, headers, body }, bearerToken);
        return {
          request,
          status: answer.status,
          headers: createHttpHeaders(answer.headers as Record<string, string>),
          bodyAsText: answer.body,
        };
      } catch (error) {
        if (error instanceof RestError) throw error;
        const failure = describeFailure(error, {
          timedOut: signal.aborted,
          timeoutMs,
          bearerToken,
          midBody: stream !== undefined,
        });
        throw new RestError(failure.message, { code: failure.code, request });
      } finally {
        lookupSignal?.removeEventListener("abort", onDeadline);
        attempt?.removeEventListener("abort", onDeadline);
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

function tooLarge(request: PipelineRequest): RestError {
  return new RestError("the answer passed GALLERY_LOOKUP_MAX_RESPONSE_BYTES", {
    code: RESPONSE_TOO_LARGE,
    request,
  });
}

const NO_OVERRIDE: Partial<AxiosRequestConfig> = Object.freeze({});

/**
 * Reduces an axios or network error to a code and a message. The error object is dropped here: it
 * carries the request config, and with it the Authorization header.
 */
function describeFailure(
  error: unknown,
  attempt: { timedOut: boolean; timeoutMs: number; bearerToken: string; midBody: boolean },
): { code: string; message: string } {
  const { timedOut, timeoutMs, bearerToken, midBody } = attempt;
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  // No known failure puts the token in its message; a future one must not leak it either.
  const message = (typeof e?.message === "string" ? e.message : "request failed")
    .split(bearerToken)
    .join("[token]");
  if (timedOut || code === "ERR_CANCELED" || (code === "ECONNABORTED" && /timeout/i.test(message))) {
    return { code: "ATTEMPT_TIMEOUT", message: `no answer within ${timeoutMs} ms` };
  }
  // A connection dropped during or before the answer is as transient as a reset: report it as one.
  if (midBody) return { code: "ECONNRESET", message: "the answer was cut off" };
  if (/socket hang up/i.test(message)) return { code: "ECONNRESET", message };
  return { code: code || "UNKNOWN", message };
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

/** The answer with every occurrence of the sent token replaced, in the body and every header. */
function redactAnswer<T extends { headers: Record<string, string | undefined>; body: string }>(
  answer: T,
  token: string,
): T {
  // The usual case, on every lookup: nothing echoed, nothing copied.
  const echoed = (value: string | undefined) => token !== "" && value !== undefined && value.includes(token);
  if (!echoed(answer.body) && !Object.values(answer.headers).some(echoed)) return answer;
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(answer.headers)) {
    headers[name] = value === undefined ? undefined : redactSecrets(value, [token]);
  }
  return { ...answer, headers, body: redactSecrets(answer.body, [token]) };
}
