import { randomUUID } from "node:crypto";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { credentialDeadlineError, describeCredential, tokenAcquirer } from "../auth/credential";
import { TokenCache, type AcquireToken } from "../auth/tokenCache";
import type { ArmGallery } from "../types/armGallery";
import type { CloudName, GalleryQuery, GalleryReference } from "../types/lookup";
import { resolveCloud } from "./cloudEndpoints";
import {
  connectionError,
  deadlineError,
  errorFromAnswer,
  oversizedResponse,
  parseGalleryBody,
  requestIdOf,
  throttledPastDeadline,
  redactAnswer,
  type ArmAnswer,
  type FailureContext,
  type TokenRenewal,
} from "./errorMapping";
import { galleryUrl } from "./galleryUrl";
import { logger } from "./logger";
import { escapeUnsafe } from "../errors/safeText";
import { galleryResourceId } from "../gallery/galleryId";
import { createHttpTransport, type HttpTransport, type TransportResult } from "./httpTransport";
import { PROBE_WAIT_MS, RECHECK_MS, Pacer, pacerKey, sharedPacer } from "./pacer";
import { decideRetry, type AttemptOutcome } from "./retryPolicy";
import { readArmSettings, type ArmSettings } from "./settings";
import { SettingsError } from "../errors/SettingsError";

