// `gallery-lookup emulator [--port N] [--seed FILE] [--ca-dir DIR]`: serves the local Azure until SIGINT,
// SIGTERM or SIGHUP. The first stdout line is one JSON object (for scripts); the next lines are shell exports (for people).
import type { EmulatorOptions } from "../emulator/types";

const usage = "Usage: gallery-lookup emulator [--port N] [--seed FILE] [--ca-dir DIR]\n";

/** Parses the command's arguments; throws on anything it does not know. */
export function parseEmulatorArgs(args: string[]): EmulatorOptions {
  const options: EmulatorOptions = {};
  for (let i = 0; i < args.length; i++) {
    const [flag, inline] = args[i].split(/=(.*)/s, 2);
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || v === "") throw new Error(`${flag} needs a value\n${usage}`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const port = Number(value());
        if (!Number.isInteger(port) || port < 0 || port > 65535)
          throw new Error(`--port must be 0-65535\n${usage}`);
        options.port = port;
        break;
      }
      case "--seed":
        options.seed = value();
        break;
      case "--ca-dir":
        options.caDir = value();
        break;
      default:
        throw new Error(`unknown option '${args[i]}'\n${usage}`);
    }
  }
  return options;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export async function runEmulatorCommand(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    process.stdout.write(usage);
    return 0;
  }
  const { startEmulator } = require("../emulator/index") as typeof import("../emulator/index");
  const emulator = await startEmulator(parseEmulatorArgs(args));
  const info = {
    armEndpoint: emulator.armEndpoint,
    authorityHost: emulator.authorityHost,
    tenantId: emulator.tenantId,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
    subscriptionId: emulator.subscriptionId,
    caCertFile: emulator.caCertFile,
    galleries: emulator.galleries(),
  };
  const exports = Object.entries(emulator.environment()).map(([k, v]) => `export ${k}=${shellQuote(v)}`);
  // Handlers first: a script may signal as soon as it has read the first line. SIGHUP too (a closed
  // terminal): without a handler Node would exit without removing the CA folder.
  const stopped = new Promise<number>((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    const stop = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, stop);
      process.stderr.write(`gallery-lookup emulator: ${signal}, closing\n`);
      emulator.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    for (const s of signals) process.on(s, stop);
  });
  process.stdout.write(`${JSON.stringify(info)}\n${exports.join("\n")}\n`);
  process.stderr.write(`gallery-lookup emulator: serving on ${emulator.armEndpoint} (Ctrl-C to stop)\n`);
  return stopped;
}
