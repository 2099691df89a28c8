import type { AccessToken } from "@azure/identity";

/**
 * What the client asks of the credential. `{}`: any valid token (caches allowed). `claims`: ARM sent a
 * Continuous Access Evaluation challenge; the credential must fetch a token carrying these claims (the
 * identity library then bypasses its cache, as the Azure SDK's bearer policy relies on). `bypassCache`:
 * ARM refused the token without a challenge (revoked, or expired on the server's side); the credential
 * must not hand out a token from any cache, so a fresh credential instance is used when one can be made.
 */
export interface TokenRequest {
  claims?: string;
  bypassCache?: boolean;
}

/** Fetches one token for the request. */
export type AcquireToken = (request?: TokenRequest) => Promise<AccessToken>;

export interface TokenCacheOptions {
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Refresh this long before `expiresOnTimestamp`. Default 2 minutes. */
  refreshMarginMs?: number;
  /** Told of each token acquisition, why and when it ends; never the token. Default: nothing. */
  log?: (line: string) => void;
}

/**
 * One client's ARM token: reused until shortly before it expires, fetched at most once at a time
 * (concurrent callers share the same request), and renewed past every cache when ARM refuses it.
 */
export class TokenCache {
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private readonly log: (line: string) => void;
  private cached?: AccessToken;
  private inflight?: Promise<AccessToken>;
  /** The token a renewal replaces: lookups refused with it share that renewal. */
  private renewing?: string;

  /** @param acquire fetches a new token; its failures reach every waiting caller and are not cached. */
  constructor(
    private readonly acquire: AcquireToken,
    options: TokenCacheOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = options.refreshMarginMs ?? 120_000;
    this.log = options.log ?? (() => {});
  }

  /** A token valid for at least the refresh margin. */
  getToken(): Promise<AccessToken> {
    const cached = this.cached;
    if (cached !== undefined && this.now() < cached.expiresOnTimestamp - this.refreshMarginMs) {
      return Promise.resolve(cached);
    }
    return this.inflight ?? this.start({});
  }

  /**
   * A token to replace `refused`, which ARM answered 401 to. When many lookups are refused the same
   * token, the first starts one renewal (with `request`) and the rest share it; a lookup refused a token
   * that was already replaced gets the replacement.
   */
  renew(refused: string, request: TokenRequest): Promise<AccessToken> {
    if (this.renewing === refused && this.inflight !== undefined) return this.inflight;
    if (this.cached !== undefined && this.cached.token !== refused) return this.getToken();
    this.cached = undefined;
    this.renewing = refused;
    return this.start(request);
  }

  private start(request: TokenRequest): Promise<AccessToken> {
    const why =
      request.claims !== undefined
        ? "with the claims ARM challenged for"
        : request.bypassCache === true
          ? "past every cache, after ARM refused the last one"
          : this.cached === undefined
            ? "none cached"
            : "the cached one expires soon";
    this.log(`token: requesting an ARM token (${why})`);
    const pending = this.acquire(request).then(
      (token) => {
        if (this.inflight === pending) this.cached = token;
        this.log(
          `token: obtained, valid for ${Math.round((token.expiresOnTimestamp - this.now()) / 1000)} s`,
        );
        return token;
      },
      (error: unknown) => {
        this.log(`token: the credential failed (${error instanceof Error ? error.name : "error"})`);
        throw error;
      },
    );
    this.inflight = pending;
    // Clear once settled, whatever the outcome, so that a failure is retried by the next caller.
    const clear = (): void => {
      if (this.inflight === pending) {
        this.inflight = undefined;
        this.renewing = undefined;
      }
    };
    pending.then(clear, clear);
    return pending;
  }
}
