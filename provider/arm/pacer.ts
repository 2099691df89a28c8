/**
 * Client-side mirror of ARM's subscription read bucket, so that a burst of lookups slows down before
 * ARM starts answering 429 rather than after.
 *
 * Per key (endpoint + subscription) it keeps an estimate of the tokens left: it starts from ARM's
 * documented bucket (250 reads, refilled 25 per second), is reset from
 * `x-ms-ratelimit-remaining-subscription-reads` (minus the slots still in flight), and goes into debt as lookups book slots. When the
 * estimate falls below a reserve (10% of the largest bucket seen), each further lookup waits until the
 * refill would cover it. A 429 with Retry-After blocks every lookup of the key until then.
 * Pure apart from the injected clock.
 */

export interface PacerOptions {
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** Tokens ARM adds per second. Default 25 (public cloud, since 2024). */
  refillPerSecond?: number;
  /** Bucket size assumed before ARM reports one. Default 250. */
  assumedBurst?: number;
  /** Fraction of the largest bucket seen kept as a reserve for other clients. Default 0.1. */
  reserveFraction?: number;
}

interface Bucket {
  tokens: number;
  updatedAt: number;
  highest: number;
  blockedUntil: number;
  /** Slots booked whose answer has not been observed yet. */
  pending: number;
}

/** One answer (or failure) of a booked slot. Header names lower-case. */
export interface PacerObservation {
  status?: number;
  headers?: Readonly<Record<string, string | undefined>>;
  /** What the service asked for with a 429/503, already parsed. */
  retryAfterMs?: number;
}

export class Pacer {
  private readonly now: () => number;
  private readonly refillPerMs: number;
  private readonly assumedBurst: number;
  private readonly reserveFraction: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: PacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.refillPerMs = (options.refillPerSecond ?? 25) / 1000;
    this.assumedBurst = options.assumedBurst ?? 250;
    this.reserveFraction = options.reserveFraction ?? 0.1;
  }

  /** Books a slot for one request and returns how long (ms) to wait before sending it. */
  reserve(key: string): number {
    const bucket = this.refill(key);
    const now = bucket.updatedAt;
    bucket.tokens -= 1;
    bucket.pending += 1;
    const floor = this.reserveFraction * bucket.highest;
    const refillWait = bucket.tokens < floor ? Math.ceil((floor - bucket.tokens) / this.refillPerMs) : 0;
    return Math.max(0, bucket.blockedUntil - now, refillWait);
  }

  /** How long (ms) a 429 still blocks the key: checked again after waiting for a booked slot. */
  blockedFor(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket === undefined ? 0 : Math.max(0, bucket.blockedUntil - this.now());
  }

  /** Feeds back the answer to a booked slot (call exactly once per {@link reserve}). */
  observe(key: string, observation: PacerObservation = {}): void {
    const bucket = this.refill(key);
    bucket.pending = Math.max(0, bucket.pending - 1);
    const remaining = Number.parseInt(
      observation.headers?.["x-ms-ratelimit-remaining-subscription-reads"] ?? "",
      10,
    );
    if (Number.isFinite(remaining) && remaining >= 0) {
      // ARM's count is the truth, upwards too: an estimate that could only fall would pace every lookup
      // after the first 225 to the refill rate, even while ARM reports a full bucket. Slots booked by
      // others will still be spent on top of what ARM reported.
      bucket.highest = Math.max(bucket.highest, remaining);
      bucket.tokens = remaining - bucket.pending;
    }
    if (observation.status === 429) {
      bucket.tokens = Math.min(bucket.tokens, -bucket.pending);
      if (observation.retryAfterMs !== undefined) {
        bucket.blockedUntil = Math.max(bucket.blockedUntil, bucket.updatedAt + observation.retryAfterMs);
      }
    }
  }

  private refill(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (bucket === undefined) {
      bucket = {
        tokens: this.assumedBurst,
        updatedAt: now,
        highest: this.assumedBurst,
        blockedUntil: 0,
        pending: 0,
      };
      this.buckets.set(key, bucket);
      return bucket;
    }
    const elapsed = Math.max(0, now - bucket.updatedAt);
    bucket.tokens = Math.min(bucket.highest, bucket.tokens + elapsed * this.refillPerMs);
    bucket.updatedAt = now;
    return bucket;
  }
}

/** The key ARM buckets by (as far as one principal can tell): endpoint and subscription. */
export function pacerKey(endpoint: string, subscriptionId: string): string {
  return `${endpoint.toLowerCase()}|${subscriptionId.toLowerCase()}`;
}

/** Shared by every client of the process, since ARM's bucket is shared too. */
export const sharedPacer = new Pacer();
