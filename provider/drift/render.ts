// The three renderings of a drift report: a terminal report, Markdown (a pull-request comment or a CI
// step summary) and JSON (the report object itself, schema in docs/drift.md). Pure. In Markdown every
// string of the report (stack, URN, gallery id, message, remedy, warning) is a code span: inert text.
import { escapeUnsafe } from "../errors/safeText";
import { quoteValue } from "../gallery/validation";
import type { DriftReport, LookupDriftEntry } from "./driftReport";
import type { DriftChange } from "./verdict";

const ABSENT = "(absent)";

/** A value for one line of text: JSON, control and bidi characters escaped, long values cut. */
export function showValue(value: unknown, present: boolean): string {
  if (!present) return ABSENT;
  if (typeof value === "string") return quoteValue(value);
  // JSON escapes control characters inside strings; also make DEL, C1 controls and bidi overrides visible.
  // Keys sorted at every depth: the two sides of `before ⇒ after` come from different writers (state, Azure).
  const text = (JSON.stringify(value, sortedKeys) ?? String(value)).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
  return text.length > 300 ? `${text.slice(0, 300)}…` : text;
}

/** A JSON.stringify replacer that writes each object's keys in sorted order. */
function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((k) => [k, object[k]]),
  );
}

/** A property name in a path: as it is when plain, else quoted (a tag key may hold `.`, spaces, ESC). */
function pathSegment(name: string): string {
  return /^[\w$-]+$/.test(name) ? name : quoteValue(name);
}

/** `path: before ⇒ after`. */
export function describeChange(change: DriftChange): string {
  return `${change.path.map(pathSegment).join(".")}: ${showValue(change.before, "before" in change)} ⇒ ${showValue(change.after, "after" in change)}`;
}

/** The lookup's name: the last part of its URN. */
export function lookupName(urn: string): string {
  // urn:pulumi:STACK::PROJECT::TYPE::NAME: the name is everything after the third separator, since a
  // resource name may itself hold "::" (the last segment alone would show a part of it, or nothing).
  const parts = urn.split("::");
  return parts.length >= 4 ? parts.slice(3).join("::") : (parts.pop() ?? urn);
}

const EXIT_MEANING = { 0: "no drift", 1: "error", 2: "drift found" } as const;

function summaryLine(report: DriftReport): string {
  const s = report.summary;
  return (
    `${s.lookups} lookup(s) in ${s.stacks} stack(s), ${s.galleries} gallery read(s): ` +
    `${s.drifted} drifted, ${s.deleted} deleted, ${s.failed} failed, ${s.unreadable} unreadable, ` +
    `${s.in_sync} in sync, ${s.ignored} ignored`
  );
}

interface Palette {
  red: (s: string) => string;
  green: (s: string) => string;
  yellow: (s: string) => string;
  dim: (s: string) => string;
  bold: (s: string) => string;
}

const ansi = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const PLAIN: Palette = { red: String, green: String, yellow: String, dim: String, bold: String };
const COLOURED: Palette = { red: ansi(31), green: ansi(32), yellow: ansi(33), dim: ansi(2), bold: ansi(1) };

const MARK: Record<LookupDriftEntry["status"], string> = {
  drifted: "~",
  deleted: "-",
  failed: "!",
  unreadable: "?",
  in_sync: "=",
  ignored: " ",
};

