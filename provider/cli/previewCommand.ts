// `gallery-lookup preview [DIR]` and `gallery-lookup up [DIR]`: run a Pulumi project's program through Pulumi's
// own Node.js runtime and dynamic provider host against a local Azure emulator, with an in-memory engine whose
// state is kept in a file, and print the plan the way `pulumi preview` would (or as JSON). `--demo` (what
// `npm start` runs) walks through preview → up → no change → drift on a copy of examples/basic.
// The demo is in previewDemo.ts, the embedded engine's run in embeddedRun.ts, the Pulumi CLI's in pulumiCli.ts.
import * as fs from "fs";
import * as path from "path";
import { helpText, parseArgs, stringFlag, type CommandSpec, type ParsedArgs } from "./args";
import { installStopHandlers, stopSignal } from "./lifecycle";
import { UsageError } from "../errors/UsageError";
import { emulatorJournal } from "./emulatorProbe";
import { run, settingsOf, typeChecks } from "./embeddedRun";
import { err, out } from "./output";
import {
  askedSubscriptions,
  changes,
  errorDocument,
  failed,
  failureLines,
  planJson,
  planText,
  whereLines,
} from "./plan";
import { runDemo } from "./previewDemo";
import { openSession } from "./session";

/** Exit code when `--expect-no-changes` meets changes: the one recent Pulumi CLIs use (pulumi/pulumi#22176). */
export const EXIT_CHANGES = 7;

const COMMON_FLAGS: CommandSpec["flags"] = [
  { name: "stack", value: "NAME", description: "Stack whose Pulumi.<NAME>.yaml config to use (default dev)" },
  {
    name: "seed",
    value: "FILE",
    description: "Serve the galleries of this seed file (the emulator's format) instead of the defaults",
  },
  {
    name: "engine",
    value: "ENGINE",
    choices: ["auto", "pulumi", "embedded"],
    description:
      "pulumi: your Pulumi CLI (PULUMI_CLI, or pulumi on PATH, 3.226+); embedded: the in-memory engine; auto (default): pulumi when one is found",
  },
  {
    name: "state",
    value: "PATH",
    description:
      "Where the stack's state is kept: the embedded engine's file (default DIR/.gallery-lookup/<stack>.state.json), or the Pulumi CLI's file backend folder (default DIR/.gallery-lookup/pulumi)",
  },
  {
    name: "expect-no-changes",
    description: `Exit ${EXIT_CHANGES} if any resource would change (or changed)`,
  },
  { name: "json", description: "Print the plan as JSON on stdout (errors stay on stderr)" },
  { name: "timeout", value: "SECONDS", description: "Stop the program after this long (default 60)" },
  { name: "verbose", description: "Show stack traces, the runtime's stderr and the program's own output" },
  {
    name: "no-type-check",
    description: "Skip the type check of a TypeScript program (as PULUMI_NODEJS_TRANSPILE_ONLY=true does)",
  },
];

const ENVIRONMENT_NOTE = `Where the galleries come from: --seed FILE starts an emulator with them; otherwise, when the environment
names a running emulator ("gallery-lookup emulator --env > emulator.env &" then ". ./emulator.env"), that one is used;
otherwise an emulator with the default galleries is started. Nothing is sent anywhere but 127.0.0.1.
Exit codes: 0 done, 1 failed, 2 bad command line, ${EXIT_CHANGES} changes with --expect-no-changes, 130/143 stopped.`;

export const PREVIEW_SPEC: CommandSpec = {
  name: "preview",
  summary: "Preview a Pulumi project (DIR, default .) offline against a local Azure emulator",
  operands: "[DIR]",
  maxOperands: 1,
  flags: [
    ...COMMON_FLAGS,
    {
      name: "demo",
      description: "Preview, update and drift-check the bundled example (what npm start runs)",
    },
  ],
  notes: `Reads Pulumi.yaml and Pulumi.<stack>.yaml (plain values; a secret is refused by name) and compares with the
state that \`gallery-lookup up\` left, so changes made in the emulator since show as drift.\n${ENVIRONMENT_NOTE}`,
};

export const UP_SPEC: CommandSpec = {
  name: "up",
  summary: "Run a Pulumi project (DIR, default .) offline and keep the result in the state file",
  operands: "[DIR]",
  maxOperands: 1,
  flags: COMMON_FLAGS,
  notes: `A GalleryLookup only reads (GET): "up" records what it saw, for a later \`gallery-lookup preview\` to compare.
Resources of other providers cannot be created offline.\n${ENVIRONMENT_NOTE}`,
};

