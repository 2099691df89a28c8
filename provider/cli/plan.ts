// How a run of the offline engine reads: the plan as a table with the details of every GalleryLookup (the
// way `pulumi preview` lays it out), the same plan as JSON for scripts, and a failure as one line per cause.
import type { RunProgramResult } from "../preview/runProgram";
import type { Step } from "../preview/localEngine";
import type { PropertyMap } from "../preview/proto";
import { describeChange, showValue as showDriftValue } from "../drift/render";
import { leafChanges } from "../drift/verdict";
import { escapeUnsafe } from "../errors/safeText";
import { expandHint } from "../gallery/hints";
import { UNKNOWN } from "../gallery/unknowns";
import { PROVIDER_KEY } from "../lookup/provider";

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
};

/** How Pulumi's unknown value reads, wherever it sits (a whole value or inside one). */
const unknownText = (preview: boolean) => (preview ? "(not known in preview)" : "(unknown)");
const QUOTED_UNKNOWN = JSON.stringify(UNKNOWN);

/** Marks every unknown in a line the drift renderer wrote, so that a nested unknown reads as one too. */
const markUnknowns = (text: string, preview: boolean) =>
  text.split(QUOTED_UNKNOWN).join(unknownText(preview));

/**
 * One value as shown: the drift report's rendering (one wording for an absent value, escaping), with
 * Pulumi's unknown value marked. A lookup that returned nothing for a field leaves it absent.
 */
export function showValue(value: unknown, preview: boolean): string {
  if (value === UNKNOWN) return unknownText(preview);
  // An ARM id is longer than the drift report's cut for a string, and a plan is read for its ids: in full.
  if (typeof value === "string") return escapeUnsafe(JSON.stringify(value));
  // null is absent too: a Check may fold a field the gallery lacks as null.
  return markUnknowns(showDriftValue(value, value !== undefined && value !== null), preview);
}

/** Whether a step is this package's GalleryLookup (a user's own dynamic resource is not). */
export function isGalleryLookup(step: Pick<Step, "type">): boolean {
  return step.type.startsWith("pulumi-nodejs:dynamic") && step.type.endsWith(":GalleryLookup");
}

/** A resource's own inputs, without the serialized provider a dynamic resource carries. */
function ownInputs(inputs: PropertyMap | undefined): PropertyMap {
  return Object.fromEntries(Object.entries(inputs ?? {}).filter(([k]) => k !== PROVIDER_KEY));
}

