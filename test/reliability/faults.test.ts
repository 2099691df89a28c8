// Every fault ARM, a proxy or the network can produce, through the public getGallery: what happens,
// how many requests it costs, how long it takes, and what the user reads. Writes build/reliability-table.md.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { getGallery } from "pulumi-azure-gallery-lookup";
import type { ArmClient } from "pulumi-azure-gallery-lookup/dist/arm/armClient";
import type { EmulatorHandle, FaultSpec } from "pulumi-azure-gallery-lookup/dist/emulator/index";
import {
  assertNoCanary,
  assertOnlyGets,
  captureOutput,
  emulatorClient,
  errorDump,
  FAST_SETTINGS,
  faultTable,
  requestCounts,
  startCanaryEmulator,
  writeReport,
  type FaultRow,
} from "../support/reliability";

const DEADLINE_MS = Number(FAST_SETTINGS.GALLERY_LOOKUP_DEADLINE_MS);
const ATTEMPT_TIMEOUT_MS = Number(FAST_SETTINGS.GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS);
const MAX_ATTEMPTS = 1 + Number(FAST_SETTINGS.GALLERY_LOOKUP_MAX_RETRIES);
const ALWAYS = 50;

const armError = (code: string, message: string) => ({ error: { code, message } });
const HTML_PAGE =
  "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1><p>corp-proxy</p></body></html>";

/** One fault: how to provoke it and what must happen. */
export interface FaultCase {
  name: string;
  faults?: FaultSpec[];
  /** Runs after the journal is cleared and before the lookup (e.g. revokeTokens). */
  before?: (emulator: EmulatorHandle, client: ArmClient) => Promise<void> | void;
  settings?: Record<string, string>;
  galleryName?: string;
  /** Success, or the error class the user gets. */
  expect: "success" | string;
  /** The message must match (failures only). */
  message?: RegExp;
  /** ARM requests: exactly this many, or at most `maxArm`. */
  arm?: number;
  maxArm?: number;
}

