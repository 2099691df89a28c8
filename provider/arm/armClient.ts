import type { TokenCredential } from "@azure/identity";
import type { HttpClient, Pipeline } from "@azure/core-rest-pipeline";
import { describeCredential, tokenAcquirer } from "../auth/credential";
import type { ArmGallery } from "../types/armGallery";
import type { CloudName, GalleryQuery, GalleryReference } from "../types/lookup";
import { resolveCloud } from "../settings/cloudEndpoints";
import { lookupResult } from "./errorMapping";
import { galleryUrl } from "./galleryUrl";
import { withDeadline } from "./lookupRequest";
import { Pacer, sharedPacer } from "./pacer";
import { readProxyRule } from "../settings/proxyRule";
import { readArmSettings, type ArmSettings } from "../settings/settings";
import { SettingsError } from "../errors/SettingsError";

/** How an {@link ArmClient} reaches ARM; every field is optional and has a documented default. */
export interface ArmClientOptions {
  /** Which cloud: picks ARM endpoint, Entra authority and token scope. Default: `ARM_ENVIRONMENT`, `AZURE_ENVIRONMENT`, else `public`. */
  cloud?: CloudName;
  /**
   * Environment to read everything from: settings, proxies, the sign-in method and its values (the
   * `AZURE_*` chain included), and `getGallery`'s default subscription and cloud. Default `process.env`.
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
  /** Pacer for ARM's read bucket. Default: the process-wide one, shared by all clients. */
  pacer?: Pacer;
}

/**
 * Galleries - Get against ARM: one `PipelineRequest` per lookup, carrying one `AbortSignal` for its
 * deadline, through the pipeline of `armPipeline.ts` over axios, and one mapping of what comes out
 * (`lookupResult`). Construction only reads settings; the credential, the pipeline, the HTTPS agent and
 * the sockets are created on the first request.
 */
export class ArmClient {
  /** The validated settings, read once at construction. */
  readonly settings: ArmSettings;
  /** The environment the client reads (its `env` option, else `process.env`). */
  readonly env: NodeJS.ProcessEnv;
  private readonly options: ArmClientOptions;
  private readonly pacer: Pacer;
  private stack?: {
    pipeline: Pipeline;
    httpClient: HttpClient & { close(): void };
    createPipelineRequest: typeof import("@azure/core-rest-pipeline").createPipelineRequest;
  };

  /** @throws SettingsError when a setting is unusable, before any token is requested (proxy variables: at the first lookup). */
  constructor(options: ArmClientOptions = {}) {
    this.options = options;
    this.env = options.env ?? process.env;
    this.settings = readArmSettings({
      ...(options.cloud !== undefined ? { cloud: options.cloud } : {}),
      env: this.env,
    });
    this.pacer = options.pacer ?? sharedPacer;
  }

  /** Galleries - Get. Resolves to the parsed body of a 200; rejects with one of the package's errors. */
  async getGallery(ref: GalleryReference, options: GalleryQuery = {}): Promise<ArmGallery> {
    const url = galleryUrl(this.settings.endpoint, ref, options);
    const { pipeline, httpClient, createPipelineRequest } = this.http();
    const { deadlineMs } = this.settings;
    const request = withDeadline(
      createPipelineRequest({ url, method: "GET", abortSignal: AbortSignal.timeout(deadlineMs) }),
      deadlineMs,
    );
    const lookup = { ref, startedAt: request.deadlineAt - deadlineMs, deadlineMs };
    const end = {
      endpoint: this.settings.endpoint,
      maxResponseBytes: this.settings.maxResponseBytes,
      credentialName: () => describeCredential(this.options.credential, this.env),
    };
    let response;
    try {
      response = await pipeline.sendRequest(httpClient, request);
    } catch (error) {
      return lookupResult({ error }, lookup, end);
    }
    return lookupResult({ response }, lookup, end);
  }

  /** Closes idle keep-alive sockets (tests, short-lived tools). The client stays usable. */
  close(): void {
    this.stack?.httpClient.close();
    this.stack = undefined;
  }

  private http(): NonNullable<ArmClient["stack"]> {
    if (this.stack !== undefined) return this.stack;
    // Loaded on the first request, not with the package: a preview that looks nothing up never pays for them.
    const { createArmPipeline, createPipelineRequest, createAxiosHttpClient } = httpModules();
    const { ca, credential, renewCredential } = this.options;
    const proxy = readProxyRule(this.env);
    const settings = { ...this.settings, ...(ca !== undefined ? { ca } : {}) };
    const pipeline = createArmPipeline({
      maxRetries: this.settings.maxRetries,
      pacer: this.pacer,
      proxy,
      tokens: {
        acquire: tokenAcquirer(settings, credential, this.env, renewCredential),
        credentialName: () => describeCredential(credential, this.env),
        scope: this.settings.scope,
        deadlineMs: this.settings.deadlineMs,
      },
    });
    const httpClient = createAxiosHttpClient({
      ...(ca !== undefined ? { ca } : {}),
      ...(proxy.proxy !== undefined ? { proxy: proxy.proxy } : {}),
      maxResponseBytes: this.settings.maxResponseBytes,
      attemptTimeoutMs: this.settings.attemptTimeoutMs,
    });
    this.stack = { pipeline, httpClient, createPipelineRequest };
    return this.stack;
  }
}

/** What an {@link ArmClient} loads at its first request: one list for the client and for {@link loadHttpStack}. */
function httpModules() {
  return {
    createArmPipeline: (require("./armPipeline") as typeof import("./armPipeline")).createArmPipeline,
    createPipelineRequest: (
      require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline")
    ).createPipelineRequest,
    createAxiosHttpClient: (require("./axiosHttpClient") as typeof import("./axiosHttpClient"))
      .createAxiosHttpClient,
  };
}

/**
 * Loads what an {@link ArmClient} loads at its first request ahead of it (the prefetch thread, while the
 * program constructs): its modules, and what they load only when they first run, axios when the HTTP
 * client is made and the credential library at the first token.
 */
export function loadHttpStack(): void {
  httpModules();
  require("axios");
  require("@azure/identity");
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