/** Paths of the unknown values inside `value` (`a.b[0]`), for JSON, where an unknown is `null`. */
function unknownPaths(value: unknown, where: string): string[] {
  if (value === UNKNOWN) return [where];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownPaths(v, `${where}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => unknownPaths(v, where ? `${where}.${k}` : k));
  }
  return [];
}

/** `value` with every unknown as `null` (JSON has no unknown; `unknownInputs` names where they were). */
function withNulls(value: unknown): unknown {
  if (value === UNKNOWN) return null;
  if (Array.isArray(value)) return value.map(withNulls);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withNulls(v)]));
  }
  return value;
}

/** `pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup` reads better by its last part. */
export function displayType(type: string): string {
  return type.startsWith("pulumi-nodejs:dynamic") ? (type.split(":").pop() ?? type) : type;
}

/** Exit code when `--expect-no-changes` meets changes: the one recent Pulumi CLIs use (pulumi/pulumi#22176). */
export const EXIT_CHANGES = 7;

/** Steps that change something (what `--expect-no-changes` fails on). */
export function changes(result: Pick<RunProgramResult, "steps">): Step[] {
  return result.steps.filter((s) => s.op !== "same");
}

/**
 * The details of one step: what a lookup saw (with a hint when an argument is missing for a value), and for
 * any other resource its own inputs. Changes read as the drift report's `path: before ⇒ after`.
 */
function stepDetails(step: Step, preview: boolean): string[] {
  const lookup = isGalleryLookup(step);
  const title = `${step.name} (${displayType(step.type)})`;
  if (step.op === "update" || step.op === "replace") {
    // The engine names the keys whose outputs changed (only a preview against the demo's in-memory `up` has
    // any): each is listed by its leaves, so the count is of the changes listed.
    const listed = step.changedKeys.flatMap((key) =>
      leafChanges(step.oldOutputs?.[key], step.outputs[key], [key]),
    );
    const lines = [
      "",
      `  ~ ${title}: ${listed.length} changed`,
      ...listed.map(
        (change) => `      ~ ${markUnknowns(describeChange({ ...change, sensitive: false }), preview)}`,
      ),
    ];
    if (step.replaces.length) lines.push(`      (replace because of: ${step.replaces.join(", ")})`);
    return lines;
  }
  if (lookup) {
    const lines = [
      "",
      `  ${title}:`,
      ...SHOWN.map((k) => `      ${k}: ${showValue(step.outputs[k], preview)}`),
    ];
    const hint = expandHint(step.outputs);
    if (hint) lines.push(`      hint: ${hint}`);
    return lines;
  }
  // Another provider's resource, or the user's own dynamic one: what the program gave it, unknowns marked.
  if (step.op === "same") return [];
  const inputs = ownInputs(step.inputs);
  const keys = Object.keys(inputs).sort();
  return [
    "",
    `  ${title}:${keys.length ? "" : " (no inputs)"}`,
    ...keys.map((k) => `      ${k}: ${showValue(inputs[k], preview)}`),
  ];
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
  for (const step of result.steps) lines.push(...stepDetails(step, preview));
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
      inputs: withNulls(ownInputs(s.inputs)),
      ...(unknownPaths(ownInputs(s.inputs), "").length
        ? { unknownInputs: unknownPaths(ownInputs(s.inputs), "") }
        : {}),
      ...(s.type.startsWith("pulumi-nodejs:dynamic") ? { outputs: withNulls(ownInputs(s.outputs)) } : {}),
      ...(isGalleryLookup(s) && expandHint(s.outputs) ? { hint: expandHint(s.outputs) } : {}),
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
export function failureLines(result: RunProgramResult, verbose: boolean, stack = "<stack>"): string[] {
  const lines = result.errors.map((e) => `error: ${e}`);
  const programErrors = result.logs.filter((l) => l.severity === "error").map((l) => l.message);
  for (const message of programErrors) {
    if (!verbose && result.errors.some((e) => message.includes(e))) continue;
    const text = (verbose ? message : withoutStack(message)).replace(
      /^Running program '[^']*' failed with an unhandled exception:\n/,
      "the program failed: ",
    );
    lines.push(`error: ${offlineConfigAdvice(text, stack)}`);
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

/**
 * The SDK's missing-config message tells the user to run `pulumi config set`, which writes to a stack this CLI
 * may not read (and needs a login): say what the offline run reads instead.
 */
function offlineConfigAdvice(text: string, stack: string): string {
  return text.replace(
    /please set a value using the command `pulumi config set(?: --secret)? (\S+) <value>`/g,
    (_all, key: string) =>
      `the offline run reads config only from Pulumi.yaml and Pulumi.${stack}.yaml: add '${key}: <value>' (a plain ` +
      `value) under 'config:' in Pulumi.${stack}.yaml, or pick another stack file with --stack NAME`,
  );
}

/** Whether a run failed (the program exited non-zero, or the engine reported an error). */
export function failed(result: RunProgramResult): boolean {
  return result.exitCode !== 0 || result.errors.length > 0;
}

/**
 * A failure as one JSON document, for `--json`: a script that reads stdout gets JSON whether the run worked
 * or not. `details` are the failure's lines (each cause once), `where` what the run looked at.
 */
export function errorDocument(
  error: unknown,
  exitCode: number,
  extra: { details?: string[]; where?: string[] } = {},
): string {
  const name = error instanceof Error ? error.name : "Error";
  const message = error instanceof Error ? error.message : String(error);
  return `${JSON.stringify({ error: { name, message, exitCode, ...extra } }, null, 2)}\n`;
}

/** What a failed offline run looked at, for {@link whereLines}. */
export interface RunContext {
  /** The emulator, as the user sees it. */
  emulator: string;
  /** Subscriptions of the Galleries - Get requests the run sent (first asked first); undefined: not known. */
  asked: string[] | undefined;
  /** The subscription the stack config gives a lookup without subscriptionId, and where it comes from. */
  configured: string;
  configuredFrom: string;
}

/**
 * The context lines under a failure: where the run looked, and which subscription each request named and why.
 * A run that sent nothing (a bad argument) looked nowhere: no lines.
 */
export function whereLines(context: RunContext): string[] {
  if (context.asked?.length === 0) return [];
  const subscriptions = context.asked ?? [context.configured];
  return [
    `looked in: ${context.emulator}`,
    ...subscriptions.map((id) =>
      id === context.configured
        ? `subscription: ${id}, from ${context.configuredFrom}${context.asked ? "" : ", unless the program passes subscriptionId"}`
        : `subscription: ${id}, passed by the program (subscriptionId)`,
    ),
  ];
}

/** The subscriptions of the Galleries - Get requests in an emulator's journal since `since` (ms), in order. */
export function askedSubscriptions(
  journal: { time: number; kind: string; path: string }[],
  since: number,
): string[] {
  const ids = journal
    .filter((e) => e.kind === "arm" && e.time >= since)
    .map((e) => /^\/subscriptions\/([^/]+)/i.exec(e.path)?.[1])
    .filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
