// `gallery-lookup emulator [--port N] [--seed FILE] [--ca-dir DIR] [--env[=sh|json]]`: serves the local Azure
// until SIGINT, SIGTERM or SIGHUP. By default the first stdout line is one JSON object (for scripts) and the next lines
// are shell exports (for people); with --env, stdout holds only the environment that points a process at the
// emulator, as `export` lines or one JSON object, for a shell (`eval`) or a CI step (e.g. `pulumi preview`).
import type { EmulatorOptions } from "../emulator/types";
import { helpText, parseArgs, stringFlag, type CommandSpec } from "./args";
import { UsageError } from "../errors/UsageError";

export const EMULATOR_SPEC: CommandSpec = {
  name: "emulator",
  summary:
    "Serve a local Azure (ARM Galleries - Get and Entra ID tokens) on 127.0.0.1 until Ctrl-C, SIGTERM or SIGHUP",
  flags: [
    { name: "port", value: "N", description: "Port on 127.0.0.1 (default 0: a free one)" },
    {
      name: "seed",
      value: "FILE",
      description: "Serve the galleries of this JSON file instead of the defaults (see docs/emulator.md)",
    },
    {
      name: "ca-dir",
      value: "DIR",
      description: "Keep the CA (ca.pem and its key) in DIR, reused across runs",
    },
    {
      name: "env",
      value: "FORMAT",
      implied: "sh",
      choices: ["sh", "json"],
      description: "Print only the environment for other processes: sh (export lines, default) or json",
    },
  ],
  notes: `Without --env, stdout starts with one JSON line (endpoints, credentials, galleries), then the exports.
The default galleries are the five spec examples and myDemoGallery (uniqueName, identity and sharing groups).
With the real Pulumi CLI:  gallery-lookup emulator --env > emulator.env &   then   . ./emulator.env && pulumi preview`,
};

/** Parses the command's arguments; throws {@link UsageError} on anything it does not know. */
export function parseEmulatorArgs(args: string[]): EmulatorOptions & { env?: "sh" | "json"; help: boolean } {
  const parsed = parseArgs(EMULATOR_SPEC, args);
  const options: EmulatorOptions & { env?: "sh" | "json"; help: boolean } = { help: parsed.help };
  const port = stringFlag(parsed, "port");
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n > 65535) throw new UsageError(`--port must be 0-65535, not '${port}'`);
    options.port = n;
  }
  options.seed = stringFlag(parsed, "seed");
  options.caDir = stringFlag(parsed, "ca-dir");
  options.env = stringFlag(parsed, "env") as "sh" | "json" | undefined;
  return options;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The environment as `export NAME='value'` lines, safe to `eval` or source. */
export function shellExports(environment: Record<string, string>): string {
  return Object.entries(environment)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join("\n");
}

export async function runEmulatorCommand(args: string[]): Promise<number> {
  const { help, env: envFormat, ...options } = parseEmulatorArgs(args);
  if (help) {
    process.stdout.write(helpText(EMULATOR_SPEC));
    return 0;
  }
  const { startEmulator } = require("../emulator/index") as typeof import("../emulator/index");
  const emulator = await startEmulator(options);
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
    // Whoever reads stdout may go away (`| head -1`): that is no reason to stop serving.
    process.stdout.on("error", () => undefined);
  });
  const environment = emulator.environment();
  if (envFormat === "json") process.stdout.write(`${JSON.stringify(environment)}\n`);
  else if (envFormat === "sh") process.stdout.write(`${shellExports(environment)}\n`);
  else {
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
    process.stdout.write(`${JSON.stringify(info)}\n${shellExports(environment)}\n`);
  }
  process.stderr.write(`gallery-lookup emulator: serving on ${emulator.armEndpoint} (Ctrl-C to stop)\n`);
  return stopped;
}
