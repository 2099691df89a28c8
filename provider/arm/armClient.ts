import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { credentialDeadlineError, describeCredential, tokenAcquirer } from "../auth/credential";
import { TokenCache } from "../auth/tokenCache";
import type { ArmGallery } from "../gallery/armGallery";
import type { GalleryExpand, GalleryReference, GallerySelect } from "../lookup/types";
import { resolveCloud } from "./clouds";
import {
  connectionError,
  deadlineError,
  errorFromAnswer,
  oversizedResponse,
  parseGalleryBody,
  requestIdOf,
  throttledPastDeadline,
  type ArmAnswer,
  type FailureContext,
} from "./cloudError";
import { galleryUrl } from "./galleryUrl";
import { createHttpTransport, type HttpTransport, type TransportResult } from "./httpTransport";
import { Pacer, pacerKey, sharedPacer } from "./pacer";
import { decideRetry, type AttemptOutcome } from "./retryPolicy";
import { readArmSettings, type ArmSettings } from "./settings";
import type { CloudName } from "../gallery/clouds";

export type { CloudName } from "../gallery/clouds";

export interface ArmClientOptions {
  /** Which cloud: picks ARM endpoint, Entra authority and token scope. Default: `ARM_ENVIRONMENT`, `AZURE_ENVIRONMENT`, else `public`. */
  cloud?: CloudName;
  /** Environment to read settings from. Default `process.env`. DefaultAzureCredential itself always reads `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Credential to use instead of the lazily created DefaultAzureCredential (tests inject a fake one). */
  credential?: TokenCredential;
  /** Extra CA certificate(s) to trust, PEM (a local emulator, a TLS-inspecting proxy). Added to Node's roots. */
  ca?: string | Buffer;
  /** Waits between attempts. Default: a timer. Tests inject a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Clock in ms for deadlines and Retry-After dates. Default `Date.now`. */
  now?: () => number;
  /** Jitter source, [0, 1). Default `Math.random`. */
  random?: () => number;
  /** Pacer for ARM's read bucket. Default: the process-wide one, shared by all clients. */
  pacer?: Pacer;
}

export interface GetGalleryOptions {
  select?: GallerySelect;
  expand?: GalleryExpand;
}

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Galleries - Get against ARM, composed from small steps: settings → URL → pacing → token → GET →
 * retry decision → error mapping. Construction only reads settings; the credential, the HTTPS agent and the
 * sockets are created on the first request.
 */
export class ArmClient {
  /** The validated settings, read once at construction. */
  readonly settings: ArmSettings;
  private readonly options: ArmClientOptions;
  private readonly env: NodeJS.ProcessEnv;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly pacer: Pacer;
  private transport?: HttpTransport;
  private tokenCache?: TokenCache;

  /** @throws SettingsError when a setting is unusable, before any token is requested. */
  constructor(options: ArmClientOptions = {}) {
    this.options = options;
    this.env = options.env ?? process.env;
    this.settings = readArmSettings({
      ...(options.cloud !== undefined ? { cloud: options.cloud } : {}),
      env: this.env,
    });
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.pacer = options.pacer ?? sharedPacer;
  }

