// CONTRACT — the emulator task implements this; the engine harness, fault tests and benchmarks use it.
import type { ArmGallery } from "../types/armGallery";
import type { EmulatorIdentities, IdentityOptions } from "./identities";

/** Options of {@link startEmulator}. Every field is optional. */
export interface EmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  /** Galleries to serve instead of the five spec examples: a JSON file path or the galleries themselves. */
  seed?: string | SeedGallery[];
  /** Folder for ca.pem (and the CA key, reused when present); default a new temporary folder. */
  caDir?: string;
  /** Entra tenant, client id and secret the token endpoint accepts. Defaults are fixed, documented values. */
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  /**
   * The subscription a lookup without `subscriptionId` reads (`AZURE_SUBSCRIPTION_ID`), and that of the default
   * seed. Default: with a seed, the seed's (the first gallery's when it spans several); else a fixed one.
   */
  subscriptionId?: string;
  resourceGroupName?: string;
  /** Lifetime of issued tokens in seconds (default 3600). */
  tokenLifetimeSeconds?: number;
  /** Prefix of every issued token, so tests can plant canaries (default random). */
  tokenPrefix?: string;
  /** ARM read throttling per subscription; `false` turns it off. Default on, 250 burst, 25/s. */
  throttle?: false | { burst?: number; refillPerSecond?: number };
  /** Api-versions of Galleries - Get the emulator answers (default `["2025-03-03"]`); others get a 400. */
  apiVersions?: string[];
  /** Most journal entries kept (oldest dropped first; default 100,000). */
  journalLimit?: number;
  /** Secrets of the managed identity and GitHub-style endpoints (default random), for canary tests. */
  identities?: IdentityOptions;
  /** Service latency added to every ARM answer, in ms (default 0): a real ARM GET takes 20–100 ms. */
  latencyMs?: number;
}

/** A gallery to serve: where it lives and the body Galleries - Get returns (with groups; `$expand` decides). */
export interface SeedGallery {
  subscriptionId: string;
  resourceGroupName: string;
  /** The full 200 body. `id` and `name` are filled in from the location when absent. */
  gallery: ArmGallery & { name: string };
}

/** One injected fault. It applies to the next `times` matching requests (default 1), then is gone. */
export interface FaultSpec {
  /** Matches requests whose path contains this text (case-insensitive); default every ARM request. */
  pathIncludes?: string;
  /** Which side: `arm` (default) or `token` (the Entra token endpoint). */
  target?: "arm" | "token";
  times?: number;
  /** Answer with this status, headers and body (a string is sent as is; an object as JSON). */
  status?: number;
  headers?: Record<string, string>;
  body?: string | object;
  /** Wait this long before answering (or before the other effects). */
  delayMs?: number;
  /** Destroy the socket without an answer. */
  reset?: boolean;
  /** Send the headers and part of the body, then destroy the socket. */
  truncate?: boolean;
}

/** One request the emulator saw. Never holds the Authorization header or any token. */
export interface JournalEntry {
  time: number;
  method: string;
  /** Decoded path, without query. */
  path: string;
  /** Decoded query parameters. */
  query: Record<string, string>;
  status: number;
  /** `arm`, `token`, `discovery` or `control`. */
  kind: "arm" | "token" | "discovery" | "control";
  /** The fault that answered it, if one did. */
  fault?: boolean;
}

/** What {@link startEmulator} resolves to. */
export interface EmulatorHandle {
  armEndpoint: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  resourceGroupName: string;
  caCertFile: string;
  /** The CA certificate, PEM, for clients that take it directly. */
  caCert: string;
  /** ARM ids of the galleries served now. */
  galleries(): string[];
  /** Environment variables that point `@azure/identity`, this package and Node at the emulator. */
  environment(): Record<string, string>;
  /** Adds or replaces a gallery. */
  putGallery(seed: SeedGallery): void;
  /** Changes a served gallery in place (deep-merged patch, arrays replaced). */
  patchGallery(id: string, patch: Partial<ArmGallery>): void;
  removeGallery(id: string): boolean;
  injectFault(fault: FaultSpec): void;
  clearFaults(): void;
  /** Every request so far (a copy). */
  journal(): JournalEntry[];
  clearJournal(): void;
  /** Makes every token issued so far invalid (the next ARM request with one answers 401). */
  revokeTokens(): void;
  /** Makes every token issued so far expired (the next ARM request with one answers 401 ExpiredAuthenticationToken). */
  expireTokens(): void;
  /**
   * Continuous Access Evaluation: ARM refuses every CAE token (one requested with the `cp1` capability)
   * that was not requested with these claims (JSON, e.g. `{"access_token":{"nbf":{"essential":true,"value":"1726077595"}}}`),
   * answering 401 with `WWW-Authenticate: Bearer … error="insufficient_claims", claims="<base64>"`.
   * Tokens without `cp1` stay valid, as on Azure. `undefined` lifts it.
   */
  requireClaims(claims: string | undefined): void;
  /** The `claims` each token request carried, in order. */
  tokenRequests(): { claims?: string }[];
  /** Number of tokens issued so far. */
  tokensIssued(): number;
  /** The other sign-in methods: certificate and federated apps, managed identity and GitHub-style endpoints. */
  identities: EmulatorIdentities;
  /** Number of TLS connections accepted so far (benchmarks check connection reuse with it). */
  connections(): number;
  /** Changes the latency added to every ARM answer from now on (see {@link EmulatorOptions.latencyMs}). */
  setLatency(ms: number): void;
  /**
   * Holds every ARM answer until `count` ARM requests have arrived, then lets them all go at once (later
   * requests are not held). A client that sends its GETs one after the other waits forever: tests prove by
   * counting that lookups overlap. Replaces a hold already set, releasing what it held.
   */
  holdAnswers(count: number): void;
  /** Lets every held ARM answer go and ends the hold. */
  releaseAnswers(): void;
  /** Replaces the throttle settings and refills the buckets. */
  setThrottle(throttle: false | { burst?: number; refillPerSecond?: number }): void;
  close(): Promise<void>;
}
