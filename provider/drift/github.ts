// The drift report where GitHub Actions shows it: the Markdown report in the job summary
// ($GITHUB_STEP_SUMMARY) and one workflow annotation per lookup that needs attention. Pure, except
// `inGitHubActions`, which only reads the environment it is given.
//
// Workflow commands are lines `::command key=value,key=value::message`. The runner unescapes `%25`,
// `%0D`, `%0A` in the message, and in property values also `%3A` and `%2C` (toolkit/packages/core
// src/command.ts), so a value is escaped in that order: `%` first, or its own escapes would be doubled.
import { randomBytes } from "node:crypto";
import { appendFileSync } from "node:fs";
import { escapeUnsafe } from "../errors/safeText";
import type { DriftReport, LookupDriftEntry } from "./driftReport";
import { describeChange, lookupName } from "./render";

/** A workflow command's message: `%`, CR and LF escaped, so that it stays on its line. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
}

/** A workflow command's property value: as data, and `:` and `,`, which end a value. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");
}

/**
 * A line of text that is no workflow command, for what `--github` writes outside its annotations (the
 * runner reads stderr for commands too): on one line, `%`, CR and LF escaped as in a command's data, never
 * starting with `::`, and without `##[`, which the runner's older command form finds anywhere in a line.
 * A folder or stack name can then say anything without being obeyed.
 */
export function inertLine(text: string): string {
  const line = escapeCommandData(text.replace(/\r?\n$/, "")).replace(/##\[/g, "##%5B");
  return `${/^\s*::/.test(line) ? line.replace(":", "%3A") : line}\n`;
}

/** Whether `--github` is among a drift command line's flags (before `--`). */
export function asksForGitHub(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  return (end === -1 ? args : args.slice(0, end)).includes("--github");
}

/** One workflow command line (without its newline). */
export function workflowCommand(
  command: string,
  properties: Record<string, string>,
  message: string,
): string {
  const props = Object.entries(properties)
    .map(([key, value]) => `${key}=${escapeCommandProperty(value)}`)
    .join(",");
  return `::${command}${props ? ` ${props}` : ""}::${escapeCommandData(message)}`;
}

/** Whether the environment is a GitHub Actions step that has a job summary to append to. */
export function inGitHubActions(env: NodeJS.ProcessEnv): boolean {
  return env.GITHUB_ACTIONS === "true" && (env.GITHUB_STEP_SUMMARY ?? "") !== "";
}

const TITLE: Partial<Record<LookupDriftEntry["status"], [command: "warning" | "error", title: string]>> = {
  drifted: ["warning", "Gallery drifted"],
  deleted: ["warning", "Gallery deleted"],
  failed: ["error", "Gallery not read"],
  unreadable: ["error", "Lookup unreadable"],
};

/**
 * One annotation per drifted, deleted, failed or unreadable lookup (warnings for drift, errors for what
 * could not be checked), and one error per state source that could not be read. Every value comes from
 * the report, which already withholds secrets; control characters are made visible first.
 */
export function renderAnnotations(report: DriftReport): string[] {
  const lines: string[] = [];
  for (const source of report.sources) {
    if (source.error === undefined) continue;
    lines.push(
      workflowCommand(
        "error",
        { title: "State not read" },
        escapeUnsafe(`${source.source}: ${source.error}`),
      ),
    );
  }
  for (const entry of report.lookups) {
    const kind = TITLE[entry.status];
    if (!kind) continue;
    const body = [
      `${entry.galleryId}`,
      ...entry.changes.map(describeChange),
      ...(entry.error ? [`${entry.error.name}: ${entry.error.message}`] : []),
      ...(entry.remedy ? [entry.remedy] : []),
    ].map((line) => escapeUnsafe(line));
    lines.push(
      workflowCommand(
        kind[0],
        { title: escapeUnsafe(`${kind[1]}: ${entry.stack} ${lookupName(entry.urn)}`) },
        body.join("\n"),
      ),
    );
  }
  return lines;
}

/**
 * The plain report for the log, fenced by `::stop-commands::` so that nothing in it (a stack or tag
 * written to look like `::error::`) is taken for a workflow command.
 */
export function fenceFromCommands(text: string): string {
  const token = `gallery-lookup-${randomBytes(12).toString("hex")}`;
  return `::stop-commands::${token}\n${text}${text.endsWith("\n") ? "" : "\n"}::${token}::\n`;
}

/** Where {@link reportToGitHub} writes. */
export interface GitHubOutput {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `--github`: inside GitHub Actions, appends the Markdown report to the job summary and prints the
 * annotations, then the plain report fenced from commands; elsewhere says so on stderr and prints the plain
 * report (still fenced under a runner without a job summary, which reads commands all the same). Everything
 * on stderr is an {@link inertLine}. Resolves to false when the job summary could not be written (the run
 * then fails).
 */
export function reportToGitHub(
  report: DriftReport,
  renderings: { markdown: string; plain: string },
  out: GitHubOutput,
): boolean {
  if (!inGitHubActions(out.env)) {
    out.stderr(
      inertLine(
        'gallery-lookup drift: --github: not inside GitHub Actions (GITHUB_ACTIONS is not "true", or GITHUB_STEP_SUMMARY is not set): printing the plain report',
      ),
    );
    out.stdout(out.env.GITHUB_ACTIONS === "true" ? fenceFromCommands(renderings.plain) : renderings.plain);
    return true;
  }
  let written = true;
  try {
    appendFileSync(out.env.GITHUB_STEP_SUMMARY!, `${renderings.markdown}\n`);
  } catch (error) {
    written = false;
    out.stderr(
      inertLine(
        `gallery-lookup drift: --github: cannot append to the job summary GITHUB_STEP_SUMMARY names (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      ),
    );
  }
  for (const line of renderAnnotations(report)) out.stdout(`${line}\n`);
  out.stdout(fenceFromCommands(renderings.plain));
  return written;
}
