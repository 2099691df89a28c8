// Every fault ARM, a proxy or the network can produce, through the public getGallery: what happens,
// how many requests it costs, how long it takes, and what the user reads. Writes build/reliability-table.md.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getGallery } from "pulumi-azure-gallery-lookup";
import type { EmulatorHandle, FaultSpec } from "#internal/emulator/index";
import { assertNoCanary } from "../support/canaries";
import {
  assertOnlyGets,
  captureOutput,
  emulatorClient,
  errorDump,
  faultTable,
  requestCounts,
  startCanaryEmulator,
  writeReport,
  type FaultRow,
} from "../support/reliability";
import {
  ALWAYS,
  armError,
  ATTEMPT_TIMEOUT_MS,
  DEADLINE_MS,
  FAULT_CASES,
  galleryArgs,
  MAX_ATTEMPTS,
  type FaultCase,
} from "../support/reliabilityFaults";
import { assertDocHolds } from "../support/docsTables";

function withDates(faults: FaultSpec[]): FaultSpec[] {
  return faults.map((f) => {
    const headers = Object.fromEntries(
      Object.entries(f.headers ?? {}).map(([k, v]) => [
        k,
        v.startsWith("DATE+") ? new Date(Date.now() + Number(v.slice(5)) * 1000).toUTCString() : v,
      ]),
    );
    return { ...f, headers };
  });
}

/** Runs one case; returns its row and its error (if any). */
export async function runFaultCase(
  emulator: EmulatorHandle,
  c: FaultCase,
): Promise<{ row: FaultRow; error?: unknown }> {
  emulator.clearFaults();
  emulator.clearJournal();
  const client = emulatorClient(emulator, c.settings);
  try {
    if (c.before) await c.before(emulator, client);
    for (const fault of withDates(c.faults ?? [])) emulator.injectFault(fault);
    const start = Date.now();
    const result = await (async () => {
      try {
        const gallery = await getGallery(galleryArgs(emulator, c.galleryName), { client });
        return { gallery, error: undefined as unknown };
      } catch (error) {
        return { gallery: undefined, error };
      }
    })();
    const elapsedMs = Date.now() - start;
    // The emulator journals a stalled request only when it answers it: wait for the stragglers.
    const stall = Math.max(0, ...(c.faults ?? []).map((f) => f.delayMs ?? 0));
    if (stall > 0) await new Promise((resolve) => setTimeout(resolve, stall + 100));
    const { arm, token } = requestCounts(emulator);
    const error = result.error;
    const row: FaultRow = {
      fault: c.name,
      outcome:
        error === undefined
          ? "served"
          : `${(error as Error).name}${(error as { status?: number }).status ? ` (HTTP ${(error as { status?: number }).status})` : ""}`,
      arm,
      token,
      elapsedMs,
      userReads: error === undefined ? "(the gallery)" : (error as Error).message,
    };
    return { row, error };
  } finally {
    emulator.clearFaults();
    client.close();
  }
}

