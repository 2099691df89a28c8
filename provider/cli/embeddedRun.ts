// One run of a program on the embedded engine (Pulumi's own Node.js runtime and dynamic provider host, with
// an in-memory engine): the type check `pulumi preview` makes first, then the run, its errors shown once.
// The engine's modules are required inside the functions, so a run under the Pulumi CLI never loads them.
import type { RunProgramOptions, RunProgramResult } from "../preview/runProgram";
import { secondsFlag, type ParsedArgs } from "./args";
import { stopSignal } from "./lifecycle";
import { err, out } from "./output";
import { errorDocument, failed, failureLines } from "./plan";
import type { Session } from "./session";

/** What a run takes from the command line. */
export interface RunSettings {
  verbose: boolean;
  timeoutMs: number;
  typeCheck: boolean;
}

/**
 * Type-checks a TypeScript program once, as `pulumi preview` does before it runs one (its runtime runs ts-node
 * with type checking); prints each error and resolves false when there is one. Skipped by --no-type-check, and
 * by PULUMI_NODEJS_TRANSPILE_ONLY=true as under the Pulumi CLI.
 */
export function typeChecks(
  programDir: string,
  entryPoint: string,
  session: Session,
  settings: RunSettings,
  json = false,
): boolean {
  if (!settings.typeCheck || process.env.PULUMI_NODEJS_TRANSPILE_ONLY === "true") return true;
  const { entryFile, typeCheckProgram } =
    require("../preview/typeCheck") as typeof import("../preview/typeCheck");
  if (!/\.[cm]?tsx?$/.test(entryFile(programDir, entryPoint))) return true;
  const { resolvePulumiSdkDir } = require("../preview/proto") as typeof import("../preview/proto");
  const errors = typeCheckProgram({
    programDir,
    entryPoint,
    sdkDir: resolvePulumiSdkDir(programDir),
    packageDir: session.packageDir,
  });
  if (errors.length === 0) return true;
  for (const line of errors) err(`error: ${line}`);
  const summary = `the type check found ${errors.length} error${errors.length > 1 ? "s" : ""}, as \`pulumi preview\` would (--no-type-check skips it)`;
  err(`error: ${summary}`);
  if (json) out(errorDocument(new Error(summary), 1, { details: errors }).trimEnd());
  return false;
}
/** Runs the program once; errors show on stderr as the engine reports them, each once. */
export async function run(
  options: RunProgramOptions,
  settings: RunSettings,
  where: () => Promise<string[]> = () => Promise.resolve([]),
): Promise<RunProgramResult> {
  const { runProgram } = require("../preview/runProgram") as typeof import("../preview/runProgram");
  const shown: string[] = [];
  const result = await runProgramWithHint(runProgram, {
    ...options,
    timeoutMs: settings.timeoutMs,
    signal: stopSignal,
    onError: (message) => {
      shown.push(`error: ${message}`);
      err(`error: ${message}`);
    },
    onLog: (entry) => {
      if (entry.severity === "warning") err(`warning: ${entry.message}`);
      else if (settings.verbose && entry.severity === "info") err(entry.message);
    },
  });
  if (failed(result)) {
    for (const line of failureLines(result, settings.verbose, options.stack))
      if (!shown.includes(line)) err(line);
    // Every failure says where it looked: a wrong subscription or emulator is the usual cause of a 404.
    for (const line of await where()) err(`  ${line}`);
  } else if (settings.verbose && result.stdout.trim()) {
    err(result.stdout.trimEnd());
  }
  return result;
}

/** Runs the program; a run stopped by the time limit says which flag raises it. */
async function runProgramWithHint(
  runProgram: typeof import("../preview/runProgram").runProgram,
  options: RunProgramOptions,
): Promise<RunProgramResult> {
  try {
    return await runProgram(options);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/did not finish within/.test(message))
      throw new Error(`${message.split("\n")[0]} (raise it with --timeout SECONDS)`);
    throw error;
  }
}

export function settingsOf(parsed: ParsedArgs): RunSettings {
  return {
    verbose: parsed.flags.has("verbose"),
    timeoutMs: secondsFlag(parsed, "timeout", 60),
    typeCheck: !parsed.flags.has("no-type-check"),
  };
}
