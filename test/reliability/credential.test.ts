// Token endpoint faults through the package's real credential path: DefaultAzureCredential restricted
// to EnvironmentCredential, in a child process that trusts the emulator via NODE_EXTRA_CA_CERTS.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import * as path from "node:path";
import type { EmulatorHandle } from "#internal/emulator/index";
import { assertNoCanary } from "../support/canaries";
import {
  assertOnlyGets,
  canaryEnvironment,
  faultTable,
  startCanaryEmulator,
  writeReport,
} from "../support/reliability";
import { RESULT_MARKER, type ChildCase, type ChildResult } from "../support/reliabilityChild";
import { assertDocHolds } from "../support/docsTables";
import { lazyFixture } from "../support/lazyFixture";

const CREDENTIAL = "DefaultAzureCredential (EnvironmentCredential)";
// Short: identity's own retries of a dead token endpoint would otherwise take ~5 s per case.
const DEADLINE_MS = 1500;

export const TOKEN_CASES: (ChildCase & { expect: "success" | "CredentialError"; message?: RegExp })[] = [
  { name: "token endpoint healthy (baseline)", faults: [], expect: "success" },
  {
    name: "token endpoint down: connection reset",
    faults: [{ target: "token", reset: true, times: 50 }],
    expect: "CredentialError",
  },
  {
    name: "token endpoint down: 503",
    faults: [
      {
        target: "token",
        status: 503,
        times: 50,
        headers: { "content-type": "text/html" },
        body: "<html><body>Service Unavailable</body></html>",
      },
    ],
    expect: "CredentialError",
  },
  {
    name: "token endpoint answers garbage (200, not JSON)",
    faults: [
      { target: "token", status: 200, times: 50, headers: { "content-type": "text/plain" }, body: "garbage" },
    ],
    expect: "CredentialError",
  },
  {
    name: "token endpoint answers JSON without access_token",
    faults: [{ target: "token", status: 200, times: 50, body: { token_type: "Bearer", expires_in: 3600 } }],
    expect: "CredentialError",
  },
  {
    name: "token endpoint stalls 8 s (past the 1.5 s deadline)",
    faults: [{ target: "token", delayMs: 8000, times: 50 }],
    expect: "CredentialError",
  },
];

function runChild(
  emulator: EmulatorHandle,
  cases: ChildCase[],
): Promise<{ results: ChildResult[]; stderr: string; stdout: string }> {
  const script = path.join(__dirname, "..", "support", "reliabilityChild.js");
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    ...canaryEnvironment(emulator, { GALLERY_LOOKUP_DEADLINE_MS: String(DEADLINE_MS) }),
    RELIABILITY_RESOURCE_GROUP: emulator.resourceGroupName,
    RELIABILITY_CASES: JSON.stringify(cases),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script], { env, cwd: path.resolve(__dirname, "..", "..", "..") });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("exit", (code) => {
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_MARKER));
      if (code !== 0 || !line) reject(new Error(`child exited ${code}\n${stderr}\n${stdout}`));
      else
        resolve({ results: JSON.parse(line.slice(RESULT_MARKER.length)) as ChildResult[], stderr, stdout });
    });
  });
}

describe("reliability: token endpoint faults through DefaultAzureCredential (child process)", function () {
  this.timeout(60_000);
  let emulator: EmulatorHandle;
  before(async () => {
    emulator = await startCanaryEmulator();
  });

  // The child's run of every case, which the tests below read: made by the first of them. Its table is
  // written for docs/reliability.md at once.
  const childRun = lazyFixture(async () => {
    const run = await runChild(emulator, TOKEN_CASES);
    const table = faultTable(
      run.results.map((r) => ({
        fault: r.name,
        outcome: r.ok ? "served" : `${r.errorName}`,
        arm: r.arm,
        token: r.token,
        elapsedMs: r.elapsedMs,
        userReads: r.ok ? "(the gallery)" : (r.message ?? ""),
      })),
    );
    writeReport("reliability-token-table.md", table);
    return { ...run, table };
  });
  after(async () => {
    if (emulator) assertOnlyGets(emulator);
    await emulator?.close();
  });

  it("the child wrote nothing but its results, and no canary", async () => {
    const run = await childRun();
    assertNoCanary(run.stdout, "the child's stdout");
    assertNoCanary(run.stderr, "the child's stderr");
    assert.equal(run.stderr, "");
  });

  for (const c of TOKEN_CASES) {
    it(c.name, async () => {
      const r = (await childRun()).results.find((x) => x.name === c.name);
      assert.ok(r, "the case did not run");
      assertNoCanary(r.dump, `the error of "${c.name}"`);
      assertNoCanary(r.output, `the output of "${c.name}"`);
      assert.equal(r.output, "", "the lookup printed something");
      assert.ok(r.methods.every((m) => m === "GET"));
      assert.ok(r.elapsedMs <= DEADLINE_MS + 300, `deadline not respected: ${r.elapsedMs} ms`);
      if (c.expect === "success") {
        assert.ok(r.ok, r.message);
        assert.equal(r.arm, 1);
        assert.equal(r.token, 1);
        return;
      }
      assert.equal(r.errorName, c.expect, r.message);
      assert.equal(r.credential, CREDENTIAL);
      assert.ok(
        r.message?.includes(CREDENTIAL),
        `the message must say which credential was tried: ${r.message}`,
      );
      assert.match(r.message ?? "", /Could not get an Azure token/);
      assert.equal(r.arm, 0, "no ARM request without a token");
      assert.ok(r.token <= 6, `token retry storm: ${r.token} requests`);
      if (c.message) assert.match(r.message ?? "", c.message);
    });
  }

  it("docs/reliability.md holds this run's table (timings and counts aside)", async () => {
    assertDocHolds("reliability-token-table.md", (await childRun()).table);
  });
});