describe("reliability: faults through getGallery", function () {
  this.timeout(30_000);
  const results = new Map<string, { row: FaultRow; error?: unknown }>();
  let output = "";
  let table = "";
  let caDir: string | undefined;
  // The emulators leave a CA folder they were given alone: its key is this suite's to remove.
  after(() => {
    if (caDir) fs.rmSync(caDir, { recursive: true, force: true });
  });

  // Each case gets its own emulator (one shared CA), so that all run at once and the suite stays fast;
  // the output of the whole batch is captured and must be empty.
  before(async () => {
    caDir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-ca-"));
    // Started before any lookup: making TLS keys blocks the event loop, which would skew the timings.
    const emulators: EmulatorHandle[] = [];
    for (const _ of ALL_CASES) emulators.push(await startCanaryEmulator({ caDir }));
    // Five lanes: each new client builds a TLS context (tens of ms of blocked event loop), so that many
    // more at once would push healthy attempts past their 500 ms timeout and skew the table.
    const queue = ALL_CASES.map((c, i) => ({ c, emulator: emulators[i] }));
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const { c, emulator } = next;
        try {
          const { row, error } = await runFaultCase(emulator, c);
          assertOnlyGets(emulator);
          results.set(c.name, { row, error });
        } finally {
          await emulator.close();
        }
      }
    };
    const captured = await captureOutput(() => Promise.all([lane(), lane(), lane(), lane(), lane()]));
    output = captured.output;
    const rows = ALL_CASES.map((c) => results.get(c.name)?.row).filter((r): r is FaultRow => !!r);
    table = faultTable(rows);
    const file = writeReport("reliability-table.md", table);
    console.log(`      fault table: ${file}`);
  });

  it("prints nothing and leaks no canary while the faults play out", () => {
    assertNoCanary(output, "the output of the lookups");
    assert.equal(output, "", "the lookups printed something");
  });

  for (const c of FAULT_CASES) {
    it(c.name, () => {
      const result = results.get(c.name);
      assert.ok(result, "the case did not run");
      const { row, error } = result;
      if (c.expect === "success") {
        assert.equal(error, undefined, `expected success, got ${errorDump(error)}`);
      } else {
        assert.ok(error instanceof Error, "expected a failure");
        assert.equal(error.name, c.expect, error.message);
        if (c.message) assert.match(error.message, c.message);
        // Every message names the gallery it was looking for.
        assert.match(error.message, /myResourceGroup/);
        assertNoCanary(errorDump(error), `the ${error.name} of "${c.name}"`);
      }
      if (c.arm !== undefined) assert.equal(row.arm, c.arm, `ARM requests for "${c.name}"`);
      assert.ok(row.arm <= MAX_ATTEMPTS, `retry storm: ${row.arm} requests`);
      // One token per client, plus one refresh after a 401.
      assert.ok(row.token <= 2, `token requests: ${row.token}`);
      assert.ok(
        row.elapsedMs <= DEADLINE_MS + ATTEMPT_TIMEOUT_MS + 500,
        `deadline not respected: ${row.elapsedMs} ms`,
      );
    });
  }

  it("respects the deadline when the service keeps asking to retry (503, Retry-After 1, 20 retries allowed)", () => {
    const { row, error } = results.get(DEADLINE_503.name) ?? assert.fail("did not run");
    assert.ok(error instanceof Error);
    // A 503 is not a 429: the class and status say what ARM really answered.
    assert.equal(error.name, "ArmRequestError");
    assert.equal((error as { status?: number }).status, 503);
    assert.match(error.message, /ARM asked to retry after 1000 ms, past the deadline of 2500 ms/);
    assert.ok(row.arm <= 3, `${row.arm} requests in 2.5 s`);
    assert.ok(row.elapsedMs < 2500 + ATTEMPT_TIMEOUT_MS, `took ${row.elapsedMs} ms`);
  });

  it("respects the deadline when every attempt stalls (20 retries allowed, deadline 1.2 s)", () => {
    const { row, error } = results.get(DEADLINE_STALL.name) ?? assert.fail("did not run");
    assert.ok(error instanceof Error);
    assert.ok(["LookupTimeoutError", "ConnectionError"].includes(error.name), error.message);
    assert.match(error.message, /deadline of 1200 ms|ATTEMPT_TIMEOUT/);
    assert.ok(row.arm <= 3, `${row.arm} requests in 1.2 s`);
    assert.ok(row.elapsedMs < 1200 + 300, `took ${row.elapsedMs} ms`);
  });

  it("docs/reliability.md holds this run's table (timings and counts aside)", () => {
    // Which of a stalled attempt and the deadline ends the lookup first is a matter of milliseconds.
    assertDocHolds("reliability-table.md", table, [DEADLINE_STALL.name]);
  });
});

const DEADLINE_503: FaultCase = {
  name: "503 with Retry-After: 1, every time, 20 retries allowed, deadline 2.5 s",
  settings: { GALLERY_LOOKUP_MAX_RETRIES: "20", GALLERY_LOOKUP_DEADLINE_MS: "2500" },
  faults: [
    {
      status: 503,
      times: ALWAYS,
      headers: { "retry-after": "1" },
      body: armError("ServiceUnavailable", "Busy."),
    },
  ],
  expect: "ArmRequestError",
};

const DEADLINE_STALL: FaultCase = {
  name: "stall 1.3 s every time, 20 retries allowed, deadline 1.2 s",
  settings: { GALLERY_LOOKUP_MAX_RETRIES: "20", GALLERY_LOOKUP_DEADLINE_MS: "1200" },
  faults: [{ delayMs: 1300, times: ALWAYS }],
  expect: "LookupTimeoutError",
};

const ALL_CASES = [...FAULT_CASES, DEADLINE_503, DEADLINE_STALL];
