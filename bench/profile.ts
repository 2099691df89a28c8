// `node build/bench/profile.js`: where a sequential getGallery spends its CPU, by package. Starts the
// emulator, runs 20,500 sequential lookups in a child started with --cpu-prof, then sums the
// profile's self time by where each function lives (axios, https-proxy-agent, this package, Node's own
// http/tls/streams, ...). Prints a table and writes bench/profile.json. Not part of `npm run bench`:
// a profiler slows what it measures; only the shares mean something.
import { fork } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** The bucket a function belongs to, from its script URL. */
export function bucketOf(url: string, functionName: string): string {
  if (url === "") return functionName === "(garbage collector)" ? "GC" : `(${functionName || "native"})`;
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1];
  if (url.startsWith("node:")) {
    const name = url.slice("node:".length).replace(/^internal\//, "");
    if (/^(_http|http)/.test(name)) return "node:http";
    if (/^(_tls|tls|crypto)/.test(name)) return "node:tls";
    if (/streams?\//.test(name) || /^stream/.test(name)) return "node:streams";
    if (/^(timers|process\/task_queues|async_hooks)/.test(name)) return "node:timers+microtasks";
    if (/^(abort_controller|event_target|events)/.test(name)) return "node:events+abort";
    if (/^(url|querystring)/.test(name)) return "node:url";
    return "node:other";
  }
  if (url.includes("/dist/")) return `gallery-lookup ${path.basename(url)}`;
  return "other";
}

async function main(): Promise<void> {
  const emulator = await startEmulator({ throttle: false });
  const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "gallery-lookup-profile-"));
  try {
    await new Promise<void>((resolve, reject) => {
      const child = fork(path.join(__dirname, "profileChild.js"), [], {
        env: { ...process.env, ...emulator.environment() },
        execArgv: ["--cpu-prof", `--cpu-prof-dir=${dir}`],
        stdio: "inherit",
      });
      child.on("error", reject);
      child.on("exit", (code) =>
        code === 0 ? resolve() : reject(new Error(`profile child exited ${code}`)),
      );
    });
  } finally {
    await emulator.close();
  }
  const file = fs.readdirSync(dir).find((f) => f.endsWith(".cpuprofile"));
  if (!file) throw new Error("no profile written");
  const profile = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
  fs.rmSync(dir, { recursive: true, force: true });

  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const buckets = new Map<string, number>();
  const functions = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === "(idle)" || node.callFrame.functionName === "(program)")
      return;
    total += dt;
    const bucket = bucketOf(node.callFrame.url, node.callFrame.functionName);
    buckets.set(bucket, (buckets.get(bucket) ?? 0) + dt);
    const fn = `${bucket}: ${node.callFrame.functionName || "(anonymous)"}:${node.callFrame.lineNumber + 1}`;
    functions.set(fn, (functions.get(fn) ?? 0) + dt);
  });
  const share = (entries: Map<string, number>, top: number) =>
    [...entries.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, percent: Math.round((1000 * us) / total) / 10 }));
  const report = {
    busyMs: Math.round(total / 1000),
    byPackage: share(buckets, 20),
    topFunctions: share(functions, 40),
  };
  fs.writeFileSync(path.join(PACKAGE_ROOT, "bench", "profile.json"), JSON.stringify(report, null, 2) + "\n");
  console.log(`busy CPU ${report.busyMs} ms (20,500 lookups), self time by package:`);
  for (const row of report.byPackage) console.log(`  ${String(row.percent).padStart(5)} %  ${row.name}`);
  console.log("top functions:");
  for (const row of report.topFunctions) console.log(`  ${String(row.percent).padStart(5)} %  ${row.name}`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