export const FAULT_CASES: FaultCase[] = [
  {
    name: "429 with Retry-After: 1 (seconds), once",
    faults: [
      { status: 429, headers: { "retry-after": "1" }, body: armError("TooManyRequests", "Throttled.") },
    ],
    expect: "success",
    arm: 2,
  },
  {
    name: "429 with Retry-After as an HTTP date (~2 s ahead), once",
    faults: [
      {
        status: 429,
        // Filled in when the case runs: an HTTP date has whole-second resolution.
        headers: { "retry-after": "DATE+2" },
        body: armError("TooManyRequests", "Throttled."),
      },
    ],
    expect: "success",
    arm: 2,
  },
  {
    name: "429 with Retry-After: 1, every time",
    faults: [
      {
        status: 429,
        times: ALWAYS,
        headers: { "retry-after": "1" },
        body: armError("TooManyRequests", "Throttled."),
      },
    ],
    expect: "ThrottledError",
    message: /throttl/i,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "429 with Retry-After: 30 (past the deadline)",
    faults: [
      { status: 429, headers: { "retry-after": "30" }, body: armError("TooManyRequests", "Throttled.") },
    ],
    expect: "ThrottledError",
    message: /deadline/,
    arm: 1,
  },
  {
    name: "503 with Retry-After: 1, once",
    faults: [{ status: 503, headers: { "retry-after": "1" }, body: armError("ServiceUnavailable", "Busy.") }],
    expect: "success",
    arm: 2,
  },
  {
    name: "503 without Retry-After, once",
    faults: [{ status: 503, body: armError("ServiceUnavailable", "Busy.") }],
    expect: "success",
    arm: 2,
  },
  {
    name: "503 without Retry-After, every time",
    faults: [{ status: 503, times: ALWAYS, body: armError("ServiceUnavailable", "Busy.") }],
    expect: "ArmRequestError",
    message: /HTTP 503 ServiceUnavailable/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "500, once",
    faults: [{ status: 500, body: armError("InternalServerError", "Oops.") }],
    expect: "success",
    arm: 2,
  },
  {
    name: "500, every time",
    faults: [{ status: 500, times: ALWAYS, body: armError("InternalServerError", "Oops.") }],
    expect: "ArmRequestError",
    message: /HTTP 500 InternalServerError.*3 attempts/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "502, once",
    faults: [{ status: 502, body: armError("BadGateway", "Bad gateway.") }],
    expect: "success",
    arm: 2,
  },
  {
    name: "504, once",
    faults: [{ status: 504, body: armError("GatewayTimeout", "Gateway timeout.") }],
    expect: "success",
    arm: 2,
  },
  {
    name: "504, every time",
    faults: [{ status: 504, times: ALWAYS, body: armError("GatewayTimeout", "Gateway timeout.") }],
    expect: "ArmRequestError",
    message: /HTTP 504/,
    arm: MAX_ATTEMPTS,
  },
  { name: "connection reset, once", faults: [{ reset: true }], expect: "success", arm: 2 },
  {
    name: "connection reset, every time",
    faults: [{ reset: true, times: ALWAYS }],
    expect: "ConnectionError",
    message: /got no answer.*ECONNRESET/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "stall 0.8 s (> 500 ms attempt timeout), once",
    faults: [{ delayMs: 800 }],
    expect: "success",
    arm: 2,
  },
  {
    name: "stall 0.8 s, every time",
    faults: [{ delayMs: 800, times: ALWAYS }],
    expect: "ConnectionError",
    message: /ATTEMPT_TIMEOUT/,
    arm: MAX_ATTEMPTS,
  },
  { name: "truncated body, once", faults: [{ truncate: true }], expect: "success", arm: 2 },
  {
    name: "truncated body, every time",
    faults: [{ truncate: true, times: ALWAYS }],
    expect: "ConnectionError",
    message: /got no answer/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "proxy HTML page with 200 (text/html)",
    faults: [{ status: 200, headers: { "content-type": "text/html" }, body: HTML_PAGE }],
    expect: "InvalidResponseError",
    message: /not JSON.*text\/html.*proxy/,
    arm: 1,
  },
  {
    name: "proxy HTML page with 502 (text/html), every time",
    faults: [{ status: 502, times: ALWAYS, headers: { "content-type": "text/html" }, body: HTML_PAGE }],
    expect: "InvalidResponseError",
    message: /not an ARM CloudError.*HTTP 502.*text\/html/,
    arm: MAX_ATTEMPTS,
  },
  {
    name: "401 once (tokens revoked): token refreshed, then served",
    before: async (emulator, client) => {
      await getGallery(galleryArgs(emulator), { client });
      emulator.clearJournal();
      emulator.revokeTokens();
    },
    expect: "success",
    arm: 2,
  },
  {
    name: "401 every time",
    faults: [
      {
        status: 401,
        times: ALWAYS,
        body: armError("InvalidAuthenticationToken", "The access token is invalid."),
      },
    ],
    expect: "AuthenticationFailedError",
    message: /refused the token twice.*az login/,
    arm: 2,
  },
  {
    name: "403 AuthorizationFailed",
    faults: [
      {
        status: 403,
        times: ALWAYS,
        body: armError(
          "AuthorizationFailed",
          "The client 'c1' with object id 'o1' does not have authorization to perform action " +
            "'Microsoft.Compute/galleries/read' over scope '/subscriptions/5b5b5b5b-0000-4000-8000-000000000003/" +
            "resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName' or the scope is invalid.",
        ),
      },
    ],
    expect: "AuthorizationFailedError",
    message: /may not perform 'Microsoft\.Compute\/galleries\/read' over '\/subscriptions\/.*myGalleryName'/,
    arm: 1,
  },
  {
    name: "404 gallery missing",
    galleryName: "noSuchGallery",
    expect: "GalleryNotFoundError",
    message: /Gallery 'noSuchGallery' does not exist in resource group 'myResourceGroup'/,
    arm: 1,
  },
  {
    name: "body larger than the cap (200 KB, cap 64 KiB)",
    settings: { GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "65536" },
    faults: [
      {
        status: 200,
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "x", pad: "x".repeat(200_000) }),
      },
    ],
    expect: "InvalidResponseError",
    message: /larger than 65536 bytes/,
    arm: 1,
  },
];

export function galleryArgs(emulator: EmulatorHandle, galleryName = "myGalleryName") {
  return {
    subscriptionId: emulator.subscriptionId,
    resourceGroupName: emulator.resourceGroupName,
    galleryName,
  };
}

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
          ? `served (uniqueName ${result.gallery?.uniqueName ?? "?"})`
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

  // Each case gets its own emulator (one shared CA), so that all run at once and the suite stays fast;
  // the output of the whole batch is captured and must be empty.
  before(async () => {
    const caDir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-ca-"));
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
    const file = writeReport("reliability-table.md", faultTable(rows));
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
    assert.equal(error.name, "ThrottledError");
    assert.match(error.message, /deadline of 2500 ms/);
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
  expect: "ThrottledError",
};

const DEADLINE_STALL: FaultCase = {
  name: "stall 1.3 s every time, 20 retries allowed, deadline 1.2 s",
  settings: { GALLERY_LOOKUP_MAX_RETRIES: "20", GALLERY_LOOKUP_DEADLINE_MS: "1200" },
  faults: [{ delayMs: 1300, times: ALWAYS }],
  expect: "LookupTimeoutError",
};

const ALL_CASES = [...FAULT_CASES, DEADLINE_503, DEADLINE_STALL];
