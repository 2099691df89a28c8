import * as https from "node:https";
import type { AccessToken, TokenCredential } from "@azure/identity";
import type { EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";

/**
 * A stand-in TokenCredential for tests: it fetches a client-credentials token straight from the
 * emulator's Entra endpoint (trusting its CA), and counts how often it is asked. In-process tests use it
 * because @azure/identity reads NODE_EXTRA_CA_CERTS only at process start; the real
 * DefaultAzureCredential path is proven in a child process (test/reliability/credential.test.ts).
 */
export class EmulatorCredential implements TokenCredential {
  calls = 0;

  constructor(private readonly emulator: EmulatorHandle) {}

  async getToken(scopes: string | string[]): Promise<AccessToken> {
    this.calls += 1;
    const { authorityHost, tenantId, clientId, clientSecret, caCert } = this.emulator;
    const form = new URLSearchParams({
      grant_type: "client_credentials",
      client_id: clientId,
      client_secret: clientSecret,
      scope: ([] as string[]).concat(scopes).join(" "),
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
}
