/**
 * Client-side mirror of ARM's subscription read bucket, so that a burst of lookups slows down before
 * ARM starts answering 429 rather than after. It paces only on evidence and believes only what is bounded:
 *
 * - Evidence is `x-ms-ratelimit-remaining-subscription-reads` or a 429. An endpoint that sends neither
 *   (Azure Stack Hub, a gateway, a test double) is never paced; evidence older than a minute is forgotten.
 *   The first request to a key goes alone: the others of a burst wait for its answer (one round trip,
 *   at most {@link PROBE_WAIT_MS}) to learn whether the endpoint reports a bucket at all.
 * - The estimate of reads left is ARM's figure minus the slots booked since. The bucket size is the
 *   largest figure ARM reported, capped at {@link MAX_BELIEVED_READS} and decaying (half-life
 *   {@link CAPACITY_HALF_LIFE_MS}), so that one odd answer (a proxy, another bucket) is soon forgotten.
 * - The refill rate is learned from successive figures while the bucket is not near full (starting
 *   from 25/s, ARM's public rate), halved by a 429, and bounded to {@link MIN_REFILL_PER_SECOND}–
 *   {@link MAX_REFILL_PER_SECOND}: a bucket refilled at 50/s, or at a sovereign cloud's 12,000 per hour,
 *   is used as it is.
 * - Below the reserve (10% of the bucket) lookups queue and are released one per refill interval: a
 *   lookup never waits longer than the queue ahead of it takes to drain at the refill rate, and is
 *   released early when ARM reports room.
 * - A 429's Retry-After blocks every lookup of the key, for at most {@link MAX_SHARED_BLOCK_MS}: a longer
 *   wait is the business of the lookup that received it, not of every lookup of the process.
 * Pure apart from the clock (`Date.now()`, which tests fake with sinon).
 */

export interface PacerOptions {
  /** Refill rate assumed until successive answers show the real one. Default 25 per second. */
  refillPerSecond?: number;
  /** Fraction of the bucket kept as a reserve for other clients. Default 0.1. */
  reserveFraction?: number;
}

/** Remaining-reads figures above this are read as this (sovereign clouds report up to 11,999). */
export const MAX_BELIEVED_READS = 15_000;
/** How fast a high figure is forgotten when ARM no longer reports it. */
export const CAPACITY_HALF_LIFE_MS = 10_000;
/** Evidence (a figure or a 429) this old no longer paces anything. */
export const EVIDENCE_TTL_MS = 60_000;
/** Longest a 429's Retry-After holds back the other lookups of the key. */
export const MAX_SHARED_BLOCK_MS = 60_000;
/** A queued lookup asks again at least this often: a faster refill learned meanwhile releases it early. */
export const RECHECK_MS = 1_000;
/** Longest the lookups of a first burst wait for the first answer. */
export const PROBE_WAIT_MS = 2_000;
export const MIN_REFILL_PER_SECOND = 1;
export const MAX_REFILL_PER_SECOND = 2_000;
/** The bucket size believed after a 429 from an endpoint that reports none (ARM's documented 250). */
const DOCUMENTED_BUCKET = 250;
/** The header in which ARM reports the reads left in the subscription's bucket. */
export const REMAINING_READS_HEADER = "x-ms-ratelimit-remaining-subscription-reads";

interface Bucket {
  /** Reads left as far as the evidence goes; negative when more are booked than ARM reported. */
  tokens: number;
  updatedAt: number;
  /** Largest figure reported, decayed to `updatedAt`. */
  capacity: number;
  refillPerMs: number;
  /** The last figure: when, what, and how many answers spent a read since (to learn the refill rate). */
  anchor?: { at: number; remaining: number; spent: number };
  blockedUntil: number;
  /** Slots booked whose answer has not been observed yet. */
  pending: number;
  evidenceUntil: number;
  /** Queue under the reserve: tickets issued, and `released` tickets allowed by time `releasedAt`. */
  nextTicket: number;
  /** The oldest ticket that may still wait, and tickets that left the queue out of turn. */
  head: number;
  departed: Set<number>;
  released: number;
  releasedAt: number;
  /** When a 429 last halved the refill rate. */
  halvedAt: number;
  /** The first request's answer, awaited by the rest of its burst. */
  firstAnswer?: { promise: Promise<void>; resolve: () => void };
}

/** One answer (or failure) of a booked slot. Header names lower-case. */
export interface PacerObservation {
  status?: number;
  headers?: Readonly<Record<string, string | undefined>>;
  /** What the service asked for with a 429/503, already parsed. */
  retryAfterMs?: number;
}

/** A booked slot: `waitMs` now; ask {@link Pacer.waitFor} again after waiting (the queue may move). */
export interface PacerSlot {
  waitMs: number;
  /** Position in the queue under the reserve, when the slot was queued. */
  ticket?: number;
}

