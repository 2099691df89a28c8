// Hostile input: generated names, ids and whole ARM ids full of separators, escapes, control characters
// and Unicode look-alikes. Validation never throws and fails per property; check sends nothing for
// invalid input; whatever passes stays inside the Galleries - Get URL template, on the wire too.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { getGallery } from "pulumi-azure-gallery-lookup";
import { setDefaultArmClient, type ArmClient } from "#internal/arm/armClient";
import { galleryUrl, GALLERY_API_VERSION } from "#internal/arm/galleryUrl";
import type { EmulatorHandle } from "#internal/emulator/index";
import { LOOKUP_ARG_NAMES, validateLookupArgs } from "#internal/gallery/validation";
import * as operations from "#internal/lookup/operations";
import { assertOnlyGets, emulatorClient, requestCounts, startCanaryEmulator } from "../support/reliability";
import { FakeCredential } from "../support/fakeCredential";

const RUNS = 10_000;
const SUB = "5b5b5b5b-0000-4000-8000-000000000003";

/** Pieces an attacker (or a copy-paste accident) would use to leave the path or confuse a parser. */
const HOSTILE_PIECES = [
  "/",
  "..",
  ".",
  "?",
  "#",
  "&",
  "%2F",
  "%2f",
  "%2e",
  "%2E%2E",
  "%00",
  "%",
  " ",
  "\t",
  "\n",
  "\r",
  "\u0000",
  "\u007f",
  "\\",
  "а", // Cyrillic a
  "о", // Cyrillic o
  "／", // fullwidth solidus
  "．", // fullwidth full stop
  "․", // one dot leader
  "\u200b", // zero-width space
  "\u202e", // right-to-left override
  "\ud800", // lone surrogate
  "é",
  "subscriptions",
  "providers",
  "Microsoft.Compute",
  "@",
  ":",
  ";",
  "=",
  "+",
  "*",
  "'",
  '"',
  "<",
  ">",
];
const SAFE_PIECES = ["a", "Z", "0", "9", "_", "-", ".", "(", ")", "gallery", "rg"];

const piece = fc.constantFrom(...HOSTILE_PIECES, ...SAFE_PIECES);
const pieced = fc.array(piece, { minLength: 0, maxLength: 12 }).map((p) => p.join(""));
const armId = fc
  .tuple(fc.uuid(), pieced, pieced)
  .map(
    ([s, rg, name]) =>
      `/subscriptions/${s}/resourceGroups/${rg}/providers/Microsoft.Compute/galleries/${name}`,
  );
/** Any string a user could supply: pieced together, random Unicode, whole ARM ids, or over-long. */
const hostileString = fc.oneof(
  { weight: 4, arbitrary: pieced },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: armId },
  {
    weight: 1,
    arbitrary: fc.string({ minLength: 81, maxLength: 400, unit: fc.constantFrom("a", "b", "1", "-") }),
  },
);
/** Well-formed-looking values, so that the hostile one is often the only problem. */
const nameLike = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}[A-Za-z0-9]$/);
const anyValue = fc.oneof(hostileString, fc.anything());

/** Lookup arguments where at least one of the three identifying properties is hostile. */
const hostileArgs = fc
  .record({
    subscriptionId: fc.oneof(fc.uuid(), hostileString),
    resourceGroupName: fc.oneof(nameLike, hostileString),
    galleryName: fc.oneof(nameLike, hostileString),
    select: fc.option(fc.oneof(fc.constant("Permissions"), hostileString), { nil: undefined }),
    expand: fc.option(fc.oneof(fc.constant("SharingProfile/Groups"), hostileString), { nil: undefined }),
  })
  .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)));

/** The URL must be exactly the Galleries - Get template with these three segments. */
function assertInTemplate(url: string, origin: string, ref: { s: string; rg: string; name: string }): void {
  const parsed = new URL(url);
  assert.equal(parsed.origin, origin);
  const segments = parsed.pathname.split("/").slice(1);
  assert.equal(segments.length, 8, parsed.pathname);
  assert.deepEqual(
    [segments[0], segments[2], segments[4], segments[5], segments[6]],
    ["subscriptions", "resourceGroups", "providers", "Microsoft.Compute", "galleries"],
  );
  assert.deepEqual(
    segments.map(decodeURIComponent).filter((_, i) => [1, 3, 7].includes(i)),
    [ref.s, ref.rg, ref.name],
  );
  assert.equal(parsed.hash, "");
  assert.equal(parsed.searchParams.get("api-version"), GALLERY_API_VERSION);
  for (const key of parsed.searchParams.keys())
    assert.ok(["api-version", "$select", "$expand"].includes(key), key);
}

