#!/usr/bin/env node
// The `gallery-lookup` command. Each subcommand lives in its own module, loaded only when named,
// so that `gallery-lookup emulator` does not load the Pulumi SDK and `preview` does not load TLS code.

const usage = `Usage: gallery-lookup <command> [options]

Commands:
  emulator [--port N] [--seed FILE]   Serve a local Azure (ARM Galleries - Get and Entra ID tokens) on 127.0.0.1
  preview [--demo] [DIR]              Preview a Pulumi program offline against the emulator
  drift [FILE...] [--backend URL]     Check the GalleryLookups in Pulumi state for drift (--help for more)
  help                                Show this text
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "emulator":
      return (require("./emulatorCommand") as typeof import("./emulatorCommand")).runEmulatorCommand(rest);
    case "preview":
      return (require("./previewCommand") as typeof import("./previewCommand")).runPreviewCommand(rest);
    case "drift":
      return (require("./driftCommand") as typeof import("./driftCommand")).runDriftCommand(rest);
    case undefined:
    case "help":
    case "--help":
    case "-h":
      process.stdout.write(usage);
      return 0;
    default:
      process.stderr.write(`gallery-lookup: unknown command '${command}'\n\n${usage}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`gallery-lookup: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
