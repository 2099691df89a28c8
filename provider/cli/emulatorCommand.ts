// `gallery-lookup emulator [--port N] [--seed FILE] [--ca-dir DIR] [--env[=sh|json]]`: serves the local Azure
// until SIGINT, SIGTERM or SIGHUP. By default the first stdout line is one JSON object (for scripts) and the next lines
// are shell exports (for people); with --env, stdout holds only the environment that points a process at the
// emulator, as `export` lines or one JSON object, for a shell (`eval`) or a CI step (e.g. `pulumi preview`).
import type { EmulatorOptions } from "../emulator/types";
import { spawn } from "child_process";
import * as path from "path";
import { helpText, parseArgs, secondsFlag, stringFlag, type CommandSpec } from "./args";
import { UsageError } from "../errors/UsageError";

/** How long a detached emulator waits for a request before it stops by itself: nothing outlives its use for long. */
export const DETACHED_IDLE_SECONDS = 3600;

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
    {
      name: "detach",
      description:
        "Print the environment (as --env, sh by default) and leave the emulator running in the background, then exit: " +
        'for eval "$(gallery-lookup emulator --detach)"; stop it with kill $GALLERY_LOOKUP_EMULATOR_PID',
    },
    {
      name: "idle-timeout",
      value: "SECONDS",
      description: `Stop after this long without a request (default: never; ${DETACHED_IDLE_SECONDS} with --detach)`,
    },
  ],
  notes: `Without --env, stdout starts with one JSON line (endpoints, credentials, galleries), then the exports.
The default galleries are the five spec examples and myDemoGallery (uniqueName, identity and sharing groups).
With the real Pulumi CLI:  eval "$(gallery-lookup emulator --detach)"   then   pulumi preview`,
};

/** Parses the command's arguments; throws {@link UsageError} on anything it does not know. */
type EmulatorCommandOptions = EmulatorOptions & {
  env?: "sh" | "json";
  help: boolean;
  detach: boolean;
  /** Milliseconds without a request before the emulator stops; undefined: never. */
  idleMs?: number;
};

