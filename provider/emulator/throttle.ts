// ARM's read throttle: a token bucket per subscription, refilled continuously.

export interface ThrottleSettings {
  burst: number;
  refillPerSecond: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = { burst: 250, refillPerSecond: 25 };

export type ThrottleDecision =
  { allowed: true; remaining: number } | { allowed: false; remaining: 0; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class SubscriptionThrottle {
  private buckets = new Map<string, Bucket>();
  private settings: ThrottleSettings | undefined;

  constructor(settings: false | Partial<ThrottleSettings> | undefined) {
    this.configure(settings);
  }

  /** Replaces the settings and refills every bucket. */
  configure(settings: false | Partial<ThrottleSettings> | undefined): void {
    if (settings === false) {
      this.settings = undefined;
    } else {
      const burst = settings?.burst ?? DEFAULT_THROTTLE.burst;
      const refillPerSecond = settings?.refillPerSecond ?? DEFAULT_THROTTLE.refillPerSecond;
      if (!(burst >= 0) || !(refillPerSecond > 0)) {
        throw new Error("throttle needs burst >= 0 and refillPerSecond > 0");
      }
      this.settings = { burst, refillPerSecond };
    }
    this.buckets = new Map();
  }

  current(): ThrottleSettings | false {
    return this.settings ? { ...this.settings } : false;
  }

  private refill(subscription: string, now: number): Bucket | undefined {
    const settings = this.settings;
    if (!settings) return undefined;
    const key = subscription.toLowerCase();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      bucket = { tokens: settings.burst, at: now };
      this.buckets.set(key, bucket);
    } else if (now > bucket.at) {
      bucket.tokens = Math.min(
        settings.burst,
        bucket.tokens + ((now - bucket.at) / 1000) * settings.refillPerSecond,
      );
      bucket.at = now;
    }
    return bucket;
  }

  /** Takes one read from the subscription's bucket. */
  take(subscription: string, now = Date.now()): ThrottleDecision {
    const bucket = this.refill(subscription, now);
    const settings = this.settings;
    if (!bucket || !settings) return { allowed: true, remaining: DEFAULT_THROTTLE.burst - 1 };
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true, remaining: Math.floor(bucket.tokens) };
    }
    const retryAfterSeconds = Math.max(1, Math.ceil((1 - bucket.tokens) / settings.refillPerSecond));
    return { allowed: false, remaining: 0, retryAfterSeconds };
  }

  /** Remaining whole reads without taking one (for answers that do not count, e.g. a 401). */
  peek(subscription: string | undefined, now = Date.now()): number {
    if (subscription === undefined || !this.settings) return this.settings?.burst ?? DEFAULT_THROTTLE.burst;
    return Math.floor(this.refill(subscription, now)?.tokens ?? 0);
  }
}
