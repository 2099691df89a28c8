import assert from "node:assert/strict";
import fc from "fast-check";
import sinon from "sinon";
import {
  MAX_BELIEVED_READS,
  MAX_REFILL_PER_SECOND,
  MAX_SHARED_BLOCK_MS,
  MIN_REFILL_PER_SECOND,
  Pacer,
  RECHECK_MS,
  type PacerSlot,
} from "#internal/arm/pacer";

const HEADER = "x-ms-ratelimit-remaining-subscription-reads";

/** A read bucket as ARM keeps it: `burst` tokens, refilled `rate` per second. */
class ServerBucket {
  private tokens: number;
  private at = 0;
  constructor(
    private readonly burst: number,
    private readonly rate: number,
  ) {
    this.tokens = burst;
  }
  take(now: number): { status: number; remaining: number } {
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens < 1) return { status: 429, remaining: 0 };
    this.tokens -= 1;
    return { status: 200, remaining: Math.floor(this.tokens) };
  }
}

/** A binary heap of timed events (ties in insertion order). */
class Events {
  private heap: { at: number; seq: number; run: () => void }[] = [];
  private seq = 0;
  push(at: number, run: () => void): void {
    const h = this.heap;
    h.push({ at, seq: this.seq++, run });
    for (let i = h.length - 1; i > 0;) {
      const p = (i - 1) >> 1;
      if (this.less(i, p)) [h[i], h[p]] = [h[p], h[i]];
      else break;
      i = p;
    }
  }
  pop(): { at: number; run: () => void } | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      for (let i = 0; ;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(l, m)) m = l;
        if (r < h.length && this.less(r, m)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m], h[i]];
        i = m;
      }
    }
    return top;
  }
  private less(a: number, b: number): boolean {
    const x = this.heap[a];
    const y = this.heap[b];
    return x.at < y.at || (x.at === y.at && x.seq < y.seq);
  }
}

interface Scenario {
  lookups: number;
  burst: number;
  rate: number;
  latencyMs?: number;
  /** Whether answers carry the remaining-reads header (an ARM-compatible endpoint may not). */
  header?: boolean;
}

/**
 * Discrete-event run of `lookups` lookups started at once, each following ArmClient's pacing steps:
 * wait for the first answer of the key, book a slot, honour ARM's Retry-After, wait the slot out
 * (asking again after each wait), send; a 429 (Retry-After as ARM computes it) starts over.
 */
export function simulate({ lookups, burst, rate, latencyMs = 40, header = true }: Scenario) {
  const clock = sinon.useFakeTimers({ now: 0, toFake: ["Date"] });
  const pacer = new Pacer();
  const server = new ServerBucket(burst, rate);
  const events = new Events();
  const key = "k";
  const gated: (() => void)[] = [];
  let requests = 0;
  let throttled = 0;
  let done = 0;
  let waited = 0;
  const attempt = (): void => {
    if (pacer.firstAnswer(key) !== undefined) {
      gated.push(attempt);
      return;
    }
    const slot: PacerSlot = pacer.reserve(key);
    const step = (wait: number): void => {
      const blocked = pacer.blockedFor(key);
      if (blocked > 0) {
        waited += blocked;
        events.push(Date.now() + blocked, () => step(wait));
      } else if (wait > 0) {
        const chunk = Math.min(wait, RECHECK_MS);
        waited += chunk;
        events.push(Date.now() + chunk, () => step(pacer.waitFor(key, slot)));
      } else {
        pacer.depart(key, slot);
        send();
      }
    };
    step(slot.waitMs);
  };
  const send = (): void => {
    requests++;
    const sentAt = Date.now();
    events.push(Date.now() + latencyMs, () => {
      const r = server.take(sentAt + latencyMs / 2);
      if (r.status === 429) {
        throttled++;
        const retryAfterMs = Math.max(1, Math.ceil(1 / rate)) * 1000;
        pacer.observe(key, { status: 429, headers: {}, retryAfterMs });
        events.push(Date.now() + retryAfterMs, attempt);
      } else {
        pacer.observe(key, { status: 200, headers: header ? { [HEADER]: String(r.remaining) } : {} });
        done++;
      }
      for (const next of gated.splice(0)) next();
    });
  };
  for (let i = 0; i < lookups; i++) attempt();
  try {
    for (let e = events.pop(); e !== undefined; e = events.pop()) {
      clock.setSystemTime(e.at);
      e.run();
    }
    return { elapsedMs: Date.now(), requests, throttled, done, waited };
  } finally {
    clock.uninstall();
  }
}

