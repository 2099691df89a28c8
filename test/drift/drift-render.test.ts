// The renderings of a drift report: values that cannot rewrite a terminal or break a Markdown table,
// colour only when asked, secrets withheld.
import { strict as assert } from "node:assert";
import { checkDrift, DRIFT_FORMAT_VERSION, type DriftReport } from "#internal/drift/checkDrift";
import { renderJson, renderMarkdown, renderTerminal, showValue } from "#internal/drift/render";

function report(changes: DriftReport["lookups"][number]["changes"]): DriftReport {
  return {
    formatVersion: DRIFT_FORMAT_VERSION,
    checkedAt: "2026-11-30T00:00:00.000Z",
    exitCode: 2,
    summary: {
      lookups: 1,
      stacks: 1,
      galleries: 1,
      in_sync: 0,
      drifted: 1,
      deleted: 0,
      failed: 0,
      unreadable: 0,
      ignored: 0,
    },
    sources: [{ source: "a.json", lookups: 1 }],
    lookups: [
      {
        stack: "p/dev",
        source: "a.json",
        urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup::g|1",
        galleryId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
        status: "drifted",
        changes,
        ignoredChanges: [],
      },
    ],
    warnings: [],
  };
}

describe("drift: rendering the report", () => {
  it("escapes control and bidi characters, marks absent values, cuts long ones", () => {
    assert.equal(showValue("a\u202eb\nc", true), '"a\\u202eb\\nc"');
    assert.equal(showValue({ k: "\u0085" }, true), '{"k":"\\u0085"}');
    assert.equal(showValue(undefined, false), "(absent)");
    assert.ok(showValue(["x".repeat(400)], true).endsWith("…"));
  });

  it("a property name that is not plain is quoted in the path: a tag key cannot rewrite the terminal", () => {
    const text = renderTerminal(
      report([
        { path: ["tags", "\u001b[2Jcost.center\n"], before: "a", after: "b", sensitive: false },
        { path: ["tags", "team-1"], before: "a", after: "b", sensitive: false },
      ]),
    );
    assert.ok(!text.includes("\u001b"), text);
    assert.ok(text.includes('tags."\\u001b[2Jcost.center\\n": "a" ⇒ "b"'), text);
    assert.ok(text.includes('tags.team-1: "a" ⇒ "b"'), text);
  });

  it("Markdown: a pipe or backtick in a value cannot break the table", () => {
    const md = renderMarkdown(
      report([{ path: ["tags", "a|b"], before: "x`y", after: "z", sensitive: false }]),
    );
    const row = md.split("\n").find((l) => l.startsWith("| drifted"));
    assert.ok(row);
    // Five cells: the unescaped pipes are exactly the six borders.
    assert.equal(row.split(/(?<!\\)\|/).length - 1, 6, row);
    assert.match(md, /Exit code 2 \(drift found\)/);
  });

  it("terminal: colour only when asked; JSON: the report itself", () => {
    const r = report([{ path: ["description"], before: "[secret]", after: "[secret]", sensitive: true }]);
    assert.ok(!renderTerminal(r).includes("\u001b["));
    assert.ok(renderTerminal(r, true).includes("\u001b[33m"));
    assert.match(renderTerminal(r), /description: "\[secret\]" ⇒ "\[secret\]"/);
    assert.deepEqual(JSON.parse(renderJson(r)), r);
  });

  it("checkDrift refuses bad options with the option and the rule", async () => {
    await assert.rejects(checkDrift({}), /no state given/);
    await assert.rejects(
      checkDrift({ files: ["a"], concurrency: Number.NaN }),
      /concurrency must be a whole number from 1 to 256/,
    );
    await assert.rejects(
      checkDrift({ files: ["a"], unreadable: "maybe" as never }),
      /unreadable must be "error" or "warn"/,
    );
    await assert.rejects(checkDrift({ files: ["-", "-"] }), /`-` \(stdin\) can be given once/);
    await assert.rejects(checkDrift({ files: ["a"], stacks: ["dev"] }), /naming stacks needs a backend/);
  });
});
