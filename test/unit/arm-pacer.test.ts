import assert from "node:assert/strict";
import { Pacer } from "pulumi-azure-gallery-lookup/dist/arm/pacer";

/** ARM's read bucket: `burst` tokens, refilled `rate` per second. */
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

/** Discrete-event run of `lookups` lookups through `workers` concurrent sockets. */
function simulate(lookups: number, workers: number, latencyMs: number) {
  let now = 0;
  const pacer = new Pacer({ now: () => now });
  const server = new ServerBucket(250, 25);
  const key = "k";
  type Ev = { at: number; run: () => void };
  const queue: Ev[] = [];
  const schedule = (at: number, run: () => void) => {
    queue.push({ at, run });
    queue.sort((a, b) => a.at - b.at);
  };
  let started = 0;
  let done = 0;
  let requests = 0;
  let throttled = 0;
  const startLookup = () => {
    if (started >= lookups) return;
    started++;
    attempt();
  };
  const attempt = () => {
    const wait = pacer.reserve(key);
    schedule(now + wait, () => {
      const blocked = pacer.blockedFor(key);
      const send = () => {
        requests++;
        schedule(now + latencyMs, () => {
          const r = server.take(now - latencyMs / 2);
          if (r.status === 429) {
            throttled++;
            pacer.observe(key, { status: 429, headers: {}, retryAfterMs: 1000 });
            schedule(now + 1000, attempt);
          } else {
            pacer.observe(key, {
              status: 200,
              headers: { "x-ms-ratelimit-remaining-subscription-reads": String(r.remaining) },
            });
            done++;
            startLookup();
          }
        });
      };
      if (blocked > 0) schedule(now + blocked, send);
      else send();
    });
  };
  for (let i = 0; i < workers; i++) startLookup();
  while (queue.length > 0) {
    const ev = queue.shift()!;
    now = ev.at;
    ev.run();
  }
  return { elapsedMs: now, requests, throttled, done };
}

describe("Pacer", () => {
  it("lets a burst through, then spaces at the refill rate", () => {
    let now = 0;
    const pacer = new Pacer({ now: () => now });
    const waits = Array.from({ length: 300 }, () => pacer.reserve("k"));
    assert.ok(waits.slice(0, 225).every((w) => w === 0));
    assert.ok(waits[260] > 1000 && waits[260] < 2000, String(waits[260]));
    now = 10_000;
    assert.ok(pacer.reserve("other") === 0, "keys are independent");
  });

  it("a 429 with Retry-After blocks every lookup of the key", () => {
    let now = 0;
    const pacer = new Pacer({ now: () => now });
    pacer.reserve("k");
    pacer.observe("k", { status: 429, headers: {}, retryAfterMs: 5000 });
    assert.equal(pacer.blockedFor("k"), 5000);
    assert.ok(pacer.reserve("k") >= 5000);
    now = 5000;
    assert.equal(pacer.blockedFor("k"), 0);
    assert.equal(pacer.blockedFor("other"), 0);
  });

  it("follows x-ms-ratelimit-remaining-subscription-reads down", () => {
    const now = 0;
    const pacer = new Pacer({ now: () => now });
    pacer.reserve("k");
    pacer.observe("k", { status: 200, headers: { "x-ms-ratelimit-remaining-subscription-reads": "3" } });
    // Below the reserve (25) at once: wait for refill.
    assert.ok(pacer.reserve("k") > 0);
  });

  for (const workers of [64, 1000]) {
    it(`1,000 lookups against a 250-burst/25-per-s bucket finish near 30 s with < 5% 429s (${workers} concurrent)`, () => {
      const r = simulate(1000, workers, 40);
      assert.equal(r.done, 1000);
      assert.ok(r.elapsedMs > 28_000 && r.elapsedMs < 34_000, `elapsed ${r.elapsedMs}`);
      assert.ok(r.throttled / r.requests < 0.05, `429s ${r.throttled}/${r.requests}`);
      console.log(
        `      ${workers} workers: ${(r.elapsedMs / 1000).toFixed(1)} s, ${r.requests} requests, ${r.throttled} 429s`,
      );
    });
  }
});