  /** Galleries - Get. Resolves to the parsed body of a 200; rejects with one of the package's errors. */
  async getGallery(ref: GalleryReference, options: GetGalleryOptions = {}): Promise<ArmGallery> {
    const url = galleryUrl(this.settings.endpoint, ref, options);
    const { deadlineMs, attemptTimeoutMs, maxRetries } = this.settings;
    const key = pacerKey(this.settings.endpoint, ref.subscriptionId);
    const start = this.now();
    let attempts = 0;
    let tokenRefreshed = false;
    let last = "no attempt";
    const context = (retryAfterMs?: number): FailureContext => ({
      attempts,
      elapsedMs: this.now() - start,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });

    for (;;) {
      const token = await this.tokenWithin(deadlineMs - (this.now() - start));
      if (token === undefined) {
        const credential = describeCredential(this.options.credential, this.env);
        throw credentialDeadlineError(credential, this.settings.scope, deadlineMs);
      }
      await this.pace(key, ref, () => ({ ...context(), deadlineMs }));

      const remaining = deadlineMs - (this.now() - start);
      if (remaining <= 0) throw deadlineError(ref, { ...context(), deadlineMs, last });
      attempts += 1;
      let result: TransportResult;
      try {
        result = await this.http().get(url, token.token, Math.min(attemptTimeoutMs, remaining), randomUUID());
      } catch (error) {
        this.pacer.observe(key);
        throw error;
      }
      if (result.kind === "oversized") {
        this.pacer.observe(key);
        throw oversizedResponse(ref, this.settings.maxResponseBytes, context());
      }

      const nowMs = this.now();
      const outcome: AttemptOutcome =
        result.kind === "response"
          ? { kind: "response", status: result.status, headers: result.headers }
          : { kind: "networkError", code: result.code };
      const decision = decideRetry(
        outcome,
        {
          attempts,
          maxAttempts: 1 + maxRetries,
          elapsedMs: nowMs - start,
          deadlineMs,
          tokenRefreshed,
          nowMs,
        },
        this.options.random,
      );
      // The decision carries the Retry-After it parsed (for 429 and 503): the pacer reuses it.
      const retryAfterMs = "retryAfterMs" in decision ? decision.retryAfterMs : undefined;
      this.pacer.observe(
        key,
        result.kind === "response"
          ? {
              status: result.status,
              headers: result.headers,
              ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
            }
          : {},
      );
      const requestId = result.kind === "response" ? requestIdOf(result) : undefined;
      last = result.kind === "response" ? `HTTP ${result.status}` : result.code;

      switch (decision.action) {
        case "success":
          return parseGalleryBody(ref, result as ArmAnswer);
        case "refreshToken":
          this.tokens().invalidate(token.token);
          tokenRefreshed = true;
          continue;
        case "retry":
          await this.sleep(decision.delayMs);
          continue;
        case "giveUp":
          if (decision.reason === "deadline")
            throw deadlineError(ref, { ...context(), deadlineMs, last }, requestId);
          if (decision.reason === "retryAfterPastDeadline") {
            throw throttledPastDeadline(
              ref,
              {
                ...context(),
                deadlineMs,
                retryAfterMs: decision.retryAfterMs ?? 0,
                ...(result.kind === "response" ? { status: result.status } : {}),
              },
              requestId,
            );
          }
          if (result.kind === "response") throw errorFromAnswer(ref, result, context(decision.retryAfterMs));
          if (result.kind === "networkError") {
            throw connectionError(ref, result.code, result.message, context(), this.settings.endpoint);
          }
      }
    }
  }

  /** Closes idle keep-alive sockets (tests, short-lived tools). The client stays usable. */
  close(): void {
    this.transport?.close();
    this.transport = undefined;
  }

  /** Waits for a pacer slot; refuses to wait past the deadline. */
  private async pace(
    key: string,
    ref: GalleryReference,
    context: () => FailureContext & { deadlineMs: number },
  ): Promise<void> {
    let wait = this.pacer.reserve(key);
    // A 429 seen by another lookup while this one waited extends the wait.
    for (let round = 0; wait > 0 && round < 10; round += 1) {
      const ctx = context();
      if (ctx.elapsedMs + wait >= ctx.deadlineMs) {
        this.pacer.observe(key);
        throw throttledPastDeadline(ref, { ...ctx, retryAfterMs: wait });
      }
      await this.sleep(wait);
      wait = this.pacer.blockedFor(key);
    }
  }

  /**
   * The token, or undefined when the deadline passes first: a credential that hangs (a stalled token
   * endpoint, an unreachable managed identity endpoint) must not hold the lookup past its deadline.
   */
  private async tokenWithin(remainingMs: number): Promise<AccessToken | undefined> {
    if (!(remainingMs > 0)) return this.tokens().getToken();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), remainingMs);
    });
    try {
      return await Promise.race([this.tokens().getToken(), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private tokens(): TokenCache {
    this.tokenCache ??= new TokenCache(this.acquireToken(), { now: this.now });
    return this.tokenCache;
  }

  private acquireToken(): () => Promise<AccessToken> {
    return tokenAcquirer(this.settings, this.options.credential, this.env);
  }

  private http(): HttpTransport {
    this.transport ??= createHttpTransport({
      ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}),
      maxResponseBytes: this.settings.maxResponseBytes,
      env: this.env,
      userAgent: `pulumi-azure-gallery-lookup (node ${process.version})`,
    });
    return this.transport;
  }
}

const defaultClients = new Map<CloudName, ArmClient>();

/**
 * The process-wide client for a cloud, created on first use from `process.env`. Without `cloud`, the
 * cloud comes from `ARM_ENVIRONMENT` / `AZURE_ENVIRONMENT` (default public).
 * @throws SettingsError when the environment holds an unusable setting.
 */
export function defaultArmClient(cloud?: CloudName): ArmClient {
  const resolved = cloud ?? resolveCloud(undefined, process.env).cloud;
  let client = defaultClients.get(resolved);
  if (client === undefined) {
    client = new ArmClient({ cloud: resolved });
    defaultClients.set(resolved, client);
  }
  return client;
}

/** Replaces (or, with `undefined`, forgets) the process-wide client of a cloud. For tests and embedding. */
export function setDefaultArmClient(client: ArmClient | undefined, cloud: CloudName = "public"): void {
  if (client === undefined) defaultClients.delete(cloud);
  else defaultClients.set(cloud, client);
}
