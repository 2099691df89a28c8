// The one fake TokenCredential of the tests. It is hard to please, as a real credential is: every call
// must name scopes of the form `<resource>/.default` and honour an aborted signal, and each issue is a
// new token, so that a test can tell which call a token came from and a cache of ours cannot hide
// behind a constant.
import * as https from "node:https";
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { canaryToken } from "./canaries";

export interface FakeCredentialOptions {
  /**
   * Where tokens come from: the emulator's Entra endpoint (a real client-credentials grant, trusting its
   * CA; in-process tests need it because @azure/identity reads NODE_EXTRA_CA_CERTS only at process start),
   * or, without it, made up here as `prefix` + the number.
   */
  emulator?: EmulatorHandle;
  /** The start of every made-up token; a canary by default, so that leak scans find them. */
  prefix?: string;
  /** How long a made-up token is valid (default an hour). */
  lifetimeMs?: number;
  /** Hand out the last token again while it has over five minutes left, as @azure/identity's cache does. */
  cache?: boolean;
  /**
   * Refuse: for each call (1-based), an error to throw instead of a token, or undefined to answer.
   * `"never ask"` makes any call a failure: for code that must not ask for a token at all.
   */
  fail?: ((call: number) => Error | undefined) | "never ask";
}

/** Whether a scope has the form a v2 token endpoint takes: `<resource>/.default`. */
const validScope = (scope: unknown): boolean =>
  typeof scope === "string" && /^[a-z][a-z0-9+.-]*:\/\/\S+\/\.default$/i.test(scope);

/** A counting, configurable TokenCredential (see the module comment). */
export class FakeCredential implements TokenCredential {
  /** How often getToken was called. */
  calls = 0;
  /** Every token handed out, in order (a cached one once). */
  readonly issued: string[] = [];
  /** The scopes of each call. */
  readonly scopes: string[][] = [];
  private current: AccessToken | undefined;

  constructor(private readonly options: FakeCredentialOptions = {}) {}

  async getToken(scopes: string | string[], options: GetTokenOptions = {}): Promise<AccessToken> {
    this.calls += 1;
    const call = this.calls;
    const list = ([] as string[]).concat(scopes);
    this.scopes.push(list);
    if (list.length === 0 || !list.every(validScope)) {
      throw new Error(`FakeCredential: scopes must be "<resource>/.default", got ${JSON.stringify(scopes)}`);
    }
    if (options.abortSignal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
    const { fail } = this.options;
    if (fail === "never ask") throw new Error("FakeCredential: this code must not ask for a token");
    const error = fail?.(call);
    if (error) throw error;
    if (this.options.cache && this.current && this.current.expiresOnTimestamp - Date.now() > 5 * 60_000) {
      return this.current;
    }
    this.current = this.options.emulator
      ? await emulatorToken(this.options.emulator, list)
      : {
          token: `${this.options.prefix ?? canaryToken("fake-")}${this.issued.length + 1}`,
          expiresOnTimestamp: Date.now() + (this.options.lifetimeMs ?? 3_600_000),
        };
    this.issued.push(this.current.token);
    return this.current;
  }
}

/** A client-credentials grant at the emulator's Entra endpoint. */
async function emulatorToken(emulator: EmulatorHandle, scopes: string[]): Promise<AccessToken> {
  const { authorityHost, tenantId, clientId, clientSecret, caCert } = emulator;
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: clientId,
    client_secret: clientSecret,
    scope: scopes.join(" "),
  }).toString();
  const body = await new Promise<string>((resolve, reject) => {
    const req = https.request(
      `${authorityHost.replace(/\/$/, "")}/${tenantId}/oauth2/v2.0/token`,
      { method: "POST", ca: caCert, headers: { "content-type": "application/x-www-form-urlencoded" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () =>
          res.statusCode === 200 ? resolve(text) : reject(new Error(`token: ${res.statusCode}`)),
        );
      },
    );
    req.on("error", reject);
    req.end(form);
  });
  const token = JSON.parse(body) as { access_token: string; expires_in: number };
  return { token: token.access_token, expiresOnTimestamp: Date.now() + token.expires_in * 1000 };
}
