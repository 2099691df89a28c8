import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";

// The docs quote benchmark figures by hand; this keeps each quoted value and ratio equal to the
// committed run the doc names, so a re-run of the bench without the docs (or the reverse) fails here.
const ROOT = path.resolve(__dirname, "..", "..", "..");

interface Figure {
  id: string;
  value: number;
  ratio?: number;
}

/** Each doc's figures table (the first one, or the first after the heading `after`) and its results file. */
const QUOTES: { doc: string; results: string; after?: string; least?: number }[] = [
  { doc: "docs/performance.md", results: "bench/results.json" },
  {
    doc: "docs/performance.md",
    results: "bench/pulumi-results.json",
    after: "## Under the real Pulumi CLI",
    least: 3,
  },
  {
    doc: "docs/performance.md",
    results: "bench/overlap-results.json",
    after: "## Lookups overlap (issue 26)",
    least: 6,
  },
  {
    doc: "docs/performance.md",
    results: "bench/prefetch-results.json",
    after: "### The prefetch thread's CPU",
    least: 4,
  },
  {
    doc: "docs/performance.md",
    results: "bench/plugin-results.json",
    after: "## The plugin against the dynamic provider",
    least: 4,
  },
  {
    doc: "docs/performance.md",
    results: "bench/plugin-overlap-results.json",
    after: "## The plugin's lookups and latency (issue 26)",
    least: 6,
  },
  { doc: "docs/cli.md", results: "bench/results.json" },
  { doc: "docs/drift.md", results: "bench/drift-results.json" },
];

/** The first number in a cell ("2,181 ms (2105-2228)" is 2181), or undefined for an empty one. */
export function firstNumber(cell: string): number | undefined {
  const match = /-?\d[\d,]*(\.\d+)?/.exec(cell);
  return match ? Number(match[0].replace(/,/g, "")) : undefined;
}

/** Equal as quoted: to the 1 % or 0.01 that rounding for a table allows. */
function asQuoted(quoted: number, measured: number): boolean {
  return Math.abs(quoted - measured) <= Math.max(0.01 * Math.abs(measured), 0.01);
}

/** Rows of the table whose header has a `value` column, keyed by the figure id they start with. */
function quotedRows(markdown: string, after?: string): { id: string; value: string; ratio?: string }[] {
  const lines = markdown.split("\n");
  const from = after === undefined ? 0 : lines.findIndex((l) => l.trim() === after);
  assert.ok(from >= 0, `a heading ${after}`);
  const header = lines.findIndex(
    (l, i) => i >= from && /^\|.*\|\s*value\s*\|/.test(l) && /\|\s*ratio\s*\|/.test(l),
  );
  assert.ok(header >= 0, "a figures table with value and ratio columns");
  const cells = (line: string): string[] =>
    line
      .split("|")
      .slice(1, -1)
      .map((c) => c.trim());
  const names = cells(lines[header]);
  const rows = [];
  for (const line of lines.slice(header + 2)) {
    if (!line.startsWith("|")) break;
    const row = cells(line);
    const id = /^\d+[a-z]?/.exec(row[0])?.[0];
    if (id === undefined) continue; // a continuation line (spreads) under the row above
    rows.push({ id, value: row[names.indexOf("value")], ratio: row[names.indexOf("ratio")] });
  }
  return rows;
}

describe("the docs quote the committed benchmark run", () => {
  for (const { doc, results, after, least = 5 } of QUOTES) {
    it(`${doc}: every figure's value and ratio is ${results}'s`, () => {
      const figures = (JSON.parse(fs.readFileSync(path.join(ROOT, results), "utf8")) as { figures: Figure[] })
        .figures;
      const rows = quotedRows(fs.readFileSync(path.join(ROOT, doc), "utf8"), after);
      assert.ok(rows.length >= least, `${doc} quotes figures`);
      for (const row of rows) {
        // "6" stands for 6-1, 6-100 and 6-1000 (one value for all); "5d–f" starts with 5d.
        const figure =
          figures.find((f) => f.id === row.id) ?? figures.find((f) => f.id.startsWith(`${row.id}-`));
        assert.ok(figure, `${doc} quotes figure ${row.id}, which ${results} does not have`);
        const value = firstNumber(row.value);
        assert.ok(
          value !== undefined && asQuoted(value, figure.value),
          `${doc} ${row.id}: quotes ${row.value}, ${results} has ${figure.value}`,
        );
        const ratio = row.ratio === undefined ? undefined : firstNumber(row.ratio);
        if (ratio !== undefined && figure.ratio !== undefined) {
          assert.ok(
            asQuoted(ratio, figure.ratio),
            `${doc} ${row.id}: ratio ${row.ratio}, ${results} has ${figure.ratio}`,
          );
        }
      }
    });
  }

  it("reads a quoted cell's number as a reader does", () => {
    assert.equal(firstNumber("2,181 ms (2105-2228)"), 2181);
    assert.equal(firstNumber("-0.27 MB"), -0.27);
    assert.equal(firstNumber("0 (and 0 requests answered 429)"), 0);
    assert.equal(firstNumber(""), undefined);
  });
});