/** The terminal report. `colour` only when writing to a TTY (the CLI decides). */
export function renderTerminal(report: DriftReport, colour = false): string {
  const p = colour ? COLOURED : PLAIN;
  const paint = {
    drifted: p.yellow,
    deleted: p.red,
    failed: p.red,
    unreadable: p.yellow,
    in_sync: p.green,
    ignored: p.dim,
  };
  const lines: string[] = [];
  for (const source of report.sources.filter((s) => s.error)) lines.push(p.red(`! ${source.error}`));
  for (const source of report.sources.filter((s) => s.skipped))
    lines.push(p.red(`! skipped ${source.source}: ${source.skipped}`));
  for (const entry of report.lookups) {
    if (entry.status === "in_sync" && entry.ignoredChanges.length === 0) continue;
    if (entry.status === "ignored") continue;
    const colourOf = paint[entry.status];
    lines.push(
      colourOf(
        `${MARK[entry.status]} ${entry.status.replace("_", " ")}: ${entry.stack} ${p.bold(lookupName(entry.urn))}`,
      ),
    );
    lines.push(p.dim(`    urn:     ${entry.urn}`));
    lines.push(p.dim(`    gallery: ${entry.galleryId}`));
    if (entry.status === "drifted")
      for (const change of entry.changes) lines.push(`    ${describeChange(change)}`);
    if (entry.error)
      lines.push(`    ${entry.status === "deleted" ? "gallery deleted" : "error"}: ${entry.error.message}`);
    if (entry.remedy) lines.push(`    remedy: ${entry.remedy}`);
    for (const change of entry.ignoredChanges) lines.push(p.dim(`    ignored ${describeChange(change)}`));
  }
  for (const warning of report.warnings) lines.push(p.yellow(`warning: ${warning}`));
  if (lines.length > 0) lines.push("");
  const verdict = report.exitCode === 0 ? p.green : report.exitCode === 2 ? p.yellow : p.red;
  lines.push(summaryLine(report));
  lines.push(verdict(`exit ${report.exitCode}: ${EXIT_MEANING[report.exitCode]}`));
  return `${lines.join("\n")}\n`;
}

/**
 * Text from state or Azure as Markdown that shows as itself and nothing else: one code span (CommonMark
 * 6.1) whose fence is a run of backticks longer than any inside, so no HTML, link, image, emphasis, autolink, @mention or #reference can come of it (GitHub renders none inside
 * code). Line breaks become spaces (one would end the table row or list item), control and bidi characters
 * are made visible, and in a table cell `|` is escaped (GFM unescapes it inside a span too).
 */
export function markdownCode(text: string, inTable = false): string {
  let body = escapeUnsafe(text.replace(/[\r\n]+/g, " "));
  if (body === "") return "";
  if (inTable) body = body.replace(/\|/g, "\\|");
  const longest = (body.match(/`+/g) ?? []).reduce((most, run) => Math.max(most, run.length), 0);
  const fence = "`".repeat(longest + 1);
  // A space keeps a backtick at either end apart from the fence, and stands for the one space a span
  // strips from each end when it both starts and ends with one (unless it holds spaces only).
  const edgeTick = body.startsWith("`") || body.endsWith("`");
  const spaced = body.startsWith(" ") && body.endsWith(" ") && body.trim() !== "";
  const pad = edgeTick || spaced ? " " : "";
  return `${fence}${pad}${body}${pad}${fence}`;
}

const cell = (text: string) => markdownCode(text, true);

/** The Markdown report: a heading, the summary and one table row per lookup that needs attention. */
export function renderMarkdown(report: DriftReport): string {
  const s = report.summary;
  const title =
    report.exitCode === 0
      ? "no drift"
      : report.exitCode === 2
        ? `${s.drifted + s.deleted} of ${s.lookups} lookup(s) drifted`
        : "the check failed";
  const out = [`### Gallery lookup drift: ${title}`, "", summaryLine(report) + ".", ""];
  const rows = report.lookups.filter((e) => e.status !== "in_sync" && e.status !== "ignored");
  if (rows.length > 0) {
    out.push("| Status | Stack | Lookup | Gallery | Details |", "| --- | --- | --- | --- | --- |");
    for (const e of rows) {
      const details =
        e.status === "drifted"
          ? e.changes.map((c) => cell(describeChange(c))).join("<br>")
          : [
              ...(e.error ? [cell(e.error.message)] : []),
              ...(e.remedy ? [`Remedy: ${cell(e.remedy)}`] : []),
            ].join(" ");
      out.push(
        `| ${e.status} | ${cell(e.stack)} | ${cell(lookupName(e.urn))} | ${cell(e.galleryId)} | ${details} |`,
      );
    }
    out.push("");
  }
  for (const source of report.sources.filter((x) => x.error))
    out.push(`- **Unreadable state:** ${markdownCode(source.error ?? "")}`);
  for (const source of report.sources.filter((x) => x.skipped))
    out.push(`- **Skipped state:** ${markdownCode(source.source)}: ${markdownCode(source.skipped ?? "")}`);
  for (const warning of report.warnings) out.push(`- **Warning:** ${markdownCode(warning)}`);
  if (out[out.length - 1] !== "") out.push("");
  out.push(`Exit code ${report.exitCode} (${EXIT_MEANING[report.exitCode]}).`, "");
  return out.join("\n");
}

/** The `--json` output: the report itself. */
export function renderJson(report: DriftReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
