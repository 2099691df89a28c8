// Child of the benchmark (figure 9, issue 9 item 8): 1,000 getGallery lookups at once whose answers are
// each just under the default 4 MiB size cap, through the package's default client. Run twice, in fresh
// processes: with the process-wide byte budget as shipped, and with it lifted (BENCH_UNBOUNDED=1), which
// is what the transport did before. Reports the growth of the process's peak resident memory (the
// kernel's high-water mark: nothing to sample, no peak missed) and the budget's own count.
import { readFileSync } from "node:fs";
import { emulatorQueries, sendResult } from "./protocol";
import { msSince } from "./stats";

const peakRssBytes = (): number =>
  1024 * Number(/VmHWM:\s+(\d+)/.exec(readFileSync("/proc/self/status", "utf8"))?.[1]);

/** Just under the default cap (4 MiB), leaving room for the gallery's other properties. */
export const LARGE_ANSWER_BYTES = 4 * 1024 * 1024 - 4096;
export const LARGE_GALLERY = "benchLargeAnswerGallery";

async function main(): Promise<void> {
  const ask = emulatorQueries();
  const { getGallery } =
    require("pulumi-azure-gallery-lookup") as typeof import("pulumi-azure-gallery-lookup");
  const { sharedByteBudget } =
    require("#internal/arm/byteBudget") as typeof import("#internal/arm/byteBudget");
  if (process.env.BENCH_UNBOUNDED === "1") sharedByteBudget.limitBytes = Number.MAX_SAFE_INTEGER;
  await ask({ cmd: "putLargeGallery", galleryName: LARGE_GALLERY, bytes: LARGE_ANSWER_BYTES });
  const ref = {
    subscriptionId: process.env.AZURE_SUBSCRIPTION_ID as string,
    resourceGroupName: "myResourceGroup",
    galleryName: LARGE_GALLERY,
  };
  await getGallery(ref); // token, connection and code paths warm
  const before = peakRssBytes();
  const start = process.hrtime.bigint();
  // Keep nothing of the results (the caller's memory is not the transport's).
  const settled = await Promise.allSettled(
    Array.from({ length: 1000 }, () => getGallery(ref).then(() => true)),
  );
  const ms = msSince(start);
  const failures = settled.filter((r): r is PromiseRejectedResult => r.status === "rejected");
  sendResult({
    unbounded: process.env.BENCH_UNBOUNDED === "1",
    ok: settled.length - failures.length,
    firstError: failures[0] ? String((failures[0].reason as Error)?.message).slice(0, 300) : undefined,
    ms,
    peakRssGrowthMb: (peakRssBytes() - before) / 1024 / 1024,
    budgetPeakMb: sharedByteBudget.peakBytes / 1024 / 1024,
    budgetWaits: sharedByteBudget.waits,
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
