// A program on the embedded engine (Pulumi's own Node.js runtime and dynamic provider host, with an in-memory
// engine): the type check `pulumi preview` makes first, then the run, its errors shown once; and `preview DIR`
// without a Pulumi CLI, a new stack's preview of a project. The engine's modules are required inside the
// functions, so a run under the Pulumi CLI never loads them.
import type { ProjectInfo } from "../preview/project";
import type { RunProgramOptions, RunProgramResult } from "../preview/runProgram";
import { secondsFlag, type ParsedArgs } from "./args";
import { emulatorJournal } from "./emulatorProbe";
import { stopSignal } from "./lifecycle";
import { err, out } from "./output";
import {
  askedSubscriptions,
  changes,
  errorDocument,
  EXIT_CHANGES,
  failed,
  failureLines,
  planJson,
  planText,
  whereLines,
} from "./plan";
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

/**
 * `preview DIR` without a Pulumi CLI: the preview of a new stack (the embedded engine keeps no state), printed
 * as a plan or JSON; resolves the exit code. `project.config` is complete (`azure-native:subscriptionId` set, from
 * `subscriptionFrom`, which the context lines under a failure name).
 */
export async function previewEmbedded(
  project: ProjectInfo,
  subscriptionFrom: string,
  session: Session,
  parsed: ParsedArgs,
): Promise<number> {
  const { config, stack } = project;
  const settings = settingsOf(parsed);
  const json = parsed.flags.has("json");
  if (!typeChecks(project.programDir, project.entryPoint, session, settings, json)) return 1;
  const started = Date.now();
  let context: Promise<string[]> | undefined;
  // What the run sent, read from the emulator's journal once the run has failed.
  const where = (): Promise<string[]> =>
    (context ??= (async () => {
      const journal = session.azure.handle
        ? session.azure.handle.journal()
        : await emulatorJournal(session.azure.armEndpoint, session.env.NODE_EXTRA_CA_CERTS);
      return whereLines({
        emulator: session.azure.description,
        asked: journal && askedSubscriptions(journal, started),
        configured: config["azure-native:subscriptionId"],
        configuredFrom: subscriptionFrom,
      });
    })());
  const result = await run(
    {
      programDir: project.programDir,
      entryPoint: project.entryPoint,
      rootDirectory: project.rootDirectory,
      project: project.project,
      stack,
      dryRun: true,
      env: session.env,
      config,
    },
    session,
    settings,
    where,
  );
  if (failed(result)) {
    if (json) {
      const details = failureLines(result, false, stack).map((line) => line.replace(/^error: /, ""));
      out(errorDocument(new Error("the preview failed"), 1, { details, where: await where() }).trimEnd());
    }
    return 1;
  }
  if (json) out(JSON.stringify({ ...planJson(result, true), stack }, null, 2));
  else {
    for (const line of planText(
      `Previewing update (${stack}) of ${project.rootDirectory}, against a new stack and ${session.azure.description}:`,
      result,
      true,
    )) {
      out(line);
    }
    out(
      "This is an offline run on a local emulator, not a replacement for the Pulumi CLI: the embedded engine",
    );
    out("keeps no state, so it previews a new stack; `up`, and drift against a stack, need the Pulumi CLI.");
  }
  if (parsed.flags.has("expect-no-changes") && changes(result).length > 0) {
    err("error: no changes were expected but changes were proposed");
    return EXIT_CHANGES;
  }
  return 0;
}

/** Runs the program once on the session's provider host; errors show on stderr as the engine reports them, each once. */
export async function run(
  options: Omit<RunProgramOptions, "providerHost">,
  session: Session,
  settings: RunSettings,
  where: () => Promise<string[]> = () => Promise.resolve([]),
): Promise<RunProgramResult> {
  const { runProgram } = require("../preview/runProgram") as typeof import("../preview/runProgram");
  const shown: string[] = [];
  // A session for the embedded engine always starts the host (openSession's providerHost: true).
  if (!session.host) throw new Error("the embedded engine runs without a dynamic provider host");
  const result = await runProgramWithHint(runProgram, {
    ...options,
    providerHost: session.host,
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
