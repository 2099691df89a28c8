// One argument parser for every command, on Node's own `util.parseArgs`: each command declares its flags once,
// and the same declaration gives the parse and the `--help` text. What parseArgs leaves to its caller (the
// wording of a refusal, a "did you mean", an optional value) is here, so that every command refuses alike.
import { parseArgs as parseNodeArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "../errors/UsageError";
import { MAX_TIMER_MS } from "../settings/settings";

/** One flag of a command. A flag with `value` takes one (`--seed FILE` or `--seed=FILE`); others are switches. */
export interface FlagSpec {
  name: string;
  /** Placeholder of the value in the help, e.g. `FILE`; absent for a switch. */
  value?: string;
  /** For a flag whose value may be left out (`--env` or `--env json`): the value then. */
  implied?: string;
  /** Accepted values, checked at parse. */
  choices?: readonly string[];
  /** The flag may be given more than once; every value is kept, in order. */
  multiple?: boolean;
  /** A one-letter alias, e.g. `q` for `-q`. */
  short?: string;
  /** What the help shows after the flag when the parse does not take the value itself, e.g. `[=GLOB]`. */
  helpValue?: string;
  /** The heading the help lists the flag under; flags without one go under `Options:`. */
  topic?: string;
  description: string;
}

/** What `--help` shows about a command and what its parse accepts. */
export interface CommandSpec {
  name: string;
  /** One line for the command table. */
  summary: string;
  /** Positional arguments as shown in the usage line, e.g. `[DIR]`. */
  operands?: string;
  /** The operands' row in the help, listed first under `topic` (or `Options:`). */
  operandsHelp?: { topic?: string; description: string };
  /** Paragraphs between the summary and the flags. */
  description?: string;
  /** Most positional arguments (default 0; `Infinity` for a list such as `FILE...`). */
  maxOperands?: number;
  flags: FlagSpec[];
  /** Paragraphs after the flags. */
  notes?: string;
}

/** The parse of one command line. */
export interface ParsedArgs {
  /** The last value of each flag given (`true` for a switch). */
  flags: Map<string, string | true>;
  /** Every value of each flag given, in order (for `multiple` flags). */
  lists: Map<string, string[]>;
  operands: string[];
  help: boolean;
}

/** Edit distance with swapped neighbours as one edit (`drfit`), for "did you mean": a typo is an edit or two. */
function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}

/** The closest of `known` to `given`, when it is close enough to be a typo (or `given` is its start). */
export function closest(given: string, known: readonly string[]): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const name of known) {
    const d = name.startsWith(given) && given.length >= 2 ? 0 : distance(given, name);
    if (d <= Math.max(1, Math.min(2, Math.floor(name.length / 3))) && (!best || d < best.d))
      best = { name, d };
  }
  return best?.name;
}

/** The wording of an unknown flag or command, with the closest known one. */
export function unknownText(what: string, given: string, known: readonly string[], where: string): string {
  const near = closest(
    given.replace(/^-+/, ""),
    known.map((k) => k.replace(/^-+/, "")),
  );
  const prefix = given.startsWith("--") ? "--" : given.startsWith("-") ? "-" : "";
  return `unknown ${what} '${given}'${where}${near ? `; did you mean '${prefix === "-" && near.length > 1 ? "--" : prefix}${near}'?` : ""}`;
}

/** Rewrites `--env` (no value, or followed by a non-choice) to `--env=<implied>`, which parseArgs cannot express. */
function withImpliedValues(spec: CommandSpec, args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--") {
      out.push(...args.slice(i));
      break;
    }
    const flag = spec.flags.find((f) => f.implied !== undefined && `--${f.name}` === arg);
    const next = args[i + 1];
    if (flag && !(next !== undefined && flag.choices?.includes(next))) out.push(`${arg}=${flag.implied}`);
    else out.push(arg);
  }
  return out;
}

