// Whether the local emulator the environment names is there. `preview` asks before using it and `drift`
// before reading any state, so that a stale environment (`. ./emulator.env` from an emulator since
// stopped) is named as such at once, rather than surfacing seconds later as a failed sign-in.
import * as fs from "fs";
import * as https from "https";

/** Only a loopback endpoint can be the emulator: nothing here is ever sent anywhere else. */
const LOOPBACK = /^https:\/\/(127\.0\.0\.1|localhost)(:\d+)?\/?$/;

/** Whether an endpoint is on this machine, so may be the emulator. */
export function isLoopbackEndpoint(endpoint: string | undefined): endpoint is string {
  return endpoint !== undefined && LOOPBACK.test(endpoint);
}

/** What asking `/_emulator/info` found. */
export type EmulatorProbe =
  | { answered: true; info: Record<string, unknown> }
  | {
      answered: false;
      /** Nothing accepted the connection: the emulator is not running. */
      refused: boolean;
      /** Why it is not the emulator, for a message: `nothing listens on 127.0.0.1:8443`. */
      reason: string;
    };

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS/;

/** Asks the emulator at `endpoint` who it is, trusting the CA in `caFile` (the emulator's own). */
export function probeEmulator(endpoint: string, caFile: string | undefined): Promise<EmulatorProbe> {
  const url = new URL("/_emulator/info", endpoint);
  const ca = caFile && fs.existsSync(caFile) ? fs.readFileSync(caFile) : undefined;
  const timeoutMs = 2000;
  return new Promise((resolve) => {
    const notThere = (refused: boolean, reason: string) => resolve({ answered: false, refused, reason });
    const req = https.get(url, { ca, timeout: timeoutMs }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => {
        try {
          if (res.statusCode === 200)
            resolve({ answered: true, info: JSON.parse(body) as Record<string, unknown> });
          else
            notThere(
              false,
              `${url.host} answers HTTP ${res.statusCode} to /_emulator/info: not the emulator`,
            );
        } catch {
          notThere(false, `${url.host} answers, but not as the emulator does`);
        }
      });
    });
    req.on("timeout", () => req.destroy(Object.assign(new Error("timeout"), { code: "ETIMEDOUT" })));
    req.on("error", (error: NodeJS.ErrnoException) => {
      const code = error.code ?? "";
      if (code === "ECONNREFUSED") notThere(true, `nothing listens on ${url.host}`);
      else if (code === "ETIMEDOUT")
        notThere(false, `${url.host} did not answer within ${timeoutMs / 1000} s`);
      else if (TLS_CODES.test(code))
        notThere(false, `${url.host}'s certificate is not signed by the CA in NODE_EXTRA_CA_CERTS (${code})`);
      else notThere(false, `${url.host} cannot be reached (${code || error.message})`);
    });
  });
}

/** The requests the emulator at `endpoint` saw (its `/_emulator/journal`); undefined when it cannot be read. */
export function emulatorJournal(
  endpoint: string,
  caFile: string | undefined,
): Promise<{ time: number; kind: string; path: string }[] | undefined> {
  const url = new URL("/_emulator/journal", endpoint);
  const ca = caFile && fs.existsSync(caFile) ? fs.readFileSync(caFile) : undefined;
  return new Promise((resolve) => {
    const req = https.get(url, { ca, timeout: 2000 }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => {
        try {
          const entries = res.statusCode === 200 ? (JSON.parse(body) as unknown) : undefined;
          resolve(
            Array.isArray(entries) ? (entries as { time: number; kind: string; path: string }[]) : undefined,
          );
        } catch {
          resolve(undefined);
        }
      });
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(undefined));
  });
}
