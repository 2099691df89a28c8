// Child of test/transport/hostile-bodies.test.ts: one lookup per case through the public getGallery
// against the test's server, which answers gallery `hostileN` with its case N. For each case it prints
// one JSON line: the outcome, how long the lookup took and the longest the event loop was blocked while
// it ran. A lookup blocked past HOSTILE_BODY_BOUND_MS is run once more, and both figures are printed: on
// a shared machine the scheduler can stall any process, but it does not stall the same lookup twice,
// while a pattern that rescans its input blocks every time. A child, so that a lookup that blocks the
// event loop for hours can be killed by the test.
import { monitorEventLoopDelay } from "node:perf_hooks";
import { getGallery, type ArmClient } from "pulumi-azure-gallery-lookup";
import { localClient } from "./localClients";
import { FakeCredential } from "./fakeCredential";
import { ref } from "./transportFixtures";

interface Measured {
  outcome: string;
  ms: number;
  blockedMs: number;
}

async function measured(client: ArmClient, galleryName: string): Promise<Measured> {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  // A timer's tick gap too, as a second witness of the same thing.
  let lastTick = performance.now();
  let longestGap = 0;
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - lastTick);
    lastTick = now;
  }, 5);
  delay.enable();
  const started = performance.now();
  let outcome: string;
  try {
    await getGallery({ ...ref, galleryName }, { client });
    outcome = "ok";
  } catch (error) {
    outcome = `${(error as Error).name}: ${(error as Error).message}`;
  }
  const ms = performance.now() - started;
  delay.disable();
  clearInterval(ticker);
  longestGap = Math.max(longestGap, performance.now() - lastTick);
  return { outcome, ms, blockedMs: Math.max(delay.max / 1e6, longestGap) };
}

async function main(): Promise<void> {
  const client = localClient(
    { url: process.env.AZURE_RESOURCE_MANAGER_ENDPOINT ?? "", ca: process.env.HOSTILE_BODY_CA ?? "" },
    { env: process.env, credential: new FakeCredential() },
  );
  const cases = Number(process.env.HOSTILE_BODY_CASES ?? "1");
  const bound = Number(process.env.HOSTILE_BODY_BOUND_MS ?? "100");
  // A first, ordinary lookup loads the pipeline, axios and TLS (synchronous `require`s): not measured.
  await getGallery(ref, { client });
  for (let i = 0; i < cases; i++) {
    const first = await measured(client, `hostile${i}`);
    const again = first.blockedMs > bound ? await measured(client, `hostile${i}`) : undefined;
    process.stdout.write(JSON.stringify({ ...first, againBlockedMs: again?.blockedMs }) + "\n");
  }
  client.close();
}

void main();
