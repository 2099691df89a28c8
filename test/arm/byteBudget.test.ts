import assert from "node:assert/strict";
import * as fc from "fast-check";
import { ByteBudget, DEFAULT_IN_FLIGHT_BYTES, sharedByteBudget } from "#internal/arm/byteBudget";
import { createAxiosHttpClient } from "#internal/arm/axiosHttpClient";
import { SETTING_DEFAULTS } from "#internal/settings/settings";
import { startHttpsServer, type TestHttpsServer } from "../support/httpsServer";
import { lookupRequest } from "../support/scriptedHttpClient";

const KiB = 1024;

describe("ByteBudget", () => {
  it("grants within the limit at once and makes the rest wait, in arrival order", async () => {
    const budget = new ByteBudget(100);
    const a = budget.claim();
    const b = budget.claim();
    const c = budget.claim();
    assert.equal(a.growTo(60), undefined, "fits: no promise");
    const order: string[] = [];
    const bWaits = b.growTo(50);
    const cWaits = c.growTo(10);
    assert.ok(bWaits && cWaits, "b does not fit; c waits behind b although it would fit");
    void bWaits.then(() => order.push("b"));
    void cWaits.then(() => order.push("c"));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, []);
    a.release();
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, ["b", "c"]);
    assert.equal(budget.inUseBytes, 60);
    b.release();
    c.release();
    assert.equal(budget.inUseBytes, 0);
  });

  it("lets the oldest claim grow past the limit, so claims that each hold a part never wait for each other", async () => {
    const budget = new ByteBudget(100);
    const first = budget.claim();
    const second = budget.claim();
    assert.equal(first.growTo(50), undefined);
    assert.equal(second.growTo(50), undefined);
    const secondMore = second.growTo(80);
    assert.ok(secondMore, "the younger claim waits");
    assert.equal(first.growTo(90), undefined, "the oldest claim grows at once, past the limit");
    assert.equal(budget.inUseBytes, 140);
    first.release();
    await secondMore;
    assert.equal(second.heldBytes, 80);
    second.release();
    assert.equal(budget.peakBytes, 140);
  });

  it("a waiting growth gives up when its signal aborts, and the next waiter is served", async () => {
    const budget = new ByteBudget(10);
    const holder = budget.claim();
    void holder.growTo(10);
    const controller = new AbortController();
    const abandoned = budget.claim().growTo(5, controller.signal);
    const next = budget.claim();
    const nextWaits = next.growTo(5);
    controller.abort(new Error("attempt timed out"));
    await assert.rejects(abandoned as Promise<void>, /attempt timed out/);
    holder.release();
    await nextWaits;
    assert.equal(budget.inUseBytes, 5);
  });

  it("every run of claims completes and never holds more than the limit plus one claim (property)", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 1000 }),
        fc.array(fc.array(fc.integer({ min: 1, max: 400 }), { minLength: 1, maxLength: 5 }), {
          minLength: 1,
          maxLength: 30,
        }),
        async (limit, growths) => {
          const budget = new ByteBudget(limit);
          let largest = 0;
          // Each "answer" grows its claim step by step, yielding between steps, then releases it.
          await Promise.all(
            growths.map(async (steps) => {
              const claim = budget.claim();
              let total = 0;
              for (const step of steps) {
                total += step;
                const wait = claim.growTo(total);
                if (wait) await wait;
                await new Promise((r) => setImmediate(r));
              }
              largest = Math.max(largest, total);
              claim.release();
            }),
          );
          assert.equal(budget.inUseBytes, 0);
          assert.ok(budget.peakBytes <= limit + largest, `${budget.peakBytes} > ${limit} + ${largest}`);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("1,000 concurrent answers, each just under the size cap, through the transport", function () {
  this.timeout(60_000);
  let server: TestHttpsServer;
  const CAP = 256 * KiB;
  // One body for every answer, so that the server adds no memory per request.
  const BODY = Buffer.from(JSON.stringify({ id: "x", tags: { big: "x".repeat(CAP - 2 * KiB) } }));

  before(async () => {
    server = await startHttpsServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": String(BODY.length) });
      // Headers first, the body a moment later: as with ARM, many answers are under way at once.
      res.flushHeaders();
      setTimeout(() => res.end(BODY), 20);
    });
  });
  after(() => server.close());

  async function run(budget: ByteBudget): Promise<number> {
    const httpClient = createAxiosHttpClient({
      ca: server.ca,
      maxResponseBytes: CAP,
      attemptTimeoutMs: 50_000,
      byteBudget: budget,
    });
    const send = (i: number) => httpClient.sendRequest(lookupRequest(50_000, `${server.url}/a/${i}`));
    try {
      const results = await Promise.all(Array.from({ length: 1000 }, (_, i) => send(i)));
      return results.filter((r) => r.status === 200 && r.bodyAsText === BODY.toString()).length;
    } finally {
      httpClient.close();
    }
  }

  it("are held at most the budget plus one answer at a time, and every one arrives whole", async () => {
    const budget = new ByteBudget(2 * CAP);
    assert.equal(await run(budget), 1000);
    assert.ok(budget.waits > 0, "the budget was never needed: the test would prove nothing");
    assert.ok(budget.peakBytes <= 3 * CAP, `held ${budget.peakBytes} bytes at once`);
    assert.equal(budget.inUseBytes, 0, "every claim was released");

    // Without a bound, the 64 sockets hold up to 64 answers at once: what the budget prevents.
    const unbounded = new ByteBudget(Number.MAX_SAFE_INTEGER);
    assert.equal(await run(unbounded), 1000);
    assert.ok(unbounded.peakBytes > 16 * CAP, `unbounded held only ${unbounded.peakBytes} bytes`);
  });

  it("the process-wide default bounds every client together", () => {
    assert.equal(sharedByteBudget.limitBytes, DEFAULT_IN_FLIGHT_BYTES);
    assert.ok(DEFAULT_IN_FLIGHT_BYTES >= 2 * SETTING_DEFAULTS.maxResponseBytes);
  });
});
