#!/usr/bin/env node
// The `gallery-lookup` command. Each subcommand lives in its own module, loaded only when named, so that
// `gallery-lookup emulator` does not load the Pulumi SDK and `preview` does not load TLS code. A new command
// is one row of COMMANDS.
import { UsageError } from "../errors/UsageError";
import { unknownText } from "./args";
import { flushStandardStreams, runCleanups, stopping } from "./lifecycle";

interface Command {
  /** One line for the command table. */
  summary: string;
  /** Runs the command with the arguments after its name; resolves to the exit code. */
  run(args: string[]): Promise<number>;
  /** Exit code of a bad command line (default 2; `drift` uses 1, since its 2 means "drift found"). */
  usageExitCode?: number;
  /** The error line as written to stderr (default: as it is; `drift --github` makes it inert to the runner). */
  errorLine?: (args: string[], line: string) => string;
}

/** Exit code of a command line that cannot run, as in most Unix tools. */
const USAGE_EXIT = 2;

const COMMANDS: Record<string, Command> = {
  emulator: {
    summary: "Serve a local Azure (ARM Galleries - Get and Entra ID tokens) on 127.0.0.1",
    run: (args) =>
      (require("./emulatorCommand") as typeof import("./emulatorCommand")).runEmulatorCommand(args),
  },
  preview: {
    summary: "Preview a Pulumi project offline against the emulator (--demo: the bundled example)",
    run: (args) => (require("./previewCommand") as typeof import("./previewCommand")).runPreviewCommand(args),
  },
  up: {
    summary: "Run a Pulumi project offline and keep its state, for a later preview to show drift",
    run: (args) => (require("./previewCommand") as typeof import("./previewCommand")).runUpCommand(args),
  },
  drift: {
    summary: "Check every GalleryLookup in Pulumi state for drift (exit 0 none, 2 drift, 1 error)",
    run: (args) => (require("./driftCommand") as typeof import("./driftCommand")).runDriftCommand(args),
    usageExitCode: 1,
    errorLine: (args, line) => {
      const github = require("../drift/github") as typeof import("../drift/github");
      return github.asksForGitHub(args) ? github.inertLine(line) : line;
    },
  },
};

function version(): string {
  return (require("../../package.json") as { version: string }).version;
}

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length)) + 2;
  return [
    "Usage: gallery-lookup <command> [options]",
    "",
    "Commands:",
    ...Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}${c.summary}`),
    "",
    "Options:",
    "  -h, --help     Show this help (`gallery-lookup <command> --help` for a command's options)",
    "  -v, --version  Show the version",
    "",
  ].join("\n");
}

/** `--json` asked for: a failure is then also a JSON document on stdout, so a script reads one format. */
function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf("--");
  const flags = end === -1 ? args : args.slice(0, end);
  // `drift --json --markdown` asks for two formats: no JSON then, only the refusal.
  return flags.includes("--json") && !flags.includes("--markdown");
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  switch (name) {
    case undefined:
      // No command is a command line that cannot run: the help goes where errors go, with the usage code.
      process.stderr.write(usage());
      return USAGE_EXIT;
    case "help":
    case "--help":
    case "-h":
      if (rest[0] && Object.hasOwn(COMMANDS, rest[0])) return COMMANDS[rest[0]].run(["--help"]);
      process.stdout.write(usage());
      return 0;
    case "--version":
    case "-v":
    case "version":
      process.stdout.write(`${version()}\n`);
      return 0;
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    // Exit 1, not the usage code 2: `drift` exits 2 for "drift found", so a misspelt `gallery-lookup drfit`
    // in CI must read as an error, never as drift.
    const known = Object.keys(COMMANDS);
    process.stderr.write(
      `gallery-lookup: ${unknownText("command", name, known, "")} (commands: ${known.join(", ")})\n`,
    );
    return 1;
  }
  try {
    return await command.run(rest);
  } catch (err) {
    // Stopped by a signal or a closed stdout: the stop handler reports and exits; a failure now is only noise.
    if (stopping()) return 1;
    const usageError = err instanceof UsageError;
    const code = usageError ? (command.usageExitCode ?? USAGE_EXIT) : 1;
    const message = err instanceof Error ? err.message : String(err);
    if (wantsJson(rest)) {
      const { errorDocument } = require("./plan") as typeof import("./plan");
      process.stdout.write(errorDocument(err, code));
    }
    const line = `gallery-lookup: ${message}${usageError ? ` (see 'gallery-lookup ${name} --help')` : ""}\n`;
    process.stderr.write(command.errorLine ? command.errorLine(rest, line) : line);
    return code;
  }
}

void main(process.argv.slice(2))
  .catch((err: unknown) => {
    process.stderr.write(`gallery-lookup: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  })
  .then(async (code) => {
    await runCleanups();
    await flushStandardStreams();
    // The work is done and its output written: exit with its code now, whatever handles a library left
    // open (a socket to a proxy that never answered, a timer), rather than whenever they close.
    process.exit(code);
  });