/** How an {@link ArmClient} reaches ARM; every field is optional and has a documented default. */
export interface ArmClientOptions {
  /** Which cloud: picks ARM endpoint, Entra authority and token scope. Default: `ARM_ENVIRONMENT`, `AZURE_ENVIRONMENT`, else `public`. */
  cloud?: CloudName;
  /**
   * Environment to read everything from: settings, the sign-in method and its values (the `AZURE_*` chain
   * included), and `getGallery`'s default subscription and cloud. Default `process.env`.
   */
  env?: NodeJS.ProcessEnv;
  /** Credential to use instead of the lazily created DefaultAzureCredential (tests inject a fake one). */
  credential?: TokenCredential;
  /**
   * Makes a fresh instance of the injected credential. After a 401 without a claims challenge (a token
   * revoked or expired on the server's side) the client uses it once to get past the credential's own
   * token cache. Without it, an injected credential is asked again, and if it hands back the refused
   * token the lookup fails saying so. The DefaultAzureCredential the client creates is always renewed.
   */
  renewCredential?: () => TokenCredential;
  /** Extra CA certificate(s) to trust, PEM (a local emulator, a TLS-inspecting proxy), for ARM and token requests. Added to Node's roots. */
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
  /** The environment the client reads (its `env` option, else `process.env`). */
  readonly env: NodeJS.ProcessEnv;
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
  async getGallery(ref: GalleryReference, options: GalleryQuery = {}): Promise<ArmGallery> {
    const url = galleryUrl(this.settings.endpoint, ref, options);
    const { deadlineMs, attemptTimeoutMs, maxRetries } = this.settings;
    const key = pacerKey(this.settings.endpoint, ref.subscriptionId);
    const start = this.now();
    let attempts = 0;
    let renewal: TokenRenewal | undefined;
    let last = "no attempt";
    let lastStatus: number | undefined;
    const context = (retryAfterMs?: number): FailureContext => ({
      attempts,
      elapsedMs: this.now() - start,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
    const what = (): string => `GET ${escapeUnsafe(galleryResourceId(ref))}`;
    let token = await this.tokenWithin(deadlineMs, () => this.tokens().getToken());

    for (;;) {
      await this.pace(key, ref, () => ({ ...context(), deadlineMs, last, lastStatus }));

      const remaining = deadlineMs - (this.now() - start);
      if (remaining <= 0) throw deadlineError(ref, { ...context(), deadlineMs, last });
      attempts += 1;
      let result: TransportResult;
      try {
        result = await this.http().get(
          url,
          token.token,
          { attemptMs: attemptTimeoutMs, remainingMs: remaining },
          randomUUID(),
        );
      } catch (error) {
        this.pacer.observe(key);
        throw error;
      }
      if (result.kind === "oversized") {
        this.pacer.observe(key);
        throw oversizedResponse(ref, this.settings.maxResponseBytes, context());
      }
      // A server that echoes the token (in a body, a header, a request id) must not put it in an error.
      result = redactAnswer(result, token.token);

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
          tokenRefreshed: renewal !== undefined,
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
      lastStatus = result.kind === "response" ? result.status : undefined;

      switch (decision.action) {
        case "success":
          logger.verbose(`${what()}: ${last} after ${attempts} attempt(s), ${this.now() - start} ms`);
          return parseGalleryBody(ref, result as ArmAnswer);
        case "refreshToken": {
          const refused = token.token;
          renewal = decision.claims !== undefined ? "claims" : "bypassCache";
          const request = decision.claims !== undefined ? { claims: decision.claims } : { bypassCache: true };
          logger.warning(
            `${what()}: ARM refused the token (${last}${renewal === "claims" ? ", claims challenge" : ""}); ` +
              `requesting a new one ${renewal === "claims" ? "with the claims" : "past every token cache"}`,
          );
          token = await this.tokenWithin(deadlineMs - (this.now() - start), () =>
            this.tokens().renew(refused, request),
          );
          if (token.token === refused) {
            // Sending the refused token again would only earn the same 401: say so instead.
            throw errorFromAnswer(ref, result as ArmAnswer, context(), {
              renewal: "sameToken",
              credential: describeCredential(this.options.credential, this.env),
            });
          }
          continue;
        }
        case "retry":
          logger.warning(`${what()}: ${last}; retry ${attempts} of ${maxRetries} in ${decision.delayMs} ms`);
          await this.sleep(decision.delayMs);
          continue;
        case "giveUp":
          logger.warning(`${what()}: ${last}; giving up (${decision.reason}) after ${attempts} attempt(s)`);
          if (decision.reason === "deadline")
            throw deadlineError(ref, { ...context(), deadlineMs, last }, requestId);
          if (
            decision.reason === "retryAfterPastDeadline" &&
            result.kind === "response" &&
            result.status === 429
          ) {
            throw throttledPastDeadline(
              ref,
              { ...context(), deadlineMs, retryAfterMs: decision.retryAfterMs ?? 0, status: 429 },
              requestId,
            );
          }
          if (result.kind === "response") {
            throw errorFromAnswer(ref, result, context(decision.retryAfterMs), {
              ...(renewal !== undefined ? { renewal } : {}),
              ...(decision.reason === "retryAfterPastDeadline" ? { deadlineMs } : {}),
            });
          }
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

  /**
   * Waits for a pacer slot. Only a wait ARM asked for (a 429's Retry-After, shared by the key's lookups)
   * can fail the lookup, and only when it would pass the deadline; the pacer's own estimate never
   * fails a lookup: past the deadline it is cut short and the request is sent.
   */
  private async pace(
    key: string,
    ref: GalleryReference,
    context: () => FailureContext & { deadlineMs: number; last: string; lastStatus?: number },
  ): Promise<void> {
    const first = this.pacer.firstAnswer(key);
    if (first !== undefined) await this.within(Math.min(PROBE_WAIT_MS, context().deadlineMs), first);
    const slot = this.pacer.reserve(key);
    let paced = slot.waitMs;
    for (;;) {
      const ctx = context();
      const asked = this.pacer.blockedFor(key);
      if (asked > 0) {
        if (ctx.elapsedMs + asked >= ctx.deadlineMs) {
          this.pacer.depart(key, slot);
          this.pacer.observe(key);
          // The class and status say what this lookup really met: a 429 of its own, another lookup's
          // 429 (no status), or its own last failure (a timeout naming it).
          if (ctx.attempts > 0 && ctx.lastStatus !== 429) {
            throw deadlineError(ref, {
              ...ctx,
              last: `${ctx.last}, then ARM's Retry-After to another lookup of the subscription (${asked} ms)`,
            });
          }
          throw throttledPastDeadline(ref, {
            ...ctx,
            retryAfterMs: asked,
            ...(ctx.lastStatus === 429 ? { status: 429 } : {}),
          });
        }
        logger.warning(
          `pacing ${escapeUnsafe(galleryResourceId(ref))}: ARM asked to wait ${asked} ms (Retry-After)`,
        );
        await this.sleep(asked);
        continue;
      }
      if (paced <= 0 || ctx.elapsedMs + paced >= ctx.deadlineMs) {
        this.pacer.depart(key, slot);
        return;
      }
      logger.info(`pacing ${escapeUnsafe(galleryResourceId(ref))}: ${paced} ms for ARM's read bucket`);
      await this.sleep(Math.min(paced, RECHECK_MS));
      // Asked again: room ARM reported or a faster refill shortens the wait, a slower one lengthens it
      // (never past the deadline: then the request is sent).
      paced = this.pacer.waitFor(key, slot);
    }
  }

  /** Resolves with `promise`, or undefined once `ms` passed. */
  private async within<T>(ms: number, promise: Promise<T>): Promise<T | undefined> {
    if (!(ms > 0)) return undefined;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), ms);
    });
    try {
      return await Promise.race([promise, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * A token from `fetch`, or a CredentialError once the deadline passes: a credential that hangs (a
   * stalled token endpoint, an unreachable managed identity endpoint) must not hold the lookup past it.
   */
  private async tokenWithin(remainingMs: number, fetch: () => Promise<AccessToken>): Promise<AccessToken> {
    const token = remainingMs > 0 ? await this.within(remainingMs, fetch()) : await fetch();
    if (token === undefined) {
      const credential = describeCredential(this.options.credential, this.env);
      throw credentialDeadlineError(credential, this.settings.scope, this.settings.deadlineMs);
    }
    return token;
  }

  private tokens(): TokenCache {
    this.tokenCache ??= new TokenCache(this.acquireToken(), {
      now: this.now,
      log: (line) => logger.info(line),
    });
    return this.tokenCache;
  }

  private acquireToken(): AcquireToken {
    const settings = { ...this.settings, ...(this.options.ca !== undefined ? { ca: this.options.ca } : {}) };
    return tokenAcquirer(settings, this.options.credential, this.env, this.options.renewCredential);
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
  let resolved: CloudName;
  try {
    resolved = cloud ?? resolveCloud(undefined, process.env).cloud;
  } catch (error) {
    // Let the full validation report the bad cloud variable together with every other bad setting.
    if (error instanceof SettingsError) readArmSettings({ env: process.env });
    throw error;
  }
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