/** Parses `args` against `spec`; throws {@link UsageError} naming the flag and the rule. */
export function parseArgs(spec: CommandSpec, args: readonly string[]): ParsedArgs {
  const options: NonNullable<ParseArgsConfig["options"]> = { help: { type: "boolean", short: "h" } };
  for (const f of spec.flags) {
    options[f.name] = {
      type: f.value === undefined ? "boolean" : "string",
      ...(f.multiple ? { multiple: true } : {}),
      ...(f.short ? { short: f.short } : {}),
    };
  }
  // Not strict: the tokens are checked below, so that each refusal reads as this CLI words it.
  const { tokens } = parseNodeArgs({
    args: withImpliedValues(spec, args),
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const flags = new Map<string, string | true>();
  const lists = new Map<string, string[]>();
  const operands: string[] = [];
  let help = false;
  const where = ` for '${spec.name}'`;
  const known = spec.flags.map((f) => `--${f.name}`).concat("--help");
  for (const token of tokens) {
    if (token.kind === "positional") {
      operands.push(token.value);
      continue;
    }
    if (token.kind !== "option") continue;
    if (token.name === "help") {
      help = true;
      continue;
    }
    const flag = spec.flags.find((f) => f.name === token.name);
    if (!flag) throw new UsageError(unknownText("option", token.rawName, known, where));
    const name = `--${flag.name}`;
    if (flag.value === undefined) {
      if (token.value !== undefined) throw new UsageError(`${name} takes no value`);
      flags.set(flag.name, true);
      continue;
    }
    // parseArgs takes the next word even when it is a flag (`--seed --json`): that is a missing value.
    const value = token.value;
    if (value === undefined || value === "" || (!token.inlineValue && value.startsWith("-"))) {
      throw new UsageError(`${name} needs a value (${flag.value})`);
    }
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(`${name} must be one of ${flag.choices.join(", ")}, not '${value}'`);
    }
    flags.set(flag.name, value);
    lists.set(flag.name, [...(lists.get(flag.name) ?? []), value]);
  }
  const max = spec.maxOperands ?? 0;
  if (!help && operands.length > max) {
    throw new UsageError(
      max === 0
        ? `'${spec.name}' takes no arguments, got '${operands[0]}'`
        : `'${spec.name}' takes at most ${max} argument${max > 1 ? "s" : ""} ${spec.operands ?? ""}, got ${operands.length}`,
    );
  }
  return { flags, lists, operands, help };
}

/** The value of a flag that takes one, if given. */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

/** The most seconds a duration flag takes: Node's longest timer, whole seconds. */
export const MAX_SECONDS = Math.floor(MAX_TIMER_MS / 1000);

/**
 * A flag's value as a positive number of seconds, in milliseconds. At most {@link MAX_SECONDS}: a timer
 * asked for longer than Node's longest fires after 1 ms, so a `--timeout` of 30 days would stop a run at once.
 */
export function secondsFlag(parsed: ParsedArgs, name: string, fallbackSeconds: number): number {
  const v = stringFlag(parsed, name);
  if (v === undefined) return fallbackSeconds * 1000;
  const seconds = Number(v);
  const ms = Math.round(seconds * 1000);
  if (!Number.isFinite(seconds) || seconds <= 0 || ms < 1 || ms > MAX_TIMER_MS) {
    throw new UsageError(
      `--${name} must be a positive number of seconds, at most ${MAX_SECONDS} (about 24.8 days, Node's longest timer), not '${v}'`,
    );
  }
  return ms;
}

/** The width of the help text, which wraps each description under its own column. */
const HELP_WIDTH = 104;

/** `text` in lines of at most `width` characters, broken between words. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line];
}

/** The `--help` text of a command, every flag described, under its topic. */
export function helpText(spec: CommandSpec, program = "gallery-lookup"): string {
  const flagText = (f: FlagSpec) =>
    `${f.short ? `-${f.short}, ` : ""}--${f.name}${f.helpValue ?? (f.value === undefined ? "" : f.implied ? `[=${f.value}]` : ` ${f.value}`)}`;
  const general = "Options";
  const rows: { topic: string; flag: string; description: string }[] = [
    ...(spec.operands && spec.operandsHelp
      ? [
          {
            topic: spec.operandsHelp.topic ?? general,
            flag: spec.operands.replace(/^\[|\]$/g, ""),
            ...spec.operandsHelp,
          },
        ]
      : []),
    ...spec.flags.map((f) => ({ topic: f.topic ?? general, flag: flagText(f), description: f.description })),
    { topic: general, flag: "-h, --help", description: "Show this help" },
  ];
  const width = Math.max(...rows.map(({ flag }) => flag.length)) + 2;
  const lines = [
    `Usage: ${program} ${spec.name}${spec.operands ? ` ${spec.operands}` : ""} [options]`,
    "",
    spec.summary,
  ];
  if (spec.description) lines.push("", ...wrap(spec.description, HELP_WIDTH));
  for (const topic of new Set(rows.map((row) => row.topic))) {
    lines.push("", `${topic}:`);
    for (const { flag, description } of rows.filter((row) => row.topic === topic)) {
      const [first, ...rest] = wrap(description, HELP_WIDTH - 2 - width);
      lines.push(`  ${flag.padEnd(width)}${first}`, ...rest.map((l) => `${" ".repeat(2 + width)}${l}`));
    }
  }
  if (spec.notes) lines.push("", spec.notes);
  return `${lines.join("\n")}\n`;
}