describe("reliability: hostile input", function () {
  this.timeout(60_000);

  it(`validation never throws and every invalid input is a property-level failure (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.record(
          {
            subscriptionId: anyValue,
            resourceGroupName: anyValue,
            galleryName: anyValue,
            select: anyValue,
            expand: anyValue,
            environment: anyValue,
          },
          { requiredKeys: [] },
        ),
        (inputs) => {
          const result = validateLookupArgs(inputs);
          if (result.args) {
            assert.equal(result.failures.length, 0);
            return;
          }
          if (result.unknown.length === 0) assert.ok(result.failures.length > 0, "invalid without a failure");
          for (const f of result.failures) {
            assert.ok((LOOKUP_ARG_NAMES as readonly string[]).includes(f.property), f.property);
            assert.equal(typeof f.reason, "string");
            assert.ok(f.reason.length > 0 && f.reason.length < 400, f.reason);
            // The reason quotes the value escaped: no raw control or bidi character reaches a terminal.
            assert.ok(
              // eslint-disable-next-line no-control-regex -- that is the point
              !/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/.test(f.reason),
              JSON.stringify(f.reason),
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`refuses every hostile name, whole ARM id and look-alike (${RUNS} runs)`, () => {
    fc.assert(
      fc.property(
        fc.constantFrom("galleryName", "resourceGroupName", "subscriptionId"),
        pieced.filter((v) => HOSTILE_PIECES.some((p) => p !== "." && p !== ".." && v.includes(p))),
        (property, value) => {
          const args: Record<string, unknown> = {
            subscriptionId: SUB,
            resourceGroupName: "rg",
            galleryName: "g",
            [property]: value,
          };
          // ARM's resource group rule is .NET's Unicode `\w`: letters and digits of any script (a Cyrillic
          // "о" is a different, valid name); what it refuses is still refused. Gallery names are ASCII.
          const hostile =
            property === "resourceGroupName"
              ? /[^\p{L}\p{Mn}\p{Nd}\p{Pc}.()-]/u.test(value)
              : /[^A-Za-z0-9_.()-]/.test(value);
          const result = validateLookupArgs(args);
          if (hostile) {
            assert.equal(result.args, undefined, `${property} ${JSON.stringify(value)} passed`);
            assert.deepEqual(
              result.failures.map((f) => f.property),
              [property],
            );
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  describe("check and the URL", () => {
    let emulator: EmulatorHandle;
    let client: ArmClient;
    const credential = new FakeCredential({ fail: "never ask" });

    before(async () => {
      emulator = await startCanaryEmulator();
      client = emulatorClient(emulator, {}, credential);
      for (const cloud of ["public", "usgovernment", "china"] as const) setDefaultArmClient(client, cloud);
    });
    after(async () => {
      for (const cloud of ["public", "usgovernment", "china"] as const) setDefaultArmClient(undefined, cloud);
      client?.close();
      assertOnlyGets(emulator);
      await emulator?.close();
    });

    it(`operations.check with invalid input returns failures and sends nothing (${RUNS} runs)`, async () => {
      await fc.assert(
        fc.asyncProperty(hostileArgs, async (args) => {
          fc.pre(validateLookupArgs(args).args === undefined);
          const result = await operations.check({}, args);
          assert.ok(result.failures && result.failures.length > 0);
          for (const f of result.failures)
            assert.ok((LOOKUP_ARG_NAMES as readonly string[]).includes(f.property));
        }),
        { numRuns: RUNS },
      );
      assert.equal(credential.calls, 0, "a token was requested for invalid input");
      assert.equal(requestCounts(emulator).arm, 0);
      assert.equal(requestCounts(emulator).token, 0);
    });

    // That any string stays inside the template or is refused is test/arm/galleryUrl.test.ts's property.
    it(`for inputs that pass validation, the URL stays in the template (${RUNS} runs)`, () => {
      const origin = emulator.armEndpoint;
      let passed = 0;
      fc.assert(
        fc.property(fc.uuid(), fc.oneof(nameLike, pieced), fc.oneof(nameLike, pieced), (s, rg, name) => {
          const valid = validateLookupArgs({
            subscriptionId: s,
            resourceGroupName: rg,
            galleryName: name,
          }).args;
          if (!valid) return;
          passed += 1;
          assertInTemplate(galleryUrl(origin, valid), origin, { s, rg, name });
        }),
        { numRuns: RUNS },
      );
      assert.ok(passed > RUNS / 10, `only ${passed} generated inputs were valid`);
    });

    it("300 valid generated lookups end to end: every journal path is the template", async () => {
      const sample = fc.sample(
        fc
          .tuple(fc.constant(emulator.subscriptionId), fc.oneof(nameLike, pieced), fc.oneof(nameLike, pieced))
          .filter(
            ([s, rg, name]) =>
              validateLookupArgs({ subscriptionId: s, resourceGroupName: rg, galleryName: name }).args !==
              undefined,
          ),
        { numRuns: 300, seed: 42 },
      );
      const e2e = emulatorClient(emulator);
      emulator.clearJournal();
      try {
        for (const [s, rg, name] of sample) {
          // Most do not exist: a 404 is the expected answer; anything else must be a package error.
          await getGallery(
            { subscriptionId: s, resourceGroupName: rg, galleryName: name },
            { client: e2e },
          ).catch((error: unknown) =>
            assert.ok(error instanceof Error && error.name.endsWith("Error"), String(error)),
          );
        }
      } finally {
        e2e.close();
      }
      const arm = emulator.journal().filter((e) => e.kind === "arm");
      assert.equal(arm.length, 300);
      arm.forEach((entry, i) => {
        const [s, rg, name] = sample[i];
        assert.equal(entry.method, "GET");
        assert.equal(
          entry.path,
          `/subscriptions/${s}/resourceGroups/${rg}/providers/Microsoft.Compute/galleries/${name}`,
        );
        assert.deepEqual(entry.query, { "api-version": GALLERY_API_VERSION });
      });
    });
  });
});
