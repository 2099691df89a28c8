// One small parser for every command: each command declares its flags once, and the same declaration gives
// the parse (unknown flags are errors) and the `--help` text (every flag, described).
import { UsageError } from "./usageError";

/** One flag of a command. A flag with `value` takes one (`--seed FILE` or `--seed=FILE`); others are switches. */
export interface FlagSpec {
  name: string;
  /** Placeholder of the value in the help, e.g. `FILE`; absent for a switch. */
  value?: string;
  /** For a flag whose value may be left out (`--env` or `--env json`): the value then. */
  implied?: string;
  /** Accepted values, checked at parse. */
  choices?: readonly string[];
  description: string;
}

/** What `--help` shows about a command and what its parse accepts. */
export interface CommandSpec {
  name: string;
  /** One line for the command table. */
  summary: string;
  /** Positional arguments as shown in the usage line, e.g. `[DIR]`. */
  operands?: string;
  /** Most positional arguments (default 0). */
  maxOperands?: number;
  flags: FlagSpec[];
  /** Paragraphs after the flags. */
  notes?: string;
}

/** The parse of one command line. */
export interface ParsedArgs {
  flags: Map<string, string | true>;
  operands: string[];
  help: boolean;
}

/** Parses `args` against `spec`; throws {@link UsageError} naming the flag and the rule. */
export function parseArgs(spec: CommandSpec, args: readonly string[]): ParsedArgs {
  const flags = new Map<string, string | true>();
  const operands: string[] = [];
  let help = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (arg === "--" || !arg.startsWith("-") || arg === "-") {
      operands.push(...(arg === "--" ? args.slice(i + 1) : [arg]));
      if (arg === "--") break;
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s, 2);
    const flag = spec.flags.find((f) => `--${f.name}` === name);
    if (!flag) throw new UsageError(`unknown option '${name}' for '${spec.name}'`);
    if (flag.value === undefined) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      flags.set(flag.name, true);
      continue;
    }
    let value: string | undefined = inline;
    if (value === undefined) {
      const next = args[i + 1];
      const takesNext =
        next !== undefined && !next.startsWith("-") && (!flag.implied || flag.choices?.includes(next));
      if (takesNext) value = args[++i];
      else value = flag.implied;
    }
    if (value === undefined || value === "") throw new UsageError(`${name} needs a value (${flag.value})`);
    if (flag.choices && !flag.choices.includes(value)) {
      throw new UsageError(`${name} must be one of ${flag.choices.join(", ")}, not '${value}'`);
    }
    flags.set(flag.name, value);
  }
  const max = spec.maxOperands ?? 0;
  if (!help && operands.length > max) {
    throw new UsageError(
      max === 0
        ? `'${spec.name}' takes no arguments, got '${operands[0]}'`
        : `'${spec.name}' takes at most ${max} argument${max > 1 ? "s" : ""} ${spec.operands ?? ""}, got ${operands.length}`,
    );
  }
  return { flags, operands, help };
}

/** The value of a flag that takes one, if given. */
export function stringFlag(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

/** A flag's value as a positive number of seconds, in milliseconds. */
export function secondsFlag(parsed: ParsedArgs, name: string, fallbackSeconds: number): number {
  const v = stringFlag(parsed, name);
  if (v === undefined) return fallbackSeconds * 1000;
  const seconds = Number(v);
  if (!Number.isFinite(seconds) || seconds <= 0) {
    throw new UsageError(`--${name} must be a positive number of seconds, not '${v}'`);
  }
  return Math.round(seconds * 1000);
}

/** The `--help` text of a command, every flag described. */
export function helpText(spec: CommandSpec, program = "gallery-lookup"): string {
  const flagText = (f: FlagSpec) =>
    `--${f.name}${f.value === undefined ? "" : f.implied ? `[=${f.value}]` : ` ${f.value}`}`;
  const rows = [...spec.flags.map((f) => [flagText(f), f.description]), ["-h, --help", "Show this help"]];
  const width = Math.max(...rows.map(([flag]) => flag.length)) + 2;
  const lines = [
    `Usage: ${program} ${spec.name}${spec.operands ? ` ${spec.operands}` : ""} [options]`,
    "",
    spec.summary,
    "",
    "Options:",
    ...rows.map(([flag, description]) => `  ${flag.padEnd(width)}${description}`),
  ];
  if (spec.notes) lines.push("", spec.notes);
  return `${lines.join("\n")}\n`;
}
