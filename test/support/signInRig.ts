// Sign-in test support: one emulator, the installed program, the files users point settings at (PEM,
// encrypted PEM, PFX, OIDC token file) and a stand-in `az`, and one fresh provider host per sign-in, so
// that each proves "one token per process" on its own.
import { createPrivateKey } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { startProviderHost, type ProviderHost } from "#internal/preview/hostClient";
import { CANARY } from "./canaries";
import { writePfx } from "./certificates";
import { installedProgram, registeredInputs } from "./engineInstall";

export type Props = Record<string, unknown>;

// test/engine imports the canaries from here.
export { CANARY };

/** How the engine sends a secret config value in Configure (the SDK's secret signature). */
export const secretValue = (value: string) => ({
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  value,
});

export interface SignInFiles {
  dir: string;
  pem: string;
  encryptedPem: string;
  pfx: string;
  oidcTokenFile: string;
  /** A folder holding the stand-in `az`, to put first on PATH. */
  azBin: string;
}

export interface SignInRig {
  azure: EmulatorHandle;
  programDir: string;
  news: Props;
  files: SignInFiles;
  /**
   * Variables every host gets: where ARM and Entra are, the CA, a short retry budget, and nothing else of
   * this process's environment. A row sets a variable to `undefined` to remove it.
   */
  baseEnv: NodeJS.ProcessEnv;
  startHost(env: NodeJS.ProcessEnv, config?: Props): Promise<ProviderHost>;
  close(): Promise<void>;
}

export async function startSignInRig(): Promise<SignInRig> {
  const program = installedProgram();
  const azure = await startEmulator({
    throttle: false,
    clientSecret: CANARY.clientSecret,
    identities: { identityHeader: CANARY.identityHeader, githubRequestToken: CANARY.githubRequestToken },
  });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-signin-"));
  const { cert, key } = await azure.identities.clientCertificate();
  const pem = path.join(dir, "client.pem");
  fs.writeFileSync(pem, `${key.trim()}\n${cert.trim()}\n`, { mode: 0o600 });
  const encrypted = createPrivateKey(key).export({
    type: "pkcs8",
    format: "pem",
    cipher: "aes-256-cbc",
    passphrase: CANARY.certificatePassword,
  });
  const encryptedPem = path.join(dir, "client-encrypted.pem");
  fs.writeFileSync(encryptedPem, `${String(encrypted).trim()}\n${cert.trim()}\n`, { mode: 0o600 });
  const { pfx } = writePfx(dir, "client", CANARY.certificatePassword, { keyPem: pem, certPem: pem });
  const oidcTokenFile = path.join(dir, "oidc-token");
  fs.writeFileSync(oidcTokenFile, `${azure.identities.issueOidcToken({ lifetimeSeconds: 3600 })}\n`);
  const azBin = path.join(dir, "bin");
  fs.mkdirSync(azBin);
  writeFakeAz(azBin, azure);

  const programDir = program.dir;
  const { __type: _type, ...news } = registeredInputs(programDir, {
    subscriptionId: azure.subscriptionId,
    resourceGroupName: azure.resourceGroupName,
    galleryName: "myManagedIdentityGallery",
  });
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: `${azBin}${path.delimiter}${process.env.PATH ?? ""}`,
    HOME: dir,
    TMPDIR: os.tmpdir(),
    NODE_EXTRA_CA_CERTS: azure.caCertFile,
    AZURE_RESOURCE_MANAGER_ENDPOINT: azure.armEndpoint,
    AZURE_AUTHORITY_HOST: azure.authorityHost,
    GALLERY_LOOKUP_MAX_RETRIES: "1",
    GALLERY_LOOKUP_DEADLINE_MS: "20000",
    // Should a row's settings not be read, DefaultAzureCredential must fail here, not probe 169.254.169.254.
    AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
  };
  const hosts: ProviderHost[] = [];
  return {
    azure,
    programDir,
    news,
    files: { dir, pem, encryptedPem, pfx, oidcTokenFile, azBin },
    baseEnv,
    async startHost(env, config = {}) {
      const defined = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined));
      const host = await startProviderHost({ cwd: programDir, env: defined });
      hosts.push(host);
      await host.configure(config);
      return host;
    },
    async close() {
      await Promise.all(hosts.map((h) => h.close()));
      await azure.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A stand-in for `az account get-access-token --output json --resource …`: signs in as the emulator's
 * CLI account and prints what Azure CLI prints. AzureCliCredential runs it exactly as it runs `az`.
 */
function writeFakeAz(bin: string, azure: EmulatorHandle): void {
  const tokenUrl = `${azure.authorityHost}/${azure.tenantId}/oauth2/v2.0/token`;
  const script = `#!${process.execPath}
const args = process.argv.slice(2);
if (args[0] !== "account" || args[1] !== "get-access-token") { console.error("ERROR: unexpected az " + args.join(" ")); process.exit(2); }
const resource = args[args.indexOf("--resource") + 1];
const body = new URLSearchParams({ grant_type: "client_credentials", client_id: ${JSON.stringify(azure.identities.cliClientId)}, client_secret: ${JSON.stringify(azure.identities.cliClientSecret)}, scope: resource + "/.default" }).toString();
const req = require("https").request(${JSON.stringify(tokenUrl)}, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" } }, (res) => {
  let text = ""; res.on("data", (c) => (text += c)); res.on("end", () => {
    if (res.statusCode !== 200) { console.error("ERROR: " + res.statusCode); process.exit(1); }
    const t = JSON.parse(text); const exp = Math.floor(Date.now() / 1000) + t.expires_in;
    process.stdout.write(JSON.stringify({ accessToken: t.access_token, expiresOn: new Date(exp * 1000).toISOString().replace("T", " ").slice(0, 19) + ".000000", expires_on: exp, subscription: ${JSON.stringify(azure.subscriptionId)}, tenant: ${JSON.stringify(azure.tenantId)}, tokenType: "Bearer" }));
  });
});
req.on("error", (e) => { console.error("ERROR: " + e.message); process.exit(1); });
req.end(body);
`;
  fs.writeFileSync(path.join(bin, "az"), script, { mode: 0o755 });
}
