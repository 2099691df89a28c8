// Shared helpers of the reliability and security tests (test/reliability): an emulator with canary
// secrets, a client with small timeouts, output capture, secret scans and the read-only assertion.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { inspect } from "node:util";
import type { TokenCredential } from "@azure/identity";
import type { ArmClient } from "#internal/arm/armClient";
import { emulatorEndpoint, localClient } from "./localClients";
import { startEmulator, type EmulatorHandle, type EmulatorOptions } from "#internal/emulator/index";
import { CANARY, CANARY_ENV } from "./canaries";
import { forDocs } from "./docsTables";
import { FakeCredential } from "./fakeCredential";

/** Small, fast settings: the suite must stay well under a minute. */
export const FAST_SETTINGS: Record<string, string> = {
  GALLERY_LOOKUP_MAX_RETRIES: "2",
  GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "500",
  GALLERY_LOOKUP_DEADLINE_MS: "5000",
};

/** An emulator whose client secret and tokens are canaries, with ARM's throttle off unless asked. */
export function startCanaryEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
  return startEmulator({
    clientSecret: CANARY.clientSecret,
    tokenPrefix: CANARY.tokenPrefix,
    throttle: false,
    ...options,
  });
}

/** The emulator's environment plus every canary variable and the fast settings. */
export function canaryEnvironment(emulator: EmulatorHandle, extra: Record<string, string> = {}) {
  return { ...emulator.environment(), ...CANARY_ENV, ...FAST_SETTINGS, ...extra };
}

/**
 * A client against the emulator with the fast settings, its own pacer (so that one test's 429 cannot
 * slow the next) and the emulator's CA.
 */
export function emulatorClient(
  emulator: EmulatorHandle,
  settings: Record<string, string> = {},
  credential: TokenCredential = new FakeCredential({ emulator }),
): ArmClient {
  return localClient(emulatorEndpoint(emulator), { env: canaryEnvironment(emulator, settings), credential });
}

/** The read-only promise: the emulator saw no ARM method but GET (token POSTs are Entra's, not ARM's). */
export function assertOnlyGets(emulator: EmulatorHandle): void {
  const entries = emulator.journal().filter((e) => e.kind === "arm");
  const others = entries.filter((e) => e.method !== "GET");
  assert.deepEqual(
    others.map((e) => `${e.method} ${e.path}`),
    [],
    "the lookup sent something other than GET to ARM",
  );
  for (const entry of emulator.journal().filter((e) => e.kind === "token")) {
    assert.equal(entry.method, "POST", "token requests are the client-credentials grant");
  }
}

/** Counts the ARM and token requests in the journal. */
export function requestCounts(emulator: EmulatorHandle): { arm: number; token: number } {
  const journal = emulator.journal();
  return {
    arm: journal.filter((e) => e.kind === "arm").length,
    token: journal.filter((e) => e.kind === "token").length,
  };
}

/** Everything an error can show when logged: message, stack, util.inspect (with cause) and JSON. */
export function errorDump(error: unknown): string {
  if (!(error instanceof Error)) return `${inspect(error, { depth: 8 })}\n${safeJson(error)}`;
  return [
    String(error),
    error.message,
    error.stack ?? "",
    inspect(error, { depth: 8, showHidden: true }),
    safeJson(error),
    safeJson({ ...error }),
    error.cause === undefined ? "" : errorDump(error.cause),
  ].join("\n");
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? "";
  } catch {
    return "";
  }
}

/** What `fn` wrote via console.* and process.stdout/stderr while it ran. */
export async function captureOutput<T>(fn: () => Promise<T>): Promise<{ result: T; output: string }> {
  const chunks: string[] = [];
  const saved = {
    out: process.stdout.write,
    err: process.stderr.write,
    log: console.log,
    error: console.error,
    warn: console.warn,
    info: console.info,
    debug: console.debug,
  };
  const grab =
    () =>
    (chunk: unknown, ...rest: unknown[]): boolean => {
      chunks.push(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8"));
      const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
      done?.();
      return true;
    };
  const consoleGrab =
    () =>
    (...args: unknown[]): void => {
      chunks.push(args.map((a) => (typeof a === "string" ? a : inspect(a, { depth: 8 }))).join(" "));
    };
  process.stdout.write = grab();
  process.stderr.write = grab();
  console.log = console.error = console.warn = console.info = console.debug = consoleGrab();
  try {
    const result = await fn();
    return { result, output: chunks.join("\n") };
  } finally {
    process.stdout.write = saved.out;
    process.stderr.write = saved.err;
    Object.assign(console, {
      log: saved.log,
      error: saved.error,
      warn: saved.warn,
      info: saved.info,
      debug: saved.debug,
    });
  }
}

/** One row of the fault table. */
export interface FaultRow {
  fault: string;
  outcome: string;
  arm: number;
  token: number;
  elapsedMs: number;
  userReads: string;
}

/** The table as Markdown, in the docs' words (`forDocs`): fault | what happens | requests | user reads. */
export function faultTable(rows: readonly FaultRow[]): string {
  const cell = (s: string) => forDocs(s).replace(/\|/g, "\\|").replace(/\s+/g, " ");
  const lines = [
    "| fault | what happens | requests (ARM + token) | elapsed | user reads |",
    "| --- | --- | --- | --- | --- |",
    ...rows.map(
      (r) =>
        `| ${cell(r.fault)} | ${cell(r.outcome)} | ${r.arm} + ${r.token} | ${r.elapsedMs} ms | ${cell(r.userReads)} |`,
    ),
  ];
  return `${lines.join("\n")}\n`;
}

/** Writes a generated table under build/ (next to the compiled tests) and returns its path. */
export function writeReport(name: string, markdown: string): string {
  const dir = path.resolve(__dirname, "..", "..");
  const file = path.join(dir, name);
  fs.writeFileSync(file, markdown);
  return file;
}
