// `gallery-lookup preview [DIR]` and `gallery-lookup up [DIR]`: run a Pulumi project against a local Azure
// emulator, through the user's Pulumi CLI when one is found (state in a file backend), else, for a preview only,
// through Pulumi's own Node.js runtime and dynamic provider host with the embedded in-memory engine, which keeps
// no state: a preview of a new stack. `--demo` (what `npm start` runs, with no CLI needed) walks through
// preview → up → no change → drift on a copy of examples/basic, its state kept in memory.
// The demo is in previewDemo.ts, the embedded engine's run in embeddedRun.ts, the Pulumi CLI's in pulumiCli.ts.
import * as fs from "fs";
import * as path from "path";
import { helpText, parseArgs, stringFlag, type CommandSpec, type ParsedArgs } from "./args";
import { installStopHandlers, stopSignal } from "./lifecycle";
import { UsageError } from "../errors/UsageError";
import { previewEmbedded, settingsOf } from "./embeddedRun";
import { err } from "./output";
import { EXIT_CHANGES } from "./plan";
import { runDemo } from "./previewDemo";
import { openSession } from "./session";

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
      "pulumi: your Pulumi CLI (PULUMI_CLI, or pulumi on PATH, 3.226+); embedded: the in-memory engine (a preview of a new stack); auto (default): pulumi when one is found",
  },
  {
    name: "state",
    value: "PATH",
    description:
      "The Pulumi CLI's file backend folder, where the stack's state is kept (default DIR/.gallery-lookup/pulumi)",
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
  notes: `Reads Pulumi.yaml and Pulumi.<stack>.yaml (plain values; a secret is refused by name). With a Pulumi CLI, compares
with the state that \`gallery-lookup up\` left, so changes made in the emulator since show as drift; without one, the
embedded engine keeps no state and previews a new stack.\n${ENVIRONMENT_NOTE}`,
};

export const UP_SPEC: CommandSpec = {
  name: "up",
  summary:
    "Run a Pulumi project (DIR, default .) with your Pulumi CLI, offline, keeping its state in a file backend",
  operands: "[DIR]",
  maxOperands: 1,
  flags: COMMON_FLAGS,
  notes: `A GalleryLookup only reads (GET): "up" records what it saw, for a later \`gallery-lookup preview\` to compare.
Needs a Pulumi CLI (PULUMI_CLI, or pulumi on PATH); without one, \`preview\` previews a new stack and \`preview --demo\`
shows an update and drift in memory. Resources of other providers cannot be created offline.\n${ENVIRONMENT_NOTE}`,
};

/** `preview` and `up` of a project folder. */
async function runProject(mode: "preview" | "up", parsed: ParsedArgs): Promise<number> {
  const { readProject } = require("../preview/project") as typeof import("../preview/project");
  const preview = mode === "preview";
  // The flags' own rules first: a bad --timeout is the command line's fault, whichever engine would run.
  const settings = settingsOf(parsed);
  const engine = stringFlag(parsed, "engine") ?? "auto";
  const { findPulumiCli, MINIMUM_PULUMI } = require("./pulumiCli") as typeof import("./pulumiCli");
  const cli = engine === "embedded" ? undefined : findPulumiCli(process.env);
  const install = `set PULUMI_CLI, or put pulumi on PATH`;
  if (engine === "pulumi" && !cli) {
    throw new UsageError(`--engine pulumi: no Pulumi CLI ${MINIMUM_PULUMI} or newer (${install})`);
  }
  if (!preview && !cli) {
    // The embedded engine keeps no state, so an update it made could be compared with nothing.
    throw new UsageError(
      (engine === "embedded"
        ? `up --engine embedded: the embedded engine only previews a new stack; `
        : `up: no Pulumi CLI ${MINIMUM_PULUMI} or newer was found; `) +
        `an update, and drift against it, need the Pulumi CLI: install it and ${install}. Without one, ` +
        `\`gallery-lookup preview DIR\` previews a new stack and \`gallery-lookup preview --demo\` shows an update and drift in memory`,
    );
  }
  if (!cli && parsed.flags.has("state")) {
    throw new UsageError(
      `--state names the Pulumi CLI's file backend; the embedded engine keeps no state (${install})`,
    );
  }
  const stack = stringFlag(parsed, "stack") ?? "dev";
  const project = readProject(parsed.operands[0] ?? ".", stack, parsed.flags.has("stack"));
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
        timeoutMs: settings.timeoutMs,
        signal: stopSignal,
      });
    }
    return await previewEmbedded({ ...project, config }, subscriptionFrom, session, parsed);
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
