import type { AccessToken } from "@azure/identity";

export interface TokenCacheOptions {
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Refresh this long before `expiresOnTimestamp`. Default 2 minutes. */
  refreshMarginMs?: number;
}

/**
 * One client's ARM token: reused until shortly before it expires, fetched at most once at a time
 * (concurrent callers share the same request), and dropped on a 401.
 */
export class TokenCache {
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private cached?: AccessToken;
  private inflight?: Promise<AccessToken>;

  /** @param acquire fetches a new token; its failures reach every waiting caller and are not cached. */
  constructor(
    private readonly acquire: () => Promise<AccessToken>,
    options: TokenCacheOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = options.refreshMarginMs ?? 120_000;
  }

  /** A token valid for at least the refresh margin. */
  getToken(): Promise<AccessToken> {
    const cached = this.cached;
    if (cached !== undefined && this.now() < cached.expiresOnTimestamp - this.refreshMarginMs) {
      return Promise.resolve(cached);
    }
    if (this.inflight === undefined) {
      const request = this.acquire().then((token) => {
        if (this.inflight === request) this.cached = token;
        return token;
      });
      this.inflight = request;
      // Clear once settled, whatever the outcome, so that a failure is retried by the next caller.
      const clear = (): void => {
        if (this.inflight === request) this.inflight = undefined;
      };
      request.then(clear, clear);
    }
    return this.inflight;
  }

  /**
   * Forgets `token` (ARM refused it). Only that token: when many lookups get a 401 for the same stale
   * token, the first invalidates it and the rest share the one refresh.
   */
  invalidate(token?: string): void {
    if (token === undefined || this.cached?.token === token) this.cached = undefined;
  }
}