export function parseEmulatorArgs(args: string[]): EmulatorCommandOptions {
  const parsed = parseArgs(EMULATOR_SPEC, args);
  const detach = parsed.flags.has("detach");
  const options: EmulatorCommandOptions = { help: parsed.help, detach };
  if (parsed.flags.has("idle-timeout") || detach)
    options.idleMs = secondsFlag(parsed, "idle-timeout", DETACHED_IDLE_SECONDS);
  const port = stringFlag(parsed, "port");
  if (port !== undefined) {
    const n = Number(port);
    if (!/^\d+$/.test(port) || n > 65535) throw new UsageError(`--port must be 0-65535, not '${port}'`);
    options.port = n;
  }
  options.seed = stringFlag(parsed, "seed");
  options.caDir = stringFlag(parsed, "ca-dir");
  options.env = (stringFlag(parsed, "env") ?? (detach ? "sh" : undefined)) as "sh" | "json" | undefined;
  return options;
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * Which subscription the environment names and why: a lookup without subscriptionId reads that one only. With a
 * seed it is the seed's; a seed spanning several is read from its first gallery, and the rest need
 * subscriptionId.
 */
async function subscriptionNote(subscriptionId: string, seed: string | undefined): Promise<string> {
  if (seed === undefined)
    return `AZURE_SUBSCRIPTION_ID=${subscriptionId}, the emulator's default subscription`;
  const { loadSeedFile } = require("../emulator/seed") as typeof import("../emulator/seed");
  const all = [...new Set((await loadSeedFile(seed)).map((g) => g.subscriptionId))];
  if (all.length <= 1) return `AZURE_SUBSCRIPTION_ID=${subscriptionId}, the seed's subscription`;
  return (
    `AZURE_SUBSCRIPTION_ID=${subscriptionId}, the subscription of the seed's first gallery; ` +
    `the seed spans ${all.length} subscriptions: a lookup in another passes subscriptionId`
  );
}

/** The environment as `export NAME='value'` lines, safe to `eval` or source. */
export function shellExports(environment: Record<string, string>): string {
  return Object.entries(environment)
    .map(([k, v]) => `export ${k}=${shellQuote(v)}`)
    .join("\n");
}

/**
 * `--detach`: the same command without it runs as a child in a session of its own, with --env json; its first
 * stdout line is the environment, printed here (with the child's pid) before this process exits. The child
 * stops on SIGTERM (removing its CA folder) or after its idle timeout.
 */
async function detachEmulator(options: EmulatorCommandOptions, envFormat: "sh" | "json"): Promise<number> {
  const args = [
    process.argv[1],
    "emulator",
    "--env",
    "json",
    "--idle-timeout",
    String((options.idleMs ?? 0) / 1000),
  ];
  if (options.port !== undefined) args.push("--port", String(options.port));
  if (typeof options.seed === "string") args.push("--seed", path.resolve(options.seed));
  if (options.caDir !== undefined) args.push("--ca-dir", path.resolve(options.caDir));
  const child = spawn(process.execPath, args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const firstLine = await new Promise<string>((resolve, reject) => {
    let out = "";
    let errText = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      out += chunk;
      if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (errText += chunk));
    child.on("error", reject);
    child.on("exit", (code) =>
      reject(new Error(`the emulator exited (${code}) before it served: ${errText.trim()}`)),
    );
  });
  // The child writes nothing more to stdout, and nobody reads its stderr from here on.
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
  const environment: Record<string, string> = {
    ...(JSON.parse(firstLine) as Record<string, string>),
    GALLERY_LOOKUP_EMULATOR_PID: String(child.pid),
  };
  process.stdout.write(
    envFormat === "json" ? `${JSON.stringify(environment)}\n` : `${shellExports(environment)}\n`,
  );
  process.stderr.write(
    `gallery-lookup emulator: serving on ${environment.AZURE_RESOURCE_MANAGER_ENDPOINT} in the background ` +
      `(pid ${child.pid}; stops after ${(options.idleMs ?? 0) / 1000} s without a request, or on kill $GALLERY_LOOKUP_EMULATOR_PID); ` +
      `${await subscriptionNote(environment.AZURE_SUBSCRIPTION_ID, typeof options.seed === "string" ? options.seed : undefined)}\n`,
  );
  return 0;
}

export async function runEmulatorCommand(args: string[]): Promise<number> {
  const { help, env: envFormat, detach, idleMs, ...options } = parseEmulatorArgs(args);
  if (help) {
    process.stdout.write(helpText(EMULATOR_SPEC));
    return 0;
  }
  if (detach) return detachEmulator({ ...options, help, detach, idleMs }, envFormat ?? "sh");
  const { startEmulator } = require("../emulator/index") as typeof import("../emulator/index");
  const emulator = await startEmulator(options);
  // Handlers first: a script may signal as soon as it has read the first line. SIGHUP too (a closed
  // terminal): without a handler Node would exit without removing the CA folder.
  const stopped = new Promise<number>((resolve) => {
    const signals: NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
    let idleTimer: NodeJS.Timeout | undefined;
    const stop = (signal: NodeJS.Signals) => {
      for (const s of signals) process.off(s, stop);
      // The idle check must not keep the process alive once the emulator is closed.
      clearInterval(idleTimer);
      process.stderr.write(`gallery-lookup emulator: ${signal}, closing\n`);
      emulator.close().then(
        () => resolve(0),
        () => resolve(1),
      );
    };
    for (const s of signals) process.on(s, stop);
    // Whoever reads stdout may go away (`| head -1`): that is no reason to stop serving.
    process.stdout.on("error", () => undefined);
    // Nor is a closed stderr (a --detach parent that has gone): the emulator still serves.
    process.stderr.on("error", () => undefined);
    if (idleMs !== undefined) {
      const started = Date.now();
      idleTimer = setInterval(
        () => {
          const last = Math.max(
            started,
            ...emulator
              .journal()
              .slice(-1)
              .map((e) => e.time),
          );
          if (Date.now() - last >= idleMs) stop("SIGTERM");
        },
        Math.min(idleMs, 30_000),
      );
    }
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
  const note = await subscriptionNote(
    emulator.subscriptionId,
    typeof options.seed === "string" ? options.seed : undefined,
  );
  process.stderr.write(
    `gallery-lookup emulator: serving on ${emulator.armEndpoint} (Ctrl-C to stop); ${note}\n`,
  );
  return stopped;
}