export class Pacer {
  private readonly initialRefillPerMs: number;
  private readonly reserveFraction: number;
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: PacerOptions = {}) {
    this.initialRefillPerMs =
      clamp(options.refillPerSecond ?? 25, MIN_REFILL_PER_SECOND, MAX_REFILL_PER_SECOND) / 1000;
    this.reserveFraction = options.reserveFraction ?? 0.1;
  }

  /**
   * While the first request to a key is in flight, the others wait for its answer: resolves then (or
   * undefined when there is nothing to wait for).
   */
  firstAnswer(key: string): Promise<void> | undefined {
    return this.buckets.get(key)?.firstAnswer?.promise;
  }

  /** Books a slot for one request (call {@link observe} once for it) and says how long to wait first. */
  reserve(key: string): PacerSlot {
    const existing = this.buckets.get(key);
    if (existing === undefined) {
      const bucket = this.newBucket();
      let resolve = (): void => undefined;
      const promise = new Promise<void>((r) => (resolve = r));
      bucket.firstAnswer = { promise, resolve };
      bucket.pending = 1;
      this.buckets.set(key, bucket);
      return { waitMs: 0 };
    }
    const bucket = this.refill(existing);
    bucket.pending += 1;
    if (!this.evident(bucket)) return { waitMs: 0 };
    bucket.tokens -= 1;
    if (bucket.tokens >= this.floor(bucket)) return { waitMs: 0 };
    // Under the reserve: join the queue. An idle queue restarts now, so that no credit builds up.
    if (this.allowed(bucket) > bucket.nextTicket) {
      bucket.released = bucket.nextTicket;
      bucket.releasedAt = bucket.updatedAt;
    }
    if (bucket.head === bucket.nextTicket) bucket.departed.clear();
    const ticket = bucket.nextTicket++;
    return { waitMs: this.ticketWait(bucket, ticket), ticket };
  }

  /**
   * How long a queued slot still waits: 0 once its turn came at the refill rate, or once ARM's figure
   * shows room for it and every slot queued before it (reads not yet sent are not spent).
   */
  waitFor(key: string, slot: PacerSlot): number {
    const existing = this.buckets.get(key);
    if (existing === undefined || slot.ticket === undefined) return 0;
    const bucket = this.refill(existing);
    if (!this.evident(bucket) || bucket.departed.has(slot.ticket) || slot.ticket < bucket.head) return 0;
    const waiting = bucket.nextTicket - bucket.head - bucket.departed.size;
    const ahead = slot.ticket - bucket.head;
    if (bucket.tokens + waiting - ahead - 1 >= this.floor(bucket)) return 0;
    return this.ticketWait(bucket, slot.ticket);
  }

  /** The slot is being sent now (its wait is over, or cut short by a deadline): it leaves the queue. */
  depart(key: string, slot: PacerSlot): void {
    const bucket = this.buckets.get(key);
    if (bucket === undefined || slot.ticket === undefined || slot.ticket < bucket.head) return;
    bucket.departed.add(slot.ticket);
    while (bucket.departed.delete(bucket.head)) bucket.head += 1;
  }

  /** How long ARM's Retry-After still blocks the key. */
  blockedFor(key: string): number {
    const bucket = this.buckets.get(key);
    return bucket === undefined ? 0 : Math.max(0, bucket.blockedUntil - Date.now());
  }

  /** Feeds back the answer to a booked slot (call exactly once per {@link reserve}). */
  observe(key: string, observation: PacerObservation = {}): void {
    const existing = this.buckets.get(key);
    if (existing === undefined) return;
    const bucket = this.refill(existing);
    const now = bucket.updatedAt;
    bucket.pending = Math.max(0, bucket.pending - 1);
    bucket.firstAnswer?.resolve();
    bucket.firstAnswer = undefined;

    const { status } = observation;
    const raw = observation.headers?.[REMAINING_READS_HEADER]?.trim();
    const reported =
      raw !== undefined && /^\d{1,15}$/.test(raw) ? Math.min(Number(raw), MAX_BELIEVED_READS) : undefined;
    if (bucket.anchor !== undefined && status !== undefined && status !== 429 && status !== 401) {
      bucket.anchor.spent += 1;
    }
    if (reported !== undefined) {
      this.learnRefill(bucket, reported, now);
      bucket.capacity = Math.max(bucket.capacity, reported);
      // ARM's figure is the truth, upwards too; slots booked by others will still be spent on top of it.
      bucket.tokens = reported - bucket.pending;
      bucket.evidenceUntil = now + EVIDENCE_TTL_MS;
    }
    if (status === 429) {
      if (bucket.capacity === 0) bucket.capacity = DOCUMENTED_BUCKET;
      // We overran what we believed: halve the refill rate (once a second at most, not below the
      // minimum) until figures say more.
      if (now - bucket.halvedAt >= 1000) {
        bucket.halvedAt = now;
        bucket.released = this.allowed(bucket);
        bucket.releasedAt = now;
        bucket.refillPerMs = Math.max(MIN_REFILL_PER_SECOND / 1000, bucket.refillPerMs / 2);
      }
      bucket.tokens = Math.min(bucket.tokens, -bucket.pending);
      bucket.evidenceUntil = now + EVIDENCE_TTL_MS;
      if (observation.retryAfterMs !== undefined) {
        const block = Math.min(observation.retryAfterMs, MAX_SHARED_BLOCK_MS);
        bucket.blockedUntil = Math.max(bucket.blockedUntil, now + block);
      }
      // The queue earns no turns while ARM holds every lookup back: it resumes where it is after the block.
      bucket.released = this.allowed(bucket);
      bucket.releasedAt = Math.max(now, bucket.blockedUntil);
    }
  }

  /** What the pacer believes of a key, for tests and diagnostics. */
  state(
    key: string,
  ): { tokens: number; capacity: number; refillPerSecond: number; paced: boolean } | undefined {
    const existing = this.buckets.get(key);
    if (existing === undefined) return undefined;
    const bucket = this.refill(existing);
    return {
      tokens: bucket.tokens,
      capacity: bucket.capacity,
      refillPerSecond: bucket.refillPerMs * 1000,
      paced: this.evident(bucket),
    };
  }

  private newBucket(): Bucket {
    const now = Date.now();
    return {
      tokens: 0,
      updatedAt: now,
      capacity: 0,
      refillPerMs: this.initialRefillPerMs,
      blockedUntil: 0,
      pending: 0,
      evidenceUntil: 0,
      nextTicket: 0,
      head: 0,
      departed: new Set(),
      released: 0,
      releasedAt: now,
      halvedAt: -Infinity,
    };
  }

  private evident(bucket: Bucket): boolean {
    return bucket.updatedAt < bucket.evidenceUntil;
  }

  private floor(bucket: Bucket): number {
    return this.reserveFraction * bucket.capacity;
  }

  /** Tickets the queue has released by now, at the refill rate. */
  private allowed(bucket: Bucket): number {
    return bucket.released + (bucket.updatedAt - bucket.releasedAt) * bucket.refillPerMs;
  }

  /**
   * The wait of a queued ticket. Never more than the slots booked and not yet answered take at the
   * refill rate: tickets of slots that were sent early (a deadline) or abandoned do not hold others back.
   */
  private ticketWait(bucket: Bucket, ticket: number): number {
    const allowed = Math.max(this.allowed(bucket), bucket.nextTicket - bucket.pending);
    return Math.max(0, Math.ceil((ticket + 1 - allowed) / bucket.refillPerMs));
  }

  /**
   * One refill-rate sample per second or more between figures: (new − old + reads spent) / time. Only
   * while both figures are under 90% of the bucket: a bucket at or near full stops refilling (or, behind
   * a gateway that reports a constant, never empties) and would tell nothing. Even there a steady figure
   * only bounds the refill from below, so a sample raises the rate, and lowers it only while ARM's
   * figure falls.
   */
  private learnRefill(bucket: Bucket, reported: number, now: number): void {
    const anchor = bucket.anchor;
    if (anchor === undefined) {
      bucket.anchor = { at: now, remaining: reported, spent: 0 };
      return;
    }
    const elapsed = now - anchor.at;
    if (elapsed < 1000) return;
    const sample = (reported - anchor.remaining + anchor.spent) / elapsed;
    const informative = Math.max(anchor.remaining, reported) < 0.9 * bucket.capacity;
    if (informative && (sample > bucket.refillPerMs || reported < anchor.remaining)) {
      const bounded = clamp(sample * 1000, MIN_REFILL_PER_SECOND, MAX_REFILL_PER_SECOND) / 1000;
      // Rebase the queue at the old rate before switching, so released tickets stay released.
      bucket.released = this.allowed(bucket);
      bucket.releasedAt = now;
      bucket.refillPerMs = (bucket.refillPerMs + bounded) / 2;
    }
    bucket.anchor = { at: now, remaining: reported, spent: 0 };
  }

  /** Brings the estimate to now: refill, decay of the bucket size, expiry of old evidence. */
  private refill(bucket: Bucket): Bucket {
    const now = Date.now();
    const elapsed = Math.max(0, now - bucket.updatedAt);
    if (elapsed > 0) {
      bucket.capacity *= 0.5 ** (elapsed / CAPACITY_HALF_LIFE_MS);
      if (bucket.anchor !== undefined) bucket.capacity = Math.max(bucket.capacity, bucket.anchor.remaining);
      bucket.tokens = Math.min(bucket.capacity, bucket.tokens + elapsed * bucket.refillPerMs);
      bucket.updatedAt = now;
    }
    if (bucket.evidenceUntil !== 0 && now >= bucket.evidenceUntil) {
      // Forget stale evidence: a quiet endpoint is not paced on what it said a minute ago.
      Object.assign(bucket, {
        ...this.newBucket(),
        pending: bucket.pending,
        blockedUntil: bucket.blockedUntil,
      });
    }
    return bucket;
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** The key ARM buckets by (as far as one principal can tell): endpoint and subscription. */
export function pacerKey(endpoint: string, subscriptionId: string): string {
  return `${endpoint.toLowerCase()}|${subscriptionId.toLowerCase()}`;
}

/** Shared by every client of the process, since ARM's bucket is shared too. */
export const sharedPacer = new Pacer();
