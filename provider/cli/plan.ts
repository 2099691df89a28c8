// How a run of the offline engine reads: the plan as a table with the details of every GalleryLookup (the
// way `pulumi preview` lays it out), the same plan as JSON for scripts, and a failure as one line per cause.
import type { RunProgramResult } from "../preview/runProgram";
import type { Step } from "../preview/localEngine";
import { UNKNOWN } from "../gallery/unknowns";

/** The observed values worth showing for a GalleryLookup, in this order. */
const SHOWN = [
  "resourceId",
  "uniqueName",
  "principalId",
  "permissions",
  "sharedSubscriptionIds",
  "sharedTenantIds",
];

const SYMBOL: Record<Step["op"], string> = {
  create: "+",
  same: " ",
  update: "~",
  replace: "+-",
  delete: "-",
  read: ">",
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * One value as shown. Absent and unknown read the same wherever they appear: a lookup that returned nothing
 * for a field leaves it absent (null in the checked inputs, so that a preview knows it).
 */
export function showValue(value: unknown, preview: boolean): string {
  if (value === UNKNOWN) return preview ? "(not known in preview)" : "(unknown)";
  // check folds what the gallery lacks as null (see gallery/diff.ts checkedInputs): still "not returned".
  if (value === undefined || value === null) return "(not returned)";
  return JSON.stringify(value);
}

/** The innermost changed values under `where`, so a nested change reads as one line (arrays of scalars whole). */
export function leafChanges(where: string, before: unknown, after: unknown): [string, unknown, unknown][] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const scalars = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null);
  if (Array.isArray(before) && Array.isArray(after) && !scalars(before) && before.length === after.length) {
    return before.flatMap((b, i) => leafChanges(`${where}[${i}]`, b, after[i]));
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => leafChanges(`${where}.${k}`, before[k], after[k]));
  }
  return [[where, before, after]];
}

/** `pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup` reads better by its last part. */
export function displayType(type: string): string {
  return type.startsWith("pulumi-nodejs:dynamic") ? (type.split(":").pop() ?? type) : type;
}

/** Steps that change something (what `--expect-no-changes` fails on). */
export function changes(result: Pick<RunProgramResult, "steps">): Step[] {
  return result.steps.filter((s) => s.op !== "same" && s.op !== "read");
}

/** The plan as text lines: the table, the details of each lookup, the stack outputs and the counts. */
export function planText(title: string, result: RunProgramResult, preview: boolean): string[] {
  const lines = [title, ""];
  const rows = result.steps.map((s) => [
    SYMBOL[s.op],
    displayType(s.type),
    s.name,
    s.op === "same" ? "" : s.op,
  ]);
  const width = Math.max(...rows.map((r) => r[1].length), 4) + 2;
  const nameWidth = Math.max(...rows.map((r) => r[2].length), 4) + 2;
  lines.push(`     ${"Type".padEnd(width)}${"Name".padEnd(nameWidth)}Plan`);
  for (const [symbol, type, name, op] of rows) {
    lines.push(` ${symbol.padEnd(3)} ${type.padEnd(width)}${name.padEnd(nameWidth)}${op}`.trimEnd());
  }
  for (const step of result.steps) {
    if (!step.type.startsWith("pulumi-nodejs:dynamic")) continue;
    lines.push("");
    if (step.op === "update" || step.op === "replace") {
      lines.push(`  ~ ${step.name} (${displayType(step.type)}): ${step.changedKeys.length} changed`);
      for (const key of step.changedKeys) {
        for (const [where, before, after] of leafChanges(key, step.oldOutputs?.[key], step.outputs[key])) {
          lines.push(`      ~ ${where}: ${showValue(before, preview)} => ${showValue(after, preview)}`);
        }
      }
      if (step.replaces.length) lines.push(`      (replace because of: ${step.replaces.join(", ")})`);
    } else {
      lines.push(`  ${step.name} (${displayType(step.type)}):`);
      for (const key of SHOWN) lines.push(`      ${key}: ${showValue(step.outputs[key], preview)}`);
    }
  }
  lines.push("", "Outputs:");
  for (const [key, value] of Object.entries(result.outputs).sort()) {
    lines.push(`    ${key}: ${showValue(value, preview)}`);
  }
  const counts = new Map<string, number>();
  for (const s of result.steps) counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
  lines.push("", "Resources:");
  const verb = preview ? "to " : "";
  const past: Record<string, string> = {
    create: "created",
    update: "updated",
    replace: "replaced",
    delete: "deleted",
    read: "read",
  };
  for (const [op, n] of counts) {
    const what = op === "same" ? "unchanged" : preview ? `${verb}${op}` : past[op];
    lines.push(`    ${SYMBOL[op as Step["op"]].trim() || " "} ${n} ${what}`);
  }
  lines.push("");
  return lines;
}

