/**
 * A faithful local Azure on 127.0.0.1: ARM's Galleries - Get (api-version 2025-03-03) and Entra ID's
 * client-credentials token endpoint, on one HTTPS server, with faults, a request journal and ARM's
 * read throttle. See docs/emulator.md. The control API's access rule is in control.ts, the cleanup on a
 * fatal signal in signalGuard.ts.
 */
import { GALLERY_API_VERSION } from "../gallery/apiVersion";
import { createServer, type Server } from "node:https";
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { rm } from "node:fs/promises";
import { armHeaders, handleArm, type ArmContext } from "./arm";
import { controlRefusal, handleControl } from "./control";
import { entraRoute, handleDiscovery, handleToken, type EntraContext } from "./entra";
import { AnswerHold, FaultQueue } from "./faults";
import { createIdentities, identityRoute } from "./identities";
import { armError, type EmulatorResponse, JSON_TYPE, newGuid, parseTarget, type ParsedRequest } from "./http";
import { Journal } from "./journal";
import { signalGuard } from "./signalGuard";
import { defaultSeed, loadSeedFile, normalizeSeed } from "./seed";
import { GalleryStore } from "./store";
import { SubscriptionThrottle } from "./throttle";
import { makeTlsMaterial } from "./tls";
import { TokenIssuer } from "./tokens";
import type { EmulatorHandle, EmulatorOptions, FaultSpec, JournalEntry, SeedGallery } from "./types";
import { durationProblem } from "../settings/settings";

/** `ms` when a timer can wait that long; else a RangeError naming the option and Node's limit. */
function timerMs(name: string, ms: number | undefined): number {
  const problem = ms === undefined ? undefined : durationProblem(name, ms);
  if (problem !== undefined) throw new RangeError(`emulator: ${problem}, not ${String(ms)}`);
  return ms ?? 0;
}

export type { EmulatorHandle, EmulatorOptions, FaultSpec, JournalEntry, SeedGallery } from "./types";
export { DEMO_GALLERY, defaultSeed, galleryId, realisticGallery } from "./seed";
export { GALLERY_EXAMPLES, type GalleryExample } from "./examples";

/** The fixed defaults: fake, documented values that can never be mistaken for a real tenant or secret. */
export const EMULATOR_DEFAULTS = {
  tenantId: "e1e1e1e1-0000-4000-8000-000000000001",
  clientId: "c1c1c1c1-0000-4000-8000-000000000002",
  clientSecret: "gallery-lookup-emulator-secret",
  subscriptionId: "5b5b5b5b-0000-4000-8000-000000000003",
  resourceGroupName: "myResourceGroup",
  apiVersions: [GALLERY_API_VERSION],
} as const;

const MAX_BODY_BYTES = 1 << 20;
/** Query names whose values must never reach the journal. */
const SECRET_QUERY = /secret|token|assertion|password/i;

type Kind = JournalEntry["kind"];

function classify(req: ParsedRequest): { kind: Kind; entra?: ReturnType<typeof entraRoute> } {
  const first = req.segments[0]?.toLowerCase();
  if (first === "_emulator") return { kind: "control" };
  if (first === "subscriptions") return { kind: "arm" };
  const identity = identityRoute(req.segments);
  if (identity) return { kind: identity };
  const route = entraRoute(req.segments);
  if (route === "token") return { kind: "token", entra: route };
  if (route) return { kind: "discovery", entra: route };
  return { kind: "arm" };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error("request body too large"));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function faultBody(fault: FaultSpec): { body: Buffer; json: boolean } {
  if (fault.body === undefined) return { body: Buffer.alloc(0), json: false };
  if (typeof fault.body === "string") return { body: Buffer.from(fault.body), json: false };
  return { body: Buffer.from(JSON.stringify(fault.body)), json: true };
}

const lowerKeys = (headers: Record<string, string> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));