/** `preview` and `up` of a project folder. */
async function runProject(mode: "preview" | "up", parsed: ParsedArgs): Promise<number> {
  const { readProject } = require("../preview/project") as typeof import("../preview/project");
  const { defaultStateFile, readState, writeState } =
    require("../preview/stateFile") as typeof import("../preview/stateFile");
  const preview = mode === "preview";
  const engine = stringFlag(parsed, "engine") ?? "auto";
  const { findPulumiCli, MINIMUM_PULUMI } = require("./pulumiCli") as typeof import("./pulumiCli");
  const cli = engine === "embedded" ? undefined : findPulumiCli(process.env);
  if (engine === "pulumi" && !cli) {
    throw new UsageError(
      `--engine pulumi: no Pulumi CLI ${MINIMUM_PULUMI} or newer (set PULUMI_CLI, or put pulumi on PATH)`,
    );
  }
  const stack = stringFlag(parsed, "stack") ?? "dev";
  const project = readProject(parsed.operands[0] ?? ".", stack, parsed.flags.has("stack"));
  const stateFile = path.resolve(
    stringFlag(parsed, "state") ?? defaultStateFile(project.rootDirectory, stack),
  );
  const state = readState(stateFile, project.project, stack);
  const seed = stringFlag(parsed, "seed");
  if (seed && !fs.existsSync(seed)) throw new UsageError(`--seed: no file ${seed}`);
  const json = parsed.flags.has("json");
  const session = await openSession({
    seed: seed && path.resolve(seed),
    hostCwd: project.rootDirectory,
    providerHost: !cli,
  });
  try {
    const config = { ...project.config };
    const stackFile = `Pulumi.${stack}.yaml`;
    const subscriptionFrom =
      config["azure-native:subscriptionId"] !== undefined
        ? `the stack config azure-native:subscriptionId (${project.stackFile ? path.basename(project.stackFile) : "Pulumi.yaml"})`
        : `the emulator's default subscription (no azure-native:subscriptionId in ${project.stackFile ? stackFile : `Pulumi.yaml, and no ${stackFile}`})`;
    config["azure-native:subscriptionId"] ??= session.azure.subscriptionId;
    if (cli) {
      const backendDir = path.resolve(
        stringFlag(parsed, "state") ?? path.join(project.rootDirectory, ".gallery-lookup", "pulumi"),
      );
      err(
        `${preview ? "Previewing" : "Updating"} with the Pulumi CLI at ${cli.path} (v${cli.version}), ` +
          `against ${session.azure.description}; state in the file backend ${backendDir}`,
      );
      const { runWithPulumiCli } = require("./pulumiCli") as typeof import("./pulumiCli");
      return await runWithPulumiCli({
        cli,
        project: { ...project, config },
        mode,
        backendDir,
        env: session.env,
        packageDir: session.packageDir,
        json,
        expectNoChanges: parsed.flags.has("expect-no-changes"),
        timeoutMs: settingsOf(parsed).timeoutMs,
        signal: stopSignal,
      });
    }
    if (!typeChecks(project.programDir, project.entryPoint, session, settingsOf(parsed), json)) return 1;
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
        dryRun: preview,
        env: session.env,
        providerHost: session.host,
        config,
        state,
      },
      settingsOf(parsed),
      where,
    );
    if (failed(result)) {
      if (json) {
        const details = failureLines(result, false, stack).map((line) => line.replace(/^error: /, ""));
        out(errorDocument(new Error(`the ${mode} failed`), 1, { details, where: await where() }).trimEnd());
      }
      return 1;
    }
    if (!preview) writeState(stateFile, project.project, stack, result.state);
    if (json) out(JSON.stringify({ ...planJson(result, preview), stack, stateFile }, null, 2));
    else {
      const doing = preview ? "Previewing update" : "Updating";
      const against = state ? `the state in ${stateFile}` : "a new stack";
      for (const line of planText(
        `${doing} (${stack}) of ${project.rootDirectory}, against ${against} and ${session.azure.description}:`,
        result,
        preview,
      )) {
        out(line);
      }
      if (!preview) out(`State written to ${stateFile}.`);
      out("This is an offline run on a local emulator, not a replacement for the Pulumi CLI.");
    }
    if (parsed.flags.has("expect-no-changes") && changes(result).length > 0) {
      err(`error: no changes were expected but changes were ${preview ? "proposed" : "made"}`);
      return EXIT_CHANGES;
    }
    return 0;
  } finally {
    await session.close();
  }
}

/** `gallery-lookup preview [DIR] [options]` and `gallery-lookup preview --demo`. */
export async function runPreviewCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(PREVIEW_SPEC, args);
  if (parsed.help) {
    process.stdout.write(helpText(PREVIEW_SPEC));
    return 0;
  }
  installStopHandlers();
  if (parsed.flags.has("demo")) {
    const allowed = new Set(["demo", "verbose", "timeout", "no-type-check"]);
    const other = [...parsed.flags.keys()].find((f) => !allowed.has(f));
    if (other || parsed.operands.length) {
      throw new UsageError(`--demo runs the bundled example: it takes no DIR and no --${other ?? "DIR"}`);
    }
    return runDemo(parsed);
  }
  return runProject("preview", parsed);
}

/** `gallery-lookup up [DIR] [options]`. */
export async function runUpCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(UP_SPEC, args);
  if (parsed.help) {
    process.stdout.write(helpText(UP_SPEC));
    return 0;
  }
  installStopHandlers();
  return runProject("up", parsed);
}
