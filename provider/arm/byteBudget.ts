import type { Readable } from "node:stream";
import { StringDecoder } from "node:string_decoder";

/**
 * A process-wide bound on the bytes of ARM answers held in memory at once. The per-answer cap
 * (`GALLERY_LOOKUP_MAX_RESPONSE_BYTES`) bounds one answer; without this, 64 sockets per client, each
 * receiving an answer just under the cap, plus the copies made while decoding, would take gigabytes.
 *
 * Each answer holds a {@link ByteClaim} that grows as its body arrives. A claim that does not fit waits
 * (its socket is not read, so TCP back-pressure holds the rest on the server side) in arrival order.
 * The oldest claim may always grow, even past the limit: otherwise answers that each hold part of the
 * budget and wait for more could wait for each other forever. So bytes held never exceed
 * `limitBytes + one answer`.
 */
export class ByteBudget {
  /** Bytes held by all claims now. */
  inUseBytes = 0;
  /** Most bytes ever held at once (benchmarks and tests read it). */
  peakBytes = 0;
  /** How many growths had to wait. */
  waits = 0;
  private readonly holders = new Set<ByteClaim>();
  private readonly queue: Waiter[] = [];

  /** @param limitBytes Most bytes held at once (one answer may exceed it; see above). Benchmarks may change it. */
  constructor(public limitBytes: number) {}

  /** A new, empty claim. Release it with {@link ByteClaim.release} when its answer is handed on. */
  claim(): ByteClaim {
    return new ByteClaim(this);
  }

  /** @internal Grows `claim` by `bytes` now if the rules allow; returns whether it did. */
  tryTake(claim: ByteClaim, bytes: number): boolean {
    if (this.queue.length > 0 && !this.isOldest(claim)) return false;
    if (!this.fits(claim, bytes)) return false;
    this.grant(claim, bytes);
    return true;
  }

  /** @internal Waits until `claim` may grow by `bytes`; rejects with `signal`'s reason when it aborts. */
  take(claim: ByteClaim, bytes: number, signal?: AbortSignal): Promise<void> {
    this.waits += 1;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { claim, bytes, resolve, reject };
      if (signal) {
        waiter.onAbort = () => {
          const at = this.queue.indexOf(waiter);
          if (at >= 0) this.queue.splice(at, 1);
          reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
          this.pump();
        };
        signal.addEventListener("abort", waiter.onAbort, { once: true });
        waiter.signal = signal;
      }
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** @internal */
  give(claim: ByteClaim, bytes: number): void {
    this.inUseBytes -= bytes;
    this.holders.delete(claim);
    this.pump();
  }

  private fits(claim: ByteClaim, bytes: number): boolean {
    return this.inUseBytes + bytes <= this.limitBytes || this.holders.size === 0 || this.isOldest(claim);
  }

  private isOldest(claim: ByteClaim): boolean {
    for (const first of this.holders) return first === claim;
    return false;
  }

  private grant(claim: ByteClaim, bytes: number): void {
    this.inUseBytes += bytes;
    claim.heldBytes += bytes;
    this.holders.add(claim);
    if (this.inUseBytes > this.peakBytes) this.peakBytes = this.inUseBytes;
  }

  /** Grants waiters in arrival order, and the oldest holder's growth whatever its place in the queue. */
  private pump(): void {
    for (let i = 0; i < this.queue.length;) {
      const waiter = this.queue[i];
      const oldest = this.isOldest(waiter.claim);
      if ((i === 0 || oldest) && this.fits(waiter.claim, waiter.bytes)) {
        this.queue.splice(i, 1);
        if (waiter.signal && waiter.onAbort) waiter.signal.removeEventListener("abort", waiter.onAbort);
        this.grant(waiter.claim, waiter.bytes);
        waiter.resolve();
        i = 0;
      } else i += 1;
    }
  }
}

interface Waiter {
  claim: ByteClaim;
  bytes: number;
  resolve: () => void;
  reject: (reason: unknown) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/** The bytes one answer holds. */
export class ByteClaim {
  heldBytes = 0;
  constructor(private readonly budget: ByteBudget) {}

  /**
   * Grows the claim to at least `totalBytes`. Returns undefined when that was possible at once (the
   * common case: no promise per chunk), else a promise that settles when it is.
   */
  growTo(totalBytes: number, signal?: AbortSignal): Promise<void> | undefined {
    const more = totalBytes - this.heldBytes;
    if (more <= 0 || this.budget.tryTake(this, more)) return undefined;
    return this.budget.take(this, more, signal);
  }

  /** Gives every byte back. Safe to call more than once. */
  release(): void {
    if (this.heldBytes === 0) return;
    const bytes = this.heldBytes;
    this.heldBytes = 0;
    this.budget.give(this, bytes);
  }
}

/** Default limit of the process-wide budget: eight answers at the default 4 MiB cap. */
export const DEFAULT_IN_FLIGHT_BYTES = 32 * 1024 * 1024;

/** The budget every ARM client of the process shares. */
export const sharedByteBudget = new ByteBudget(DEFAULT_IN_FLIGHT_BYTES);

/** The code of the failure of an attempt whose answer passed GALLERY_LOOKUP_MAX_RESPONSE_BYTES. */
export const RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE";

/**
 * Reads a body as text, growing `claim` as bytes arrive (the stream pauses while the budget is short).
 * Resolves to undefined, with the stream destroyed, as soon as the body passes `maxBytes`. The cap is
 * counted here rather than by axios's `maxContentLength`, because the budget needs the same count and
 * axios enforces the cap on a stream through an extra async generator per answer (docs/performance.md).
 */
export function readBody(
  stream: Readable,
  budget: { claim: ByteClaim; reserved: number; maxBytes: number; signal: AbortSignal },
): Promise<string | undefined> {
  const { claim, maxBytes, signal } = budget;
  let reserved = budget.reserved;
  return new Promise((resolve, reject) => {
    // Decoded as it arrives, so that a body at the cap is not copied and decoded in one block at its end.
    const decoder = new StringDecoder("utf8");
    let text = "";
    let size = 0;
    stream.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        stream.destroy();
        resolve(undefined);
        return;
      }
      text += decoder.write(chunk);
      if (size > reserved) {
        reserved = Math.min(Math.max(size, 2 * reserved), maxBytes);
        const wait = claim.growTo(reserved, signal);
        if (wait) {
          stream.pause();
          wait.then(() => stream.resume(), reject);
        }
      }
    });
    stream.on("end", () => {
      const body = text + decoder.end();
      resolve(body.charCodeAt(0) === 0xfeff ? body.slice(1) : body);
    });
    stream.on("error", reject);
    // A connection dropped mid-body: `close` without `end`.
    stream.on("close", () => {
      if (!stream.readableEnded) reject(new Error("the answer was cut off"));
    });
  });
}
