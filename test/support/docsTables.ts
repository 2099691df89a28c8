// docs/reliability.md's fault tables are generated: the reliability tests write this run's rows (in the
// docs' words) under build/, `npm run docs:tables` copies them between the markers in the doc, and each
// reliability suite checks that the doc holds what this run saw, so a changed message cannot leave
// the doc behind unnoticed.
import * as fs from "node:fs";
import * as path from "node:path";
import { SIGN_IN_HINT } from "#internal/auth/signInHint";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
export const RELIABILITY_DOC = path.join(REPO_ROOT, "docs", "reliability.md");

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const HINT = new RegExp(
  `${escape(SIGN_IN_HINT)}( azure-native's settings work too: .*?\\(README: Signing in\\)\\.)?`,
  "g",
);

/**
 * A message as the doc shows it: the gallery's path shortened, request ids and ports (which differ in
 * every run) masked, and the long sign-in hint (docs/errors.md has it whole) named.
 */
export function forDocs(text: string): string {
  return text
    .replace(/subscriptions\/[^/\s]+\/resourceGroups\/[^/\s]+\/galleries\//g, "…/galleries/")
    .replace(/(x-ms-request-id )[0-9a-f-]{36}/g, "$1…")
    .replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:PORT")
    .replace(HINT, "[sign-in hint]");
}

const marker = (name: string) =>
  `<!-- generated: build/${name} (npm test writes it; npm run docs:tables copies it here) -->`;
const END = "<!-- end of generated table -->";

/** The table between a generated table's markers in the doc. */
export function generatedSection(doc: string, name: string): string {
  const start = doc.indexOf(marker(name));
  const end = doc.indexOf(END, start);
  if (start < 0 || end < 0) throw new Error(`${RELIABILITY_DOC} has no markers for build/${name}`);
  return doc.slice(start + marker(name).length, end);
}

/** The doc with the table between `name`'s markers replaced by `table`. */
export function spliceGenerated(doc: string, name: string, table: string): string {
  const section = generatedSection(doc, name);
  const at = doc.indexOf(marker(name)) + marker(name).length;
  return `${doc.slice(0, at)}\n\n${table.trim()}\n\n${doc.slice(at + section.length)}`;
}

/** A Markdown table's body rows as cells (header and rule left out; `\|` stays inside a cell). */
export function tableRows(markdown: string): string[][] {
  return markdown
    .split("\n")
    .filter((l) => l.startsWith("|"))
    .slice(2)
    .map((l) =>
      l
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((c) => c.trim()),
    );
}

/**
 * What a run may change without the doc being out of date: timings, and the counts of requests and
 * attempts (a retry that lands a moment later changes them; the suites assert their bounds).
 */
function settled(cells: string[]): string[] {
  const [fault, outcome, , , reads] = cells;
  const untimed = (s: string) => s.replace(/\d+ ms\b/g, "N ms").replace(/\b\d+ attempts?\b/g, "N attempts");
  return [fault, outcome, untimed(reads ?? "")];
}

/**
 * How the doc's copy of `name` differs from this run's table (empty when it is this run's), each
 * difference named by its fault.
 */
export function docDifferences(
  doc: string,
  name: string,
  runTable: string,
  varies: readonly string[] = [],
): string[] {
  const documented = tableRows(generatedSection(doc, name));
  const ran = tableRows(runTable);
  const differences: string[] = [];
  if (documented.map((r) => r[0]).join("\n") !== ran.map((r) => r[0]).join("\n")) {
    differences.push(`the faults differ: the doc lists [${documented.map((r) => r[0]).join("; ")}]`);
  }
  for (const row of ran) {
    const theirs = documented.find((r) => r[0] === row[0]);
    if (!theirs || varies.includes(row[0])) continue;
    const [a, b] = [settled(theirs), settled(row)];
    if (a.join("|") !== b.join("|"))
      differences.push(
        `"${row[0]}": the doc says ${a.slice(1).join(" / ")}; this run: ${b.slice(1).join(" / ")}`,
      );
  }
  return differences;
}

/** Copies every generated table under build/ into the doc. */
export function copyGeneratedTables(names: readonly string[]): string[] {
  let doc = fs.readFileSync(RELIABILITY_DOC, "utf8");
  const copied = [];
  for (const name of names) {
    const file = path.join(REPO_ROOT, "build", name);
    if (!fs.existsSync(file)) continue;
    doc = spliceGenerated(doc, name, fs.readFileSync(file, "utf8"));
    copied.push(name);
  }
  fs.writeFileSync(RELIABILITY_DOC, doc);
  return copied;
}

/** The generated tables, by the file each suite writes under build/. */
export const GENERATED_TABLES = [
  "reliability-table.md",
  "reliability-token-table.md",
  "reliability-host-table.md",
] as const;

/** Fails with what differs when the doc does not hold this run's table. */
export function assertDocHolds(name: string, runTable: string, varies: readonly string[] = []): void {
  const differences = docDifferences(fs.readFileSync(RELIABILITY_DOC, "utf8"), name, runTable, varies);
  if (differences.length > 0) {
    throw new Error(
      `docs/reliability.md's table build/${name} is not what this run saw; after \`npm test\`, run \`npm run docs:tables\`:\n  ${differences.join("\n  ")}`,
    );
  }
}
