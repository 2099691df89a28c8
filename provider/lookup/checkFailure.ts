// What Check returns, instead of throwing, when the lookup could not sign in or connect. A thrown error
// shows three times under a Pulumi CLI (the progress line, the resource's diagnostic, and the dynamic
// provider host's own console.error of it with a stack trace, under the stack); a returned failure shows
// once, under the resource. A local emulator that has stopped (killed, or its idle timeout) is named as
// such: the sign-in error alone reads as a problem with the authority. The port is asked only after a
// failure, never before a lookup (a connection of its own would bypass a proxy the lookup goes through).
import * as fs from "node:fs";
import * as net from "node:net";
import type * as dynamic from "@pulumi/pulumi/dynamic";
import { ConnectionError } from "../errors/ConnectionError";
import { CredentialError } from "../errors/CredentialError";
import type { ValidLookupArgs } from "../gallery/validation";
import { notFoundFailure } from "./readGallery";

/** The variables that point the package at the local emulator (what `gallery-lookup emulator --env` sets). */
const EMULATOR_VARIABLES = ["AZURE_AUTHORITY_HOST", "AZURE_RESOURCE_MANAGER_ENDPOINT"] as const;
const LOOPBACK = /^https:\/\/(127\.0\.0\.1|localhost)(?::(\d+))?\/?$/;

/** Endpoints found listening: asked once per process (the provider host serves every lookup of a run). */
const listening = new Set<string>();

/** Whether a TCP connection to host:port is refused (nothing listens); a loopback answer comes at once. */
function refused(host: string, port: number): Promise<boolean> {
  if (listening.has(`${host}:${port}`)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (answer: boolean) => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once("connect", () => {
      listening.add(`${host}:${port}`);
      done(false);
    });
    socket.once("error", (error: NodeJS.ErrnoException) => done(error.code === "ECONNREFUSED"));
  });
}

/**
 * The check failure for a local emulator the environment names that is not running, or undefined (no
 * loopback endpoint is set, or something listens there). Only loopback addresses are ever tried.
 */
export async function stoppedEmulatorFailure(
  env: NodeJS.ProcessEnv = process.env,
): Promise<dynamic.CheckFailure | undefined> {
  for (const variable of EMULATOR_VARIABLES) {
    const m = LOOPBACK.exec(env[variable] ?? "");
    if (!m) continue;
    const host = m[1] === "localhost" ? "127.0.0.1" : m[1];
    const port = Number(m[2] ?? 443);
    if (!(await refused(host, port))) continue;
    const ca = env.NODE_EXTRA_CA_CERTS;
    const staleCa =
      ca && !fs.existsSync(ca)
        ? " (NODE_EXTRA_CA_CERTS names its certificate file, which is gone with it: hence Node.js's warnings “Ignoring extra certs”)"
        : "";
    return {
      property: "",
      reason:
        `the local Azure emulator that ${variable} names is not running: nothing listens on ${host}:${port}${staleCa}. ` +
        "Start it with `gallery-lookup emulator --env > emulator.env &` and `. ./emulator.env`, or unset the emulator's variables",
    };
  }
  return undefined;
}

/**
 * A failed sign-in as the lookup's check failure (its message is already the whole explanation), and a
 * failed sign-in or connection as the check failure that names a stopped local emulator, when that is
 * why; undefined for any other error, which Check still throws (a connection that fails against a
 * running service is one of the faults the reliability tables record as thrown).
 */
export async function signInOrConnectionFailure(error: unknown): Promise<dynamic.CheckFailure | undefined> {
  if (error instanceof CredentialError)
    return (await stoppedEmulatorFailure()) ?? { property: "", reason: error.message };
  if (error instanceof ConnectionError) return stoppedEmulatorFailure();
  return undefined;
}

/**
 * A failed GET as Check reports it: a 404 as the failure of the argument that names what is missing, a
 * failed sign-in or connection as the lookup's own (above); undefined for any other error, which is thrown.
 * Check returns it; the plugin's Create, which GETs a new lookup, throws it with the same words.
 */
export async function lookupFailure(
  error: unknown,
  args: ValidLookupArgs,
): Promise<dynamic.CheckFailure | undefined> {
  return notFoundFailure(error, args) ?? (await signInOrConnectionFailure(error));
}
