// Child of the benchmark (targets 1, 3, 4, 5): runs the package's getGallery, the official
// @azure/arm-compute client and a bare https.get loop in one process, started with NODE_EXTRA_CA_CERTS and
// the emulator's environment, so that all three trust the emulator the same way and share the machine's
// noise. Emulator counters come from the orchestrator over IPC.
import * as https from "node:https";
import type { IncomingMessage } from "node:http";
import { emulatorQueries, refuseUnlessLocal, sendResult } from "./protocol";
import { median, msSince, pool } from "./stats";

const env = process.env;
const ask = emulatorQueries();

// Any gallery of the default seed would do; this one has the largest body (identity, user identities).
const GALLERY = { resourceGroupName: "myResourceGroup", galleryName: "myManagedIdentityGallery" };

type Lookup = () => Promise<unknown>;

async function times(lookup: Lookup, count: number): Promise<number> {
  const start = process.hrtime.bigint();
  for (let i = 0; i < count; i++) await lookup();
  return msSince(start);
}

async function main(): Promise<void> {
  refuseUnlessLocal();
  const subscriptionId = env.AZURE_SUBSCRIPTION_ID as string;
  const { getGallery } =
    require("pulumi-azure-gallery-lookup") as typeof import("pulumi-azure-gallery-lookup");
  const { defaultArmClient } = require("#internal/arm/armClient") as typeof import("#internal/arm/armClient");
  const { ComputeManagementClient } = require("@azure/arm-compute") as typeof import("@azure/arm-compute");
  const { ClientSecretCredential } = require("@azure/identity") as typeof import("@azure/identity");

  const ours: Lookup = () => getGallery({ ...GALLERY, subscriptionId });

  // Target 3 first, on a process that has not asked for a token yet; these lookups also warm ours up.
  const tokensBefore = (await ask({ cmd: "tokensIssued" })) as number;
  const tokenPhaseMs = await times(ours, 1000);
  const tokensAfter = (await ask({ cmd: "tokensIssued" })) as number;

  const credential = new ClientSecretCredential(
    env.AZURE_TENANT_ID as string,
    env.AZURE_CLIENT_ID as string,
    env.AZURE_CLIENT_SECRET as string,
    { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true },
  );
  const compute = new ComputeManagementClient(credential, subscriptionId, {
    endpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT,
  });
  const official: Lookup = () => compute.galleries.get(GALLERY.resourceGroupName, GALLERY.galleryName);

  // The floor: one keep-alive agent, one token fetched up front, the body read and nothing else.
  const floorToken = (await credential.getToken(`${env.AZURE_RESOURCE_MANAGER_ENDPOINT}/.default`))?.token;
  const floorAgent = new https.Agent({ keepAlive: true, maxSockets: 64 });
  const floorUrl =
    `${env.AZURE_RESOURCE_MANAGER_ENDPOINT}/subscriptions/${subscriptionId}/resourceGroups/` +
    `${GALLERY.resourceGroupName}/providers/Microsoft.Compute/galleries/${GALLERY.galleryName}?api-version=2025-03-03`;
  const floor: Lookup = () =>
    new Promise((resolve, reject) => {
      https
        .get(floorUrl, { agent: floorAgent, headers: { authorization: `Bearer ${floorToken}` } }, (res) => {
          readBody(res).then(
            (body) => (res.statusCode === 200 ? resolve(body) : reject(new Error(body))),
            reject,
          );
        })
        .on("error", reject);
    });

  // Target 1: warm-up, then interleaved rounds A, B, C; 1,000 lookups each in all (loopback), then the
  // same with the emulator adding 20 ms of service latency to every ARM answer, as a real ARM GET has.
  // BENCH_LATENCY_ROUNDS gives both more rounds, to tell a ratio near its target from the machine's noise.
  const variants = { ours, official, floor };
  const rounds = Number(env.BENCH_LATENCY_ROUNDS ?? 0);
  const sequential = await interleaved(variants, { warmUp: 200, rounds: rounds || 10, perRound: 100 });
  await ask({ cmd: "latency", ms: 20 });
  const withLatency = await interleaved(variants, { warmUp: 10, rounds: rounds || 9, perRound: 15 });
  await ask({ cmd: "latency", ms: 0 });

  // Target 4: 500 at once, on freshly closed sockets, so that every socket used is counted.
  defaultArmClient("public").close();
  const connectionsBefore = (await ask({ cmd: "connections" })) as number;
  const burstStart = process.hrtime.bigint();
  const burst = await Promise.allSettled(Array.from({ length: 500 }, () => ours()));
  const burstMs = msSince(burstStart);
  const connectionsAfter = (await ask({ cmd: "connections" })) as number;
  const concurrent = {
    ok: burst.filter((r) => r.status === "fulfilled").length,
    failed: burst.filter((r) => r.status === "rejected").length,
    firstError: firstError(burst),
    connections: connectionsAfter - connectionsBefore,
    ms: burstMs,
  };

  // Target 5: ARM's read bucket on (refilled to 250 by the reset), 1,000 lookups at once through the
  // package's default client; then the official client at concurrency 50 on a refilled bucket.
  const bucket = { burst: 250, refillPerSecond: 25 };
  await ask({ cmd: "throttle", settings: bucket });
  await ask({ cmd: "clearJournal" });
  const oursStart = process.hrtime.bigint();
  const oursThrottled = await Promise.allSettled(Array.from({ length: 1000 }, () => ours()));
  const oursThrottledMs = msSince(oursStart);
  const oursArm = (await ask({ cmd: "armStats" })) as { requests: number; throttled: number };

  await ask({ cmd: "throttle", settings: bucket });
  await ask({ cmd: "clearJournal" });
  const officialStart = process.hrtime.bigint();
  const capMs = 90_000;
  const officialThrottled = await pool(1000, 50, official, Date.now() + capMs);
  const officialThrottledMs = msSince(officialStart);
  const officialArm = (await ask({ cmd: "armStats" })) as { requests: number; throttled: number };
  await ask({ cmd: "throttle", settings: false });

  const summary = (settled: PromiseSettledResult<unknown>[], ms: number, arm: typeof oursArm) => ({
    attempted: settled.length,
    ok: settled.filter((r) => r.status === "fulfilled").length,
    failed: settled.filter((r) => r.status === "rejected").length,
    firstError: firstError(settled),
    ms,
    requests: arm.requests,
    throttled: arm.throttled,
  });
  sendResult({
    tokens: { before: tokensBefore, after: tokensAfter, lookups: 1000, ms: tokenPhaseMs },
    sequential,
    withLatency,
    concurrent,
    throttled: {
      bucket,
      capMs,
      ours: summary(oursThrottled, oursThrottledMs, oursArm),
      official: summary(officialThrottled, officialThrottledMs, officialArm),
    },
  });
}