/** The plan for scripts: steps, stack outputs (unknowns as `null` with their names listed) and the change count. */
export function planJson(result: RunProgramResult, preview: boolean): Record<string, unknown> {
  const unknownOutputs = Object.keys(result.outputs).filter((k) => result.outputs[k] === UNKNOWN);
  return {
    preview,
    changes: changes(result).length,
    steps: result.steps.map((s) => ({
      op: s.op,
      urn: s.urn,
      type: s.type,
      name: s.name,
      ...(s.id ? { id: s.id } : {}),
      ...(s.changedKeys.length ? { changedKeys: s.changedKeys } : {}),
      ...(s.replaces.length ? { replaces: s.replaces } : {}),
      ...(s.type.startsWith("pulumi-nodejs:dynamic")
        ? { outputs: Object.fromEntries(Object.entries(s.outputs).filter(([k]) => k !== "__provider")) }
        : {}),
      ...(s.oldOutputs && s.changedKeys.length
        ? { oldOutputs: Object.fromEntries(s.changedKeys.map((k) => [k, s.oldOutputs?.[k] ?? null])) }
        : {}),
    })),
    outputs: Object.fromEntries(
      Object.entries(result.outputs).map(([k, v]) => [k, v === UNKNOWN ? null : v]),
    ),
    unknownOutputs,
  };
}

// eslint-disable-next-line no-control-regex -- matching the ESC character is the point
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** Removes terminal colour codes (the runtime may colour its messages; a log file should not hold them). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, "");
}

/** `Error: message` without its stack, and the first frame in the user's own code, if there is one. */
function withoutStack(message: string): string {
  const frames = message.split("\n");
  const firstFrame = frames.findIndex((l) => /^\s+at /.test(l));
  if (firstFrame === -1) return message.trim();
  const own = frames
    .slice(firstFrame)
    .find((l) => /^\s+at /.test(l) && !/node_modules|node:internal|\(node:|^\s+at <anonymous>$/.test(l));
  const where = own ? /\(?([^()\s]+:\d+:\d+)\)?\s*$/.exec(own)?.[1] : undefined;
  return `${frames.slice(0, firstFrame).join("\n").trim()}${where ? `\n    at ${where}` : ""}`;
}

/**
 * Why a run failed, each cause once: the errors the engine reported (a failed Check names the resource, the
 * property and the reason), then the program's own errors without their stacks (with `verbose`: in full, with
 * the runtime's stderr). A runtime message that only repeats an engine error is left out.
 */
export function failureLines(result: RunProgramResult, verbose: boolean): string[] {
  const lines = result.errors.map((e) => `error: ${e}`);
  const programErrors = result.logs.filter((l) => l.severity === "error").map((l) => l.message);
  for (const message of programErrors) {
    if (!verbose && result.errors.some((e) => message.includes(e))) continue;
    const text = (verbose ? message : withoutStack(message)).replace(
      /^Running program '[^']*' failed with an unhandled exception:\n/,
      "the program failed: ",
    );
    lines.push(`error: ${text}`);
  }
  if (lines.length === 0) {
    lines.push(
      result.exitCode === null
        ? "error: the program was stopped"
        : `error: the program exited with code ${result.exitCode}${result.stderr.trim() ? `:\n${result.stderr.trim()}` : ""}`,
    );
  } else if (verbose && result.stderr.trim()) {
    lines.push(`runtime stderr:\n${result.stderr.trim()}`);
  }
  return lines;
}

/** Whether a run failed (the program exited non-zero, or the engine reported an error). */
export function failed(result: RunProgramResult): boolean {
  return result.exitCode !== 0 || result.errors.length > 0;
}
