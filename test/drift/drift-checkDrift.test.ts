// checkDrift against the local emulator: every input form, every verdict (in sync, drifted, deleted,
// failed, unreadable, ignored), one GET per distinct gallery, nothing written, and the verdict equal to
// what the provider's own check + diff decide on the same data.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { setDefaultArmClient } from "#internal/arm/armClient";
import { checkDrift, type DriftCheckOptions } from "#internal/drift/checkDrift";
import { galleryId } from "#internal/emulator/index";
import * as ops from "#internal/lookup/operations";
import { Readable } from "node:stream";
import fc from "fast-check";
import { GalleryLookupError, StateSourceError } from "pulumi-azure-gallery-lookup";
import { renderJson, renderTerminal, describeChange } from "#internal/drift/render";
import {
  baseResources,
  checkpointDocument,
  ciphertext,
  exportDocument,
  gzipBomb,
  plaintext,
  useDriftRig,
  writeDocument,
  type Json,
  type LookupArgs,
} from "../support/driftState";
import { assertOnlyGets } from "../support/reliability";

describe("drift: checkDrift against the emulator", function () {
  this.timeout(30_000);
  const rig = useDriftRig({ folderPerTest: true });
  const { args, seedGallery } = rig;
  /** The test's number, for names of its own. */
  let n = -1;
  beforeEach(() => void n++);

  /** A lookup as `pulumi up` leaves it: outputs are the arguments plus what was observed then. */
  const upLookup = async (project: string, stack: string, name: string, a: LookupArgs): Promise<Json> =>
    (await rig.stackResources(project, stack, [[name, a]])).pop() as Json;

  const exportFile = async (stack: string, lookups: [string, LookupArgs][], file = `${stack}.json`) =>
    writeDocument(path.join(rig.dir, file), exportDocument(await rig.stackResources("proj", stack, lookups)));

  const check = (options: DriftCheckOptions) => {
    const before = rig.azure.journal().length;
    return checkDrift({ client: rig.client, ...options }).then((report) => {
      const gets = rig.azure
        .journal()
        .slice(before)
        .filter((e) => e.kind === "arm").length;
      return { report, gets };
    });
  };
  const arm = () => rig.azure.journal().filter((e) => e.kind === "arm");

  it("in sync: exit 0; each distinct gallery read once across stacks, whatever the letter case", async () => {
    const a = await exportFile("dev", [
      ["one", args("myGalleryName")],
      ["two", args("mySharingGroupsGallery", { expand: "SharingProfile/Groups" })],
    ]);
    const b = await exportFile("prod", [
      ["one", args("MYGALLERYNAME", { resourceGroupName: rig.azure.resourceGroupName.toUpperCase() })],
      ["three", args("mySharingGroupsGallery")],
    ]);
    rig.azure.clearJournal();
    const bytes = [fs.readFileSync(a), fs.readFileSync(b)];
    const { report } = await check({ files: [a, b] });
    assert.equal(report.exitCode, 0, JSON.stringify(report, null, 1));
    assert.deepEqual(
      report.lookups.map((l) => l.status),
      ["in_sync", "in_sync", "in_sync", "in_sync"],
    );
    assert.deepEqual(report.summary, {
      lookups: 4,
      stacks: 2,
      galleries: 3,
      in_sync: 4,
      drifted: 0,
      deleted: 0,
      failed: 0,
      unreadable: 0,
      ignored: 0,
    });
    // One gallery with $expand and the same without are two different requests (different answers).
    assert.equal(arm().length, 3);
    assertOnlyGets(rig.azure);
    assert.deepEqual([fs.readFileSync(a), fs.readFileSync(b)], bytes, "the state files are untouched");
    assert.deepEqual(
      report.lookups.map((l) => l.stack),
      ["proj/dev", "proj/dev", "proj/prod", "proj/prod"],
    );
  });

  it("drift: each changed field with before and after; exit 2", async () => {
    const name = `drift${n}`;
    const id = galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, name);
    seedGallery(name, { tags: { env: "prod", team: "a" }, properties: { description: "x" } });
    const file = await exportFile("dev", [["g", args(name)]]);
    rig.azure.patchGallery(id, { tags: { env: "test", team: "a" }, properties: { description: "y" } });
    const { report, gets } = await check({ files: [file] });
    assert.equal(report.exitCode, 2);
    assert.equal(gets, 1);
    const [entry] = report.lookups;
    assert.equal(entry.status, "drifted");
    assert.equal(entry.galleryId, id);
    // In the order of the provider's diff: the observed outputs as GalleryLookup declares them.
    assert.deepEqual(entry.changes, [
      { path: ["tags", "env"], before: "prod", after: "test", sensitive: false },
      { path: ["description"], before: "x", after: "y", sensitive: false },
    ]);
    // Ignoring both fields makes it in sync; the ignored changes are still listed.
    const ignored = await check({ files: [file], ignoreFields: ["tags", "description"] });
    assert.equal(ignored.report.exitCode, 0);
    assert.equal(ignored.report.lookups[0].status, "in_sync");
    assert.equal(ignored.report.lookups[0].ignoredChanges.length, 2);
    const partly = await check({ files: [file], ignoreFields: ["tags.team", "tags.env"] });
    assert.deepEqual(
      partly.report.lookups[0].changes.map((c) => c.path.join(".")),
      ["description"],
    );
  });

  it("deleted gallery: reported as deleted with ARM's code; exit 2", async () => {
    const name = `gone${n}`;
    seedGallery(name, { properties: {} });
    const file = await exportFile("dev", [["g", args(name)]]);
    rig.azure.removeGallery(galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, name));
    const { report } = await check({ files: [file] });
    assert.equal(report.exitCode, 2);
    assert.equal(report.lookups[0].status, "deleted");
    assert.equal(report.lookups[0].error?.code, "ResourceNotFound");
    assert.match(report.lookups[0].error?.message ?? "", new RegExp(name));
  });

  it("failed lookup: the error with its code; exit 1 even when another lookup drifted", async () => {
    const name = `fail${n}`;
    seedGallery(name, { tags: { a: "1" }, properties: {} });
    const file = await exportFile("dev", [
      ["bad", args("myGalleryName")],
      ["drifts", args(name)],
    ]);
    rig.azure.patchGallery(galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, name), {
      tags: { a: "2" },
    });
    rig.azure.injectFault({
      pathIncludes: "galleries/myGalleryName",
      status: 403,
      times: 10,
      body: {
        error: {
          code: "AuthorizationFailed",
          message:
            "The client does not have authorization to perform action 'Microsoft.Compute/galleries/read'.",
        },
      },
    });
    const { report } = await check({ files: [file] });
    assert.equal(report.exitCode, 1);
    const [bad, drifts] = report.lookups;
    assert.equal(bad.status, "failed");
    assert.equal(bad.error?.code, "AuthorizationFailed");
    assert.equal(bad.error?.status, 403);
    assert.ok(bad.remedy);
    assert.equal(drifts.status, "drifted", "other lookups are still judged");
  });

  it("unreadable: encrypted identifying inputs are never guessed; error by default, warning on request", async () => {
    const a = args("myGalleryName");
    const good = await upLookup("proj", "dev", "plainSecret", a);
    const secretOutputs = { ...(good.outputs as Json), subscriptionId: plaintext(a.subscriptionId) };
    const plainSecret = {
      ...good,
      inputs: { ...(good.inputs as Json), subscriptionId: plaintext(a.subscriptionId) },
      outputs: secretOutputs,
    };
    const enc = await upLookup("proj", "dev", "encrypted", a);
    (enc.inputs as Json).subscriptionId = ciphertext();
    (enc.outputs as Json).subscriptionId = ciphertext();
    const file = writeDocument(path.join(rig.dir, "dev.json"), exportDocument([plainSecret, enc]));
    rig.azure.clearJournal();
    const { report, gets } = await check({ files: [file] });
    assert.equal(report.exitCode, 1);
    const [shown, hidden] = report.lookups;
    assert.equal(shown.status, "in_sync", "--show-secrets plaintext is read");
    assert.equal(hidden.status, "unreadable");
    assert.match(hidden.error?.message ?? "", /encrypted in state: subscriptionId/);
    assert.match(hidden.remedy ?? "", /pulumi stack export --show-secrets/);
    assert.equal(gets, 1, "no request for the unreadable lookup");
    const warned = await check({ files: [file], unreadable: "warn" });
    assert.equal(warned.report.exitCode, 0);
  });

  it("a secret output that drifted is reported with its values withheld", async () => {
    const name = `secret${n}`;
    seedGallery(name, { properties: { description: "old-secret-text" } });
    const res = await upLookup("proj", "dev", "s", args(name));
    (res.outputs as Json).description = plaintext("old-secret-text");
    const file = writeDocument(path.join(rig.dir, "dev.json"), exportDocument([res]));
    rig.azure.patchGallery(galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, name), {
      properties: { description: "new-secret-text" },
    });
    const { report } = await check({ files: [file] });
    assert.equal(report.exitCode, 2);
    assert.deepEqual(report.lookups[0].changes, [
      { path: ["description"], before: "[secret]", after: "[secret]", sensitive: true },
    ]);
    assert.ok(!JSON.stringify(report).includes("secret-text"));
  });

  it("ignored lookups (globs on URN, id, stack or name) are not read", async () => {
    const file = await exportFile("dev", [
      ["keep", args("myGalleryName")],
      ["skipMe", args("myCommunityGallery")],
    ]);
    rig.azure.clearJournal();
    const { report, gets } = await check({ files: [file], ignoreLookups: ["SKIP*"] });
    assert.deepEqual(
      report.lookups.map((l) => l.status),
      ["in_sync", "ignored"],
    );
    assert.equal(gets, 1);
    const byStack = await check({ files: [file], ignoreLookups: ["proj/*"] });
    assert.equal(byStack.gets, 0);
    assert.equal(byStack.report.summary.ignored, 2);
  });

  it("stdin (`-`), gzipped exports, and a broken file beside good ones (exit 1, the rest still judged)", async () => {
    const plain = await exportFile("dev", [["g", args("myGalleryName")]]);
    const zipped = await exportFile("prod", [["g", args("myGalleryName")]], "prod.json.gz");
    const broken = path.join(rig.dir, "broken.json");
    fs.writeFileSync(broken, "{ not json");
    const { report } = await check({
      files: ["-", zipped, broken],
      stdin: Readable.from([fs.readFileSync(plain)]),
    });
    assert.equal(report.exitCode, 1);
    assert.deepEqual(
      report.lookups.map((l) => [l.source, l.status]),
      [
        ["-", "in_sync"],
        [zipped, "in_sync"],
      ],
    );
    assert.match(report.sources[2].error ?? "", /broken\.json: is not valid JSON/);
    const missing = await check({ files: [path.join(rig.dir, "nope.json")] });
    assert.match(missing.report.sources[0].error ?? "", /cannot read state file .*nope\.json: ENOENT/);
  });

  it("maxStateBytes: a gzip bomb is a source error naming it, the other sources are still judged", async () => {
    const good = await exportFile("dev", [["g", args("myGalleryName")]]);
    const bomb = path.join(rig.dir, "bomb.json.gz");
    fs.writeFileSync(bomb, gzipBomb(64 * 2 ** 20));
    const { report } = await check({ files: [bomb, good], maxStateBytes: 2 ** 20 });
    assert.equal(report.exitCode, 1);
    assert.match(report.sources[0].error ?? "", /bomb\.json\.gz: larger than 1 MiB once decompressed/);
    assert.deepEqual(
      report.lookups.map((l) => [l.source, l.status]),
      [[good, "in_sync"]],
    );
    const broken = path.join(rig.dir, "broken.json.gz");
    fs.writeFileSync(
      broken,
      Buffer.concat([fs.readFileSync(bomb).subarray(0, 20), Buffer.from("not deflate")]),
    );
    const { report: bad } = await check({ files: [broken] });
    assert.match(bad.sources[0].error ?? "", /broken\.json\.gz: is not valid gzip/);
    await assert.rejects(
      check({ files: [good], maxStateBytes: 0 }),
      /maxStateBytes must be a whole number of bytes from 1/,
    );
  });

  it("deep nesting: another resource's `__provider` cannot make the stack unreadable; a lookup's own makes only it unreadable", async () => {
    const deep = (levels: number, leaf: unknown): unknown => {
      let value = leaf;
      for (let i = 0; i < levels; i++) value = [value];
      return value;
    };
    const resources = [...baseResources("proj", "dev")];
    // Another dynamic resource, whose provider is not text at all (and would overflow a recursive decoder).
    resources.push({
      urn: "urn:pulumi:dev::proj::pulumi-nodejs:dynamic:Resource::other",
      custom: true,
      type: "pulumi-nodejs:dynamic:Resource",
      inputs: { __provider: "DEEP-PROVIDER" },
      outputs: {},
    });
    // One whose URN is not text, beside an encrypted provider: named in the warning without being walked.
    resources.push({
      urn: "DEEP-URN",
      custom: true,
      type: "pulumi-nodejs:dynamic:Resource",
      inputs: { __provider: ciphertext() },
      outputs: {},
    });
    resources.push(await upLookup("proj", "dev", "fine", args("myGalleryName")));
    const odd = await upLookup("proj", "dev", "odd", args("myGalleryName"));
    (odd.outputs as Json).tags = { env: deep(1_000, "x") };
    resources.push(odd);
    const file = path.join(rig.dir, "dev.json");
    // Written by hand: JSON.stringify itself recurses, and would overflow on the way out.
    const levels = 200_000;
    fs.writeFileSync(
      file,
      JSON.stringify(exportDocument(resources))
        .replace('"DEEP-PROVIDER"', `${"[".repeat(levels)}"x"${"]".repeat(levels)}`)
        .replace('"DEEP-URN"', `${"[".repeat(levels)}"u"${"]".repeat(levels)}`),
    );
    const { report } = await check({ files: [file], unreadable: "warn" });
    assert.deepEqual(report.sources, [{ source: file, lookups: 2 }]);
    assert.deepEqual(
      report.lookups.map((l) => [l.urn.split("::").pop(), l.source, l.status]),
      [
        ["fine", file, "in_sync"],
        ["odd", file, "unreadable"],
      ],
    );
    assert.match(report.lookups[1].error?.message ?? "", /^tags: nested deeper than 64 levels/);
    assert.equal(report.lookups[1].error?.name, "StateFormatError");
    assert.match(
      report.warnings[0],
      /1 dynamic resource\(s\) .*encrypted provider.*: \(a resource without a URN\)$/,
    );
  });

  it("the drift errors are the package's: StateSourceError extends GalleryLookupError", async () => {
    const missing = path.join(rig.dir, "no-backend");
    await assert.rejects(
      checkDrift({ client: rig.client, backend: `file://${missing}` }),
      (error: unknown) =>
        error instanceof StateSourceError &&
        error instanceof GalleryLookupError &&
        error.name === "StateSourceError" &&
        error.message.includes(missing),
    );
  });

  it("property: tags keyed like Object.prototype's members (constructor, __proto__, toString...) are compared and shown as they are", async () => {
    const protoKey = fc.constantFrom(
      "constructor",
      "__proto__",
      "toString",
      "valueOf",
      "hasOwnProperty",
      "isPrototypeOf",
      "propertyIsEnumerable",
      "toLocaleString",
      "__defineGetter__",
      "__lookupGetter__",
    );
    const entries = fc.uniqueArray(
      fc.tuple(fc.oneof(protoKey, fc.string({ minLength: 1, maxLength: 6 })), fc.string({ maxLength: 4 })),
      { selector: ([k]) => k, maxLength: 5 },
    );
    // Object.fromEntries makes own properties, `__proto__` included, as JSON.parse does.
    const tags = entries.map((e) => Object.fromEntries(e) as Record<string, string>);
    let run = 0;
    await fc.assert(
      fc.asyncProperty(tags, tags, async (before, after) => {
        const name = `proto${run++}`;
        seedGallery(name, { tags: before });
        const res = await upLookup("proj", "dev", "p", args(name));
        const file = writeDocument(path.join(rig.dir, `${name}.json`), exportDocument([res]));
        seedGallery(name, { tags: after });
        const { report } = await check({ files: [file] });
        const own = (bag: Record<string, string>, k: string) =>
          Object.hasOwn(bag, k) ? { [k]: bag[k] } : {};
        const expected = [...new Set([...Object.keys(before), ...Object.keys(after)])]
          .sort()
          .filter((k) => own(before, k)[k] !== own(after, k)[k])
          .map((k) => ({
            path: ["tags", k],
            ...(Object.hasOwn(before, k) ? { before: before[k] } : {}),
            ...(Object.hasOwn(after, k) ? { after: after[k] } : {}),
            sensitive: false,
          }));
        const [entry] = report.lookups;
        // No tags at all is no `tags` output: the change is then the whole map.
        if (Object.keys(before).length === 0 || Object.keys(after).length === 0) {
          assert.equal(entry.status, expected.length > 0 ? "drifted" : "in_sync");
          return;
        }
        assert.equal(entry.status, expected.length > 0 ? "drifted" : "in_sync", JSON.stringify(entry));
        assert.deepEqual(entry.changes, expected);
        const json = (JSON.parse(renderJson(report)) as typeof report).lookups[0].changes;
        assert.deepEqual(json, expected, "--json holds every change");
        const text = renderTerminal(report);
        for (const change of expected)
          assert.ok(text.includes(describeChange(change)), describeChange(change));
        assert.doesNotMatch(text, /native code|function|\[object Object\]/);
      }),
      { numRuns: 40 },
    );
  });

  it("a self-managed backend folder: project and legacy layouts, gzip, named stacks; backups ignored", async () => {
    const stacks = path.join(rig.dir, ".pulumi", "stacks");
    const lookupOf = async (stack: string, project = "proj") => [
      ...baseResources(project, stack),
      await upLookup(project, stack, "g", args("myGalleryName")),
    ];
    writeDocument(
      path.join(stacks, "proj", "dev.json"),
      checkpointDocument("organization/proj/dev", await lookupOf("dev")),
    );
    writeDocument(
      path.join(stacks, "proj", "prod.json.gz"),
      checkpointDocument("organization/proj/prod", await lookupOf("prod")),
    );
    // Both forms present: the newer one is current (Pulumi removes the other when it switches).
    const stale = writeDocument(
      path.join(stacks, "proj", "test.json"),
      checkpointDocument("organization/proj/test", null),
    );
    fs.utimesSync(stale, new Date(2020, 1, 1), new Date(2020, 1, 1));
    writeDocument(
      path.join(stacks, "proj", "test.json.gz"),
      checkpointDocument("organization/proj/test", await lookupOf("test")),
    );
    writeDocument(path.join(stacks, "proj", "dev.json.bak"), { garbage: true });
    writeDocument(
      path.join(stacks, "legacy.json"),
      checkpointDocument("legacy", await lookupOf("legacy", "old")),
    );
    fs.mkdirSync(path.join(rig.dir, ".pulumi", "history"), { recursive: true });

    const all = await check({ backend: `file://${rig.dir}` });
    assert.equal(all.report.exitCode, 0, JSON.stringify(all.report.sources));
    assert.deepEqual(all.report.lookups.map((l) => l.stack).sort(), [
      "old/legacy",
      "proj/dev",
      "proj/prod",
      "proj/test",
    ]);
    assert.equal(all.gets, 1, "one gallery, one GET, however many stacks");

    const named = await check({ backend: rig.dir, stacks: ["prod", "proj/dev", "organization/proj/test"] });
    assert.deepEqual(
      named.report.lookups.map((l) => l.stack),
      ["proj/prod", "proj/dev", "proj/test"],
    );
    await assert.rejects(
      check({ backend: rig.dir, stacks: ["staging"] }),
      /no stack "staging" \(stacks: legacy, proj\/dev, proj\/prod, proj\/test\)/,
    );
    await assert.rejects(check({ backend: path.join(rig.dir, "nowhere") }), /no .*\.pulumi\/stacks folder/);
  });

  describe("the verdict equals the provider's check + diff on the same data", () => {
    const scenarios: [string, boolean, (id: string) => void, (res: Json) => void][] = [
      ["nothing changed", false, () => undefined, () => undefined],
      ["tags changed", true, (id) => rig.azure.patchGallery(id, { tags: { env: "other" } }), () => undefined],
      [
        "sharing changed",
        true,
        (id) => rig.azure.patchGallery(id, { properties: { sharingProfile: { permissions: "Groups" } } }),
        () => undefined,
      ],
      [
        "a null stored for a field the service omits: no drift, since check itself folds absent values as null",
        false,
        () => undefined,
        (res) => ((res.outputs as Json).description = null),
      ],
      [
        "the program's arguments in another letter case",
        false,
        () => undefined,
        (res) => ((res.inputs as Json).galleryName = "EQ-GALLERY"),
      ],
      [
        "a field in state the service no longer returns",
        true,
        () => undefined,
        (res) => ((res.outputs as Json).softDeletePolicy = { isSoftDeleteEnabled: true }),
      ],
    ];
    for (const [title, expected, mutateAzure, mutateState] of scenarios) {
      it(title, async () => {
        const name = "eq-gallery";
        const id = galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, name);
        seedGallery(name, {
          tags: { env: "prod" },
          properties: { sharingProfile: { permissions: "Private" } },
        });
        const res = await upLookup("proj", "dev", "eq", args(name));
        mutateState(res);
        mutateAzure(id);
        const file = writeDocument(path.join(rig.dir, "dev.json"), exportDocument([res]));
        const { report } = await check({ files: [file] });

        // What `pulumi preview` does with the same state: Check with the stored inputs, then Diff.
        setDefaultArmClient(rig.client, "public");
        try {
          const { __provider: _p, ...inputs } = res.inputs as Json;
          const { __provider: _q, ...outputs } = res.outputs as Json;
          const checked = await ops.check(outputs, inputs);
          const diff = await ops.diff(String(res.id), outputs, checked.inputs);
          assert.equal(diff.changes, expected, `${title}: the provider's diff`);
          assert.equal(
            report.lookups[0].status === "drifted",
            diff.changes,
            `${title}: ${JSON.stringify(report.lookups[0])}`,
          );
          assert.equal(report.exitCode, diff.changes ? 2 : 0);
        } finally {
          setDefaultArmClient(undefined, "public");
        }
      });
    }
  });
});