/**
 * Starts the emulator on 127.0.0.1 and resolves once it listens.
 *
 * @example
 * const azure = await startEmulator();
 * Object.assign(process.env, azure.environment()); // for child processes; NODE_EXTRA_CA_CERTS is read at start
 * await azure.close();
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  timerMs("latencyMs", options.latencyMs);
  const tenantId = options.tenantId ?? EMULATOR_DEFAULTS.tenantId;
  const clientId = options.clientId ?? EMULATOR_DEFAULTS.clientId;
  const clientSecret = options.clientSecret ?? EMULATOR_DEFAULTS.clientSecret;
  const resourceGroupName = options.resourceGroupName ?? EMULATOR_DEFAULTS.resourceGroupName;
  const given: SeedGallery[] | undefined =
    typeof options.seed === "string"
      ? await loadSeedFile(options.seed)
      : options.seed?.map((seed, i) => normalizeSeed(seed, `seed gallery ${i}`));
  // The subscription a lookup without subscriptionId reads (AZURE_SUBSCRIPTION_ID): the seed's, so that its
  // galleries are found; with several, that of its first gallery (seedSubscriptions says so).
  const subscriptionId =
    options.subscriptionId ?? given?.[0]?.subscriptionId ?? EMULATOR_DEFAULTS.subscriptionId;
  const seeds = given ?? defaultSeed(subscriptionId, resourceGroupName, tenantId);
  const tls = await makeTlsMaterial(options.caDir);
  // The CA key must not outlive the emulator, however the process ends: close() removes the folder,
  // and this covers process.exit, an uncaught error, a failed start and a deadly signal (SIGKILL aside).
  const temporaryDir = tls.temporaryDir;
  const removeTemporaryDir = (): void => {
    if (temporaryDir) rmSync(temporaryDir, { recursive: true, force: true });
  };
  if (temporaryDir) {
    process.once("exit", removeTemporaryDir);
    signalGuard.add(removeTemporaryDir);
  }
  tls.releaseExitGuard?.();
  const forgetTemporaryDir = async (): Promise<void> => {
    process.off("exit", removeTemporaryDir);
    signalGuard.delete(removeTemporaryDir);
    if (temporaryDir) await rm(temporaryDir, { recursive: true, force: true });
  };

  const store = new GalleryStore();
  store.addResourceGroup(subscriptionId, resourceGroupName, "westus");
  for (const seed of seeds) store.put(seed);
  const tokens = new TokenIssuer(
    options.tokenPrefix ?? `glemu-${randomBytes(4).toString("hex")}-`,
    options.tokenLifetimeSeconds ?? 3600,
  );
  const throttle = new SubscriptionThrottle(options.throttle);
  const faults = new FaultQueue();
  const answerHold = new AnswerHold();
  const journal = new Journal(options.journalLimit);
  const timers = new Set<NodeJS.Timeout>();
  let closed = false;
  let latencyMs = options.latencyMs ?? 0;

  const server: Server = createServer({ key: tls.key, cert: tls.cert });
  // Benchmarks reuse connections: keep them open well past a client's idle gaps.
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 35_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, "127.0.0.1", () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await forgetTemporaryDir(); // a port in use: nothing will ever close this emulator
    throw error;
  }
  const address = server.address();
  const port = typeof address === "object" && address ? address.port : 0;
  const origin = `https://127.0.0.1:${port}`;

  const armContext: ArmContext = {
    store,
    tokens,
    throttle,
    apiVersions: options.apiVersions ?? EMULATOR_DEFAULTS.apiVersions,
    authorityHost: origin,
    tenantId,
  };
  const entraContext: EntraContext = { authorityHost: origin, tenantId, clientId, clientSecret, tokens };
  const identities = createIdentities(
    origin,
    entraContext,
    (req, form) => handleToken(req, form, entraContext),
    options.identities,
  );

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        resolve();
      }, ms);
      timers.add(timer);
    });

  function record(req: ParsedRequest, kind: Kind, status: number, time: number, fault: boolean): void {
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query)) query[k] = SECRET_QUERY.test(k) ? "[redacted]" : v;
    const entry: JournalEntry = { time, method: req.method, path: req.path, query, status, kind };
    if (fault) entry.fault = true;
    journal.record(entry);
  }

  function write(res: ServerResponse, response: EmulatorResponse, truncate = false): void {
    if (res.destroyed || res.writableEnded) return;
    res.writeHead(response.status, { ...response.headers, "content-length": String(response.body.length) });
    if (!truncate) {
      res.end(response.body);
      return;
    }
    // Headers promise the whole body; half of it arrives, then the connection drops.
    const part = response.body.subarray(0, Math.floor(response.body.length / 2));
    res.write(part, () => res.socket?.destroy());
    if (part.length === 0) res.flushHeaders();
  }

  function answer(kind: Kind, req: ParsedRequest, rawBody: Buffer | undefined): EmulatorResponse {
    const form = kind === "token" ? new URLSearchParams(rawBody?.toString("utf8") ?? "") : undefined;
    const identity = identities.answer(req, form, entraRoute(req.segments) === "token");
    if (identity) return identity;
    switch (kind) {
      case "arm":
        return handleArm(req, armContext);
      case "token":
        return handleToken(req, new URLSearchParams(rawBody?.toString("utf8") ?? ""), entraContext);
      case "discovery":
        return handleDiscovery(entraRoute(req.segments) ?? "openid", req, entraContext);
      case "control": {
        let body: unknown;
        const text = rawBody?.toString("utf8").trim();
        try {
          body = text ? JSON.parse(text) : undefined;
        } catch {
          return armError(400, "InvalidRequestContent", "The control request body is not valid JSON.");
        }
        return handleControl(req, body, handle);
      }
    }
  }

  async function onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const time = Date.now();
    let parsed: ParsedRequest;
    try {
      parsed = parseTarget(req.method ?? "GET", req.url ?? "/", req.headers);
    } catch {
      req.resume();
      const response = armError(
        400,
        "InvalidRequestUri",
        "The request URI is not valid: a percent escape is malformed.",
      );
      write(res, response);
      return;
    }
    const { kind } = classify(parsed);
    if (kind === "control") {
      const refusal = controlRefusal(req, port);
      if (refusal) {
        req.resume();
        record(parsed, kind, refusal.status, time, false);
        write(res, refusal);
        return;
      }
    }
    const rawBody = kind === "token" || kind === "control" ? await readBody(req) : undefined;
    if (rawBody === undefined) req.resume();
    if (kind === "arm" && latencyMs > 0) {
      await delay(latencyMs);
      if (closed) return;
    }
    const held = kind === "arm" ? answerHold.arrive() : undefined;
    if (held) {
      await held;
      if (closed) return;
    }
    const fault = kind === "arm" || kind === "token" ? faults.take(kind, parsed.path) : undefined;
    if (!fault) {
      const response = answer(kind, parsed, rawBody);
      record(parsed, kind, response.status, time, false);
      write(res, response);
      return;
    }
    if (fault.delayMs) await delay(fault.delayMs);
    if (closed) return;
    if (fault.reset) {
      record(parsed, kind, 0, time, true);
      req.socket.destroy();
      return;
    }
    let response: EmulatorResponse;
    if (fault.status !== undefined || fault.body !== undefined) {
      const { body, json } = faultBody(fault);
      const subscription =
        parsed.segments[0]?.toLowerCase() === "subscriptions" ? parsed.segments[1] : undefined;
      const headers =
        kind === "arm" ? armHeaders(armContext, subscription) : { "x-ms-request-id": newGuid() };
      if (json) headers["content-type"] = JSON_TYPE;
      response = { status: fault.status ?? 200, headers: { ...headers, ...lowerKeys(fault.headers) }, body };
    } else {
      response = answer(kind, parsed, rawBody);
      Object.assign(response.headers, lowerKeys(fault.headers));
    }
    record(parsed, kind, response.status, time, true);
    write(res, response, fault.truncate === true);
  }

  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    onRequest(req, res).catch((err: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        write(res, armError(500, "InternalServerError", err instanceof Error ? err.message : String(err)));
      } else res.destroy();
    });
  });
  // A client that drops a connection mid-handshake must not take the emulator down.
  server.on("tlsClientError", () => undefined);
  let connections = 0;
  server.on("secureConnection", () => {
    connections += 1;
  });
  server.on("clientError", (_err, socket) => socket.destroy());

  const handle: EmulatorHandle = {
    armEndpoint: origin,
    authorityHost: origin,
    tenantId,
    clientId,
    clientSecret,
    subscriptionId,
    resourceGroupName,
    caCertFile: tls.caCertFile,
    caCert: tls.caCert,
    galleries: () => store.ids(),
    environment: () => ({
      AZURE_RESOURCE_MANAGER_ENDPOINT: origin,
      AZURE_AUTHORITY_HOST: origin,
      AZURE_TENANT_ID: tenantId,
      AZURE_CLIENT_ID: clientId,
      AZURE_CLIENT_SECRET: clientSecret,
      AZURE_SUBSCRIPTION_ID: subscriptionId,
      ARM_SUBSCRIPTION_ID: subscriptionId,
      AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
      GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: "true",
      NODE_EXTRA_CA_CERTS: tls.caCertFile,
    }),
    putGallery: (seed) => void store.put(seed),
    patchGallery: (id, patch) => store.patch(id, patch),
    removeGallery: (id) => store.remove(id),
    injectFault: (fault) => {
      timerMs("a fault's delayMs", fault.delayMs);
      faults.add(fault);
    },
    clearFaults: () => faults.clear(),
    journal: () => journal.list(),
    clearJournal: () => journal.clear(),
    revokeTokens: () => tokens.revokeAll(),
    requireClaims: (claims) => tokens.requireClaims(claims),
    tokenRequests: () => tokens.tokenRequests(),
    expireTokens: () => tokens.expireAll(),
    tokensIssued: () => tokens.count(),
    identities: identities.identities,
    connections: () => connections,
    setLatency: (ms) => void (latencyMs = timerMs("latencyMs", ms)),
    holdAnswers: (count) => answerHold.hold(count),
    releaseAnswers: () => answerHold.release(),
    setThrottle: (settings) => throttle.configure(settings),
    close: async () => {
      if (closed) return;
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      answerHold.release();
      timers.clear();
      const done = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await done;
      // The CA's key has no business outliving the emulator; a caller-given caDir is kept for reuse.
      await forgetTemporaryDir();
    },
  };
  return handle;
}