describe("Pacer", () => {
  // The pacer reads Date.now(): each test that needs a clock gets sinon's, from 0.
  let installed: sinon.SinonFakeTimers | undefined;
  const clock = (): sinon.SinonFakeTimers =>
    (installed ??= sinon.useFakeTimers({ now: 0, toFake: ["Date"] }));
  afterEach(() => {
    installed?.uninstall();
    installed = undefined;
  });

  it("1,000 lookups at once against ARM's 250 + 25/s bucket: within 1.15x of the minimum, < 5% 429", () => {
    const r = simulate({ lookups: 1000, burst: 250, rate: 25 });
    const minimum = ((1000 - 250) / 25) * 1000;
    assert.equal(r.done, 1000);
    assert.ok(r.elapsedMs < 1.15 * minimum, `elapsed ${r.elapsedMs} ms, minimum ${minimum} ms`);
    assert.ok(r.throttled / r.requests < 0.05, `429s ${r.throttled}/${r.requests}`);
  });

  for (const rate of [50, 100, 10]) {
    it(`learns a bucket refilled at ${rate}/s instead of pacing at an assumed 25/s`, () => {
      const lookups = rate * 30 + 250;
      const r = simulate({ lookups, burst: 250, rate });
      const minimum = ((lookups - 250) / rate) * 1000;
      assert.equal(r.done, lookups);
      assert.ok(r.elapsedMs < 1.15 * minimum, `elapsed ${r.elapsedMs} ms, minimum ${minimum} ms`);
      assert.ok(r.throttled / r.requests < 0.05, `429s ${r.throttled}/${r.requests}`);
    });
  }

  it("learns a sovereign cloud's 12,000 reads per hour", () => {
    const r = simulate({ lookups: 12_300, burst: 12_000, rate: 12_000 / 3600 });
    const minimum = (300 / (12_000 / 3600)) * 1000;
    assert.equal(r.done, 12_300);
    assert.ok(r.throttled / r.requests < 0.05, `429s ${r.throttled}/${r.requests}`);
    // The reserve (10% of 12,000) is kept for others, so the last 1,500 wait for the refill too.
    assert.ok(r.elapsedMs < 1.15 * (minimum + (1200 / (12_000 / 3600)) * 1000), `elapsed ${r.elapsedMs} ms`);
  });

  it("never paces an endpoint that reports no bucket (one round trip to find out)", () => {
    const r = simulate({ lookups: 1000, burst: 1e9, rate: 25, header: false });
    assert.equal(r.done, 1000);
    assert.equal(r.waited, 0);
    assert.equal(r.elapsedMs, 2 * 40, "the first answer, then everything at once");
  });

  it("does not pace sequential lookups while ARM reports room", () => {
    clock();
    const pacer = new Pacer();
    for (let i = 0; i < 1000; i++) {
      assert.equal(pacer.reserve("k").waitMs, 0, `lookup ${i}`);
      pacer.observe("k", { status: 200, headers: { [HEADER]: "249" } });
    }
  });

  it("counts slots still in flight against what ARM reported", () => {
    clock();
    const pacer = new Pacer();
    pacer.reserve("k");
    pacer.observe("k", { status: 200, headers: { [HEADER]: "249" } });
    for (let i = 0; i < 230; i++) pacer.reserve("k");
    // One answer says 249 left, but 229 booked slots will still be spent: 20 left, under the reserve.
    pacer.observe("k", { status: 200, headers: { [HEADER]: "249" } });
    assert.ok(pacer.reserve("k").waitMs > 0);
  });

  it("is not poisoned by one huge figure, or by a high figure followed by ARM's real ones", () => {
    for (const first of ["11999", "999999999999"]) {
      clock();
      const pacer = new Pacer();
      const waits: number[] = [];
      for (let i = 0; i < 200; i++) {
        const slot = pacer.reserve("k");
        waits.push(slot.waitMs);
        clock().tick(slot.waitMs + 30);
        pacer.observe("k", { status: 200, headers: { [HEADER]: i === 0 ? first : "249" } });
      }
      // Alone, a lookup waits at most one refill interval (40 ms at 25/s), not the ~38 s it took to
      // rebuild a reserve of 10% of 11,999.
      assert.ok(Math.max(...waits) <= 40, `${first}: longest wait ${Math.max(...waits)} ms`);
      assert.ok((pacer.state("k")?.capacity ?? 0) <= MAX_BELIEVED_READS);
    }
  });

  it("a 429's Retry-After blocks the key's other lookups for at most a minute", () => {
    clock();
    const pacer = new Pacer();
    pacer.reserve("k");
    pacer.observe("k", { status: 429, headers: {}, retryAfterMs: 5000 });
    assert.equal(pacer.blockedFor("k"), 5000);
    assert.equal(pacer.blockedFor("other"), 0, "keys are independent");
    pacer.reserve("k");
    pacer.observe("k", { status: 429, headers: {}, retryAfterMs: 86_400_000 });
    assert.equal(pacer.blockedFor("k"), MAX_SHARED_BLOCK_MS);
  });

  it("stays sane under any sequence of answers, headers and clock steps (fast-check)", () => {
    const header = fc.oneof(
      fc.constant(undefined),
      fc.nat({ max: 300 }).map(String),
      fc.constantFrom("11999", "999999999999999999999", "-5", "abc", "1e9", " 12 ", ""),
      fc.string({ maxLength: 8 }),
    );
    const step = fc.oneof(
      fc.record({ op: fc.constant("reserve" as const) }),
      fc.record({
        op: fc.constant("observe" as const),
        status: fc.constantFrom(200, 200, 200, 404, 429, 503, 401, undefined),
        header,
        retryAfterMs: fc.option(fc.nat({ max: 1e10 }), { nil: undefined }),
      }),
      fc.record({ op: fc.constant("advance" as const), ms: fc.nat({ max: 120_000 }) }),
    );
    fc.assert(
      fc.property(fc.array(step, { maxLength: 300 }), (steps) => {
        clock().setSystemTime(0);
        const pacer = new Pacer();
        const slots: PacerSlot[] = [];
        let outstanding = 0;
        let evidence = false;
        for (const s of steps) {
          if (s.op === "advance") clock().tick(s.ms);
          else if (s.op === "reserve") {
            const slot = pacer.reserve("k");
            slots.push(slot);
            outstanding += 1;
            const waits = [slot.waitMs, ...slots.map((x) => pacer.waitFor("k", x))];
            for (const wait of waits) {
              assert.ok(Number.isFinite(wait) && wait >= 0, `wait ${wait}`);
              // Never longer than the slots not yet answered take at the slowest refill believed.
              assert.ok(wait <= Math.ceil((outstanding * 1000) / MIN_REFILL_PER_SECOND), `wait ${wait}`);
              if (!evidence) assert.equal(wait, 0, "no pacing without evidence");
            }
          } else if (outstanding > 0) {
            outstanding -= 1;
            const headers = s.header === undefined ? {} : { [HEADER]: s.header };
            pacer.observe("k", {
              ...(s.status !== undefined ? { status: s.status } : {}),
              headers,
              ...(s.retryAfterMs !== undefined ? { retryAfterMs: s.retryAfterMs } : {}),
            });
            if (s.status === 429 || /^\s*\d+\s*$/.test(s.header ?? "")) evidence = true;
          }
          const blocked = pacer.blockedFor("k");
          assert.ok(blocked >= 0 && blocked <= MAX_SHARED_BLOCK_MS, `blocked ${blocked}`);
          const state = pacer.state("k");
          if (state !== undefined) {
            assert.ok(
              state.capacity >= 0 && state.capacity <= MAX_BELIEVED_READS,
              `capacity ${state.capacity}`,
            );
            assert.ok(
              state.refillPerSecond >= MIN_REFILL_PER_SECOND &&
                state.refillPerSecond <= MAX_REFILL_PER_SECOND,
            );
          }
        }
      }),
      { numRuns: 500 },
    );
  });
});
