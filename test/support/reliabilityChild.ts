// Runs token-endpoint fault cases in a child process, through the package's real credential path
// (DefaultAzureCredential, AZURE_TOKEN_CREDENTIALS=EnvironmentCredential), which trusts the emulator
// only via NODE_EXTRA_CA_CERTS read at process start. Cases come in RELIABILITY_CASES (JSON); the
// results go to stdout as one JSON line after the marker, everything else the lookups wrote is captured.
import * as https from "node:https";
import { getGallery } from "pulumi-azure-gallery-lookup";
import { ArmClient } from "#internal/arm/armClient";
import type { FaultSpec, JournalEntry } from "#internal/emulator/index";
import { captureOutput, errorDump } from "./reliability";

/** One case the parent asks for. */
export interface ChildCase {
  name: string;
  faults: FaultSpec[];
}

/** What the child reports for a case. */
export interface ChildResult {
  name: string;
  ok: boolean;
  errorName?: string;
  message?: string;
  credential?: string;
  dump: string;
  output: string;
  elapsedMs: number;
  arm: number;
  token: number;
  methods: string[];
}

export const RESULT_MARKER = "@@reliability-results@@";

function control(method: string, route: string, body?: unknown): Promise<unknown> {
  const endpoint = process.env.AZURE_RESOURCE_MANAGER_ENDPOINT as string;
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${endpoint}/_emulator/${route}`,
      { method, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        res.on("end", () => resolve(text ? JSON.parse(text) : undefined));
      },
    );
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function runCase(c: ChildCase): Promise<ChildResult> {
  await control("DELETE", "faults");
  await control("DELETE", "journal");
  if (c.faults.length > 0) await control("POST", "faults", c.faults);
  // A new client per case: a new DefaultAzureCredential, no cached token.
  const client = new ArmClient();
  const start = Date.now();
  const { result, output } = await captureOutput(async () => {
    try {
      await getGallery(
        {
          subscriptionId: process.env.ARM_SUBSCRIPTION_ID,
          resourceGroupName: process.env.RELIABILITY_RESOURCE_GROUP as string,
          galleryName: "myGalleryName",
        },
        { client },
      );
      return undefined;
    } catch (error) {
      return error as Error & { credential?: string };
    }
  });
  const elapsedMs = Date.now() - start;
  client.close();
  await control("DELETE", "faults");
  const journal = ((await control("GET", "journal")) as JournalEntry[]).filter((e) => e.kind !== "control");
  return {
    name: c.name,
    ok: result === undefined,
    ...(result ? { errorName: result.name, message: result.message, credential: result.credential } : {}),
    dump: result ? errorDump(result) : "",
    output,
    elapsedMs,
    arm: journal.filter((e) => e.kind === "arm").length,
    token: journal.filter((e) => e.kind === "token").length,
    methods: journal.filter((e) => e.kind === "arm").map((e) => e.method),
  };
}

async function main(): Promise<void> {
  const cases = JSON.parse(process.env.RELIABILITY_CASES ?? "[]") as ChildCase[];
  const results: ChildResult[] = [];
  for (const c of cases) results.push(await runCase(c));
  // Exit once written: a stalled token request would otherwise keep the child alive until it ends.
  process.stdout.write(`${RESULT_MARKER}${JSON.stringify(results)}\n`, () => process.exit(0));
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`reliability child failed: ${String(error)}\n`);
    process.exitCode = 1;
  });
}
