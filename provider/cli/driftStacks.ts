// The flags of `gallery-lookup drift` that read stacks through the user's own Pulumi CLI (--stack without
// --backend, --all-stacks[=GLOB], --show-secrets, --pulumi, --export-concurrency, --pulumi-timeout), checked
// and turned into the drift check's `pulumi` options. Kept apart from driftCommand.ts, which parses them.
import type { PulumiStacksOptions } from "../drift/pulumiStacks";
import { UsageError } from "../errors/UsageError";

/** The parsed values these flags come in. */
export interface StackFlagValues {
  backend?: string;
  stack?: string[];
  "all-stacks"?: boolean;
  "show-secrets"?: boolean;
  pulumi?: string;
  "export-concurrency"?: string;
  "pulumi-timeout"?: string;
}

function wholeNumber(flag: string, text: string, min: number, max: number): number {
  const n = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new UsageError(
      `${flag} must be a whole number from ${min} to ${max} (got ${JSON.stringify(text)})`,
    );
  }
  return n;
}

/**
 * The Pulumi CLI options the flags ask for, or undefined when no stack is to be read through the CLI.
 * `args` is the raw command line, for `--all-stacks=GLOB` (node:util's parser has no optional values).
 */
export function pulumiStacksOf(v: StackFlagValues, args: readonly string[]): PulumiStacksOptions | undefined {
  const end = args.includes("--") ? args.indexOf("--") : args.length;
  const patterns = args
    .slice(0, end)
    .filter((a) => a.startsWith("--all-stacks="))
    .map((a) => a.slice("--all-stacks=".length));
  if (patterns.length > 1) throw new UsageError("--all-stacks=GLOB can be given once");
  if (patterns[0] === "") throw new UsageError("--all-stacks= needs a pattern after the = (or drop the =)");
  const viaCli = (v.stack !== undefined && v.backend === undefined) || v["all-stacks"] === true;
  if (v["all-stacks"] && v.backend !== undefined) {
    throw new UsageError(
      "--all-stacks lists stacks through the Pulumi CLI; --backend reads a folder in place (all its stacks by default): pick one",
    );
  }
  if (!viaCli) {
    for (const flag of ["show-secrets", "pulumi", "export-concurrency", "pulumi-timeout"] as const) {
      if (v[flag] !== undefined) {
        throw new UsageError(
          `--${flag} applies to stacks read through the Pulumi CLI: add --stack NAME or --all-stacks (without --backend)`,
        );
      }
    }
    return undefined;
  }
  if (v.pulumi === "") throw new UsageError("--pulumi needs the path of a Pulumi CLI");
  return {
    ...(v.backend === undefined && v.stack ? { stacks: v.stack } : {}),
    ...(v["all-stacks"] ? { allStacks: true } : {}),
    ...(patterns[0] !== undefined ? { stackPattern: patterns[0] } : {}),
    ...(v["show-secrets"] ? { showSecrets: true } : {}),
    ...(v.pulumi !== undefined ? { pulumi: v.pulumi } : {}),
    ...(v["export-concurrency"] !== undefined
      ? { concurrency: wholeNumber("--export-concurrency", v["export-concurrency"], 1, 32) }
      : {}),
    ...(v["pulumi-timeout"] !== undefined
      ? { timeoutMs: wholeNumber("--pulumi-timeout", v["pulumi-timeout"], 1, 86_400) * 1000 }
      : {}),
  };
}
