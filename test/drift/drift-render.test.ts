// The renderings of a drift report: values that cannot rewrite a terminal or break a Markdown table,
// colour only when asked, secrets withheld.
import { strict as assert } from "node:assert";
import fc from "fast-check";
import { checkDrift } from "#internal/drift/checkDrift";
import { DRIFT_FORMAT_VERSION, type DriftReport } from "#internal/drift/driftReport";
import { lookupName, renderJson, renderMarkdown, renderTerminal, showValue } from "#internal/drift/render";
import { escapeUnsafe } from "#internal/errors/safeText";
import { parseReportMarkdown } from "../support/markdownMarkup";

/** Pieces of Markdown, HTML and GitHub's autolinking, to build names and messages that try to render. */
const HOSTILE_PIECES = [
  "<img src=x onerror=alert(1)>",
  "<script>",
  "</td></tr></table>",
  "<!--",
  "@octocat",
  "@org/team",
  "#1",
  "GH-1",
  "[click](https://e.example)",
  "![i](https://e.example/i.png)",
  "[ref]: https://e.example",
  "https://e.example",
  "www.e.example",
  "a@b.example",
  "*",
  "**",
  "_",
  "~~",
  "`",
  "``",
  "```",
  "|",
  "\\",
  "\\|",
  "&lt;",
  "&#64;",
  "\n",
  "\r\n",
  "\n\n",
  "\n# heading\n",
  "\n- item",
  "\n> quote",
  "\n    indented",
  "---",
  " ",
  "x",
  ":",
  "\u202e",
];
const hostile = fc.oneof(
  fc.array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 8 }).map((p) => p.join("")),
  fc.string({ minLength: 1 }),
);

/**
 * A name or message as the Markdown shows it: on one line, control and bidi characters visible (a span of
 * spaces only is read back as renderers differ on it: as blank).
 */
const shown = (text: string) => blank(escapeUnsafe(text.replace(/[\r\n]+/g, " ")));
const blank = (text: string) => (text.trim() === "" ? "" : text);

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

  it("Markdown: no stack, URN, gallery id, message, remedy, source or warning renders as markup (property)", () => {
    fc.assert(
      fc.property(
        fc.record({
          stack: hostile,
          name: hostile,
          galleryId: hostile,
          message: hostile,
          remedy: hostile,
          source: hostile,
          sourceError: hostile,
          skipped: hostile,
          warning: hostile,
          tagKey: hostile,
          value: hostile,
        }),
        (h) => {
          const r = report([{ path: ["tags", h.tagKey], before: h.value, after: "b", sensitive: false }]);
          const urn = `urn:pulumi:dev::p::pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup::${h.name}`;
          r.lookups[0] = { ...r.lookups[0], stack: h.stack, urn, galleryId: h.galleryId };
          r.lookups.push({
            ...r.lookups[0],
            status: "unreadable",
            changes: [],
            error: { name: "InvalidArgumentsError", message: h.message },
            remedy: h.remedy,
          });
          r.sources = [
            { source: h.source, lookups: 0, error: h.sourceError },
            { source: h.source, lookups: 0, skipped: h.skipped },
          ];
          r.warnings = [h.warning];
          const parsed = parseReportMarkdown(renderMarkdown(r));
          parsed.code = parsed.code.map(blank);
          parsed.rows = parsed.rows.map((row) => row.map(blank));
          assert.deepEqual(parsed.foreign, [], "nothing but the report's own layout is markup");
          // Each value is there, whole, as code: header row, then the drifted and the unreadable lookup.
          assert.equal(parsed.rows.length, 3);
          for (const row of parsed.rows.slice(1)) {
            assert.deepEqual(row.slice(0, 3), [shown(h.stack), shown(lookupName(urn)), shown(h.galleryId)]);
          }
          assert.deepEqual(parsed.rows[2].slice(3), [shown(h.message), shown(h.remedy)]);
          for (const text of [h.sourceError, h.source, h.skipped, h.warning])
            assert.ok(parsed.code.includes(shown(text)), JSON.stringify(text));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("a lookup's name is everything after the URN's type, '::' included", () => {
    const urn = "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup::a::b";
    assert.equal(lookupName(urn), "a::b");
    assert.equal(lookupName("urn:pulumi:dev::proj::azure-gallery-lookup:index:GalleryLookup::::"), "::");
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