/**
 * Runs the variants in interleaved rounds (A, B, C, A, B, C…) after a warm-up; per variant, the median ms
 * per lookup over the rounds, and per round the ratio of each variant to the official client's same round
 * (the rounds share the machine's noise, so their ratios spread less than their times).
 */
async function interleaved(
  variants: Record<"ours" | "official" | "floor", Lookup>,
  plan: { warmUp: number; rounds: number; perRound: number },
): Promise<Sequential> {
  const names = Object.keys(variants) as (keyof typeof variants)[];
  for (const name of names) await times(variants[name], plan.warmUp);
  const rounds: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round < plan.rounds; round++) {
    for (const name of names) rounds[name].push((await times(variants[name], plan.perRound)) / plan.perRound);
  }
  const ratios = rounds.ours.map((ms, i) => ms / rounds.official[i]);
  return {
    oursMs: median(rounds.ours),
    officialMs: median(rounds.official),
    floorMs: median(rounds.floor),
    ratio: { median: median(ratios), min: Math.min(...ratios), max: Math.max(...ratios) },
    rounds,
  };
}

/** Medians of interleaved rounds; `ratio` is getGallery / the official client, per round. */
export interface Sequential {
  oursMs: number;
  officialMs: number;
  floorMs: number;
  ratio: { median: number; min: number; max: number };
  rounds: Record<string, number[]>;
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => (body += chunk));
    res.on("end", () => resolve(body));
    res.on("error", reject);
  });
}

function firstError(settled: PromiseSettledResult<unknown>[]): string | undefined {
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === "rejected");
  if (failure === undefined) return undefined;
  const reason = failure.reason as { name?: string; message?: string };
  return `${reason?.name ?? "Error"}: ${String(reason?.message ?? "rejected").slice(0, 300)}`;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
