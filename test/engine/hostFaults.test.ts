// Faults of the service reach the lookup inside the dynamic provider host: transient ones are retried,
// permanent ones fail that one operation, and in every case the host stays up and serves the next lookup.
import { strict as assert } from "node:assert";
import type { FaultSpec } from "#internal/emulator/types";
import { LOOKUP_URN, startEngineRig, type EngineRig, type Props } from "../support/engineHarness";

interface Case {
  title: string;
  fault: FaultSpec;
  /** `ok`: the lookup succeeds after retries; `error`: Check fails; `failure`: Check reports a property failure. */
  expect: "ok" | "error" | "failure";
  /** Pattern the error or failure must match. */
  says?: RegExp;
  minMs?: number;
  /** Whether the fault costs a second request (default true for `ok`). */
  retried?: boolean;
}

const CASES: Case[] = [
  {
    title: "429 with Retry-After: 1 is waited out",
    fault: {
      status: 429,
      headers: { "Retry-After": "1" },
      body: { error: { code: "TooManyRequests", message: "slow down" } },
    },
    expect: "ok",
    minMs: 900,
  },
  {
    title: "503 is retried",
    fault: { status: 503, body: { error: { code: "ServiceUnavailable", message: "busy" } } },
    expect: "ok",
  },
  { title: "a connection reset is retried", fault: { reset: true }, expect: "ok" },
  {
    title: "a slow answer (1.5 s) is waited for",
    fault: { delayMs: 1500 },
    expect: "ok",
    minMs: 1400,
    retried: false,
  },
  {
    title: "403 fails the operation, naming the authorization problem",
    fault: {
      status: 403,
      body: {
        error: {
          code: "AuthorizationFailed",
          message:
            "The client does not have authorization to perform action 'Microsoft.Compute/galleries/read' over scope '/subscriptions/x'.",
        },
      },
    },
    expect: "error",
    says: /authoriz/i,
  },
  {
    title: "404 is a failure of the galleryName property",
    fault: { status: 404, body: { error: { code: "ResourceNotFound", message: "not found" } } },
    expect: "failure",
    says: /gallery/i,
  },
];

describe("engine: faults reach the lookup in the dynamic provider host", function () {
  this.timeout(30_000);
  let rig: EngineRig;
  let news: Props;

  before(async function () {
    this.timeout(60_000);
    rig = await startEngineRig();
    news = rig.inputsFor({
      subscriptionId: rig.azure.subscriptionId,
      resourceGroupName: rig.azure.resourceGroupName,
      galleryName: "mySharingGroupsGallery",
      expand: "SharingProfile/Groups",
    });
  });
  after(async () => rig?.close());
  beforeEach(() => {
    rig.azure.clearFaults();
    rig.azure.clearJournal();
  });
  afterEach(() => rig.assertOnlyGets());

  for (const c of CASES) {
    it(`${c.title}; the host then serves the next lookup`, async () => {
      rig.azure.injectFault({ pathIncludes: "/galleries/", ...c.fault });
      const started = Date.now();
      const outcome = await rig.host.check(LOOKUP_URN, {}, news).then(
        (r) => ({ result: r, error: undefined }),
        (e: Error) => ({ result: undefined, error: e }),
      );
      const elapsed = Date.now() - started;
      if (c.expect === "ok") {
        assert.equal(outcome.error, undefined, outcome.error?.message);
        assert.deepEqual(outcome.result?.failures, []);
        assert.deepEqual(outcome.result?.inputs.sharedSubscriptionIds, [
          "34a4ab42-0d72-47d9-bd1a-aed207386dac",
          "380fd389-260b-41aa-bad9-0a83108c370b",
        ]);
        assert.ok(
          rig.armRequests().some((e) => e.fault),
          "the fault was not served",
        );
        if (c.retried ?? true) assert.ok(rig.armRequests().length >= 2, "the lookup was not retried");
        else assert.equal(rig.armRequests().length, 1, "a slow answer is not a reason to ask again");
      } else if (c.expect === "error") {
        assert.ok(outcome.error, "Check should have failed");
        assert.match(outcome.error.message, c.says ?? /./);
      } else {
        assert.equal(outcome.error, undefined, outcome.error?.message);
        const text = (outcome.result?.failures ?? []).map((f) => `${f.property}: ${f.reason}`).join("\n");
        assert.match(text, c.says ?? /./);
      }
      if (c.minMs) assert.ok(elapsed >= c.minMs, `took ${elapsed} ms`);
      assert.ok(rig.host.alive(), "the provider host died");
      const next = await rig.host.check(LOOKUP_URN, {}, news);
      assert.deepEqual(next.failures, []);
      assert.equal(typeof next.inputs.resourceId, "string");
    });
  }
});
