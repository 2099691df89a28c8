// What a failing sign-in tells the user, through getGallery in a process of its own (the emulator's CA
// trusted through NODE_EXTRA_CA_CERTS, as a user's process would): the package's own sentences read as
// written, and text from outside (a server's answer, a file) is redacted where it can hold a secret.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";

const script = path.join(__dirname, "..", "fixtures", "lookupEveryGallery.js");
const REQUEST_TOKEN = "CANARY-request-token-5e6f70";

interface Run {
  code: number | null;
  stderr: string;
  stdout: string;
}

/** Runs one lookup in a child with `env` (and nothing else of this process's environment but PATH). */
function lookUp(azure: EmulatorHandle, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [script],
      {
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          NODE_EXTRA_CA_CERTS: azure.caCertFile,
          AZURE_RESOURCE_MANAGER_ENDPOINT: azure.armEndpoint,
          AZURE_AUTHORITY_HOST: azure.authorityHost,
          GALLERY_IDS: JSON.stringify(azure.galleries().slice(0, 1)),
          GALLERY_LOOKUP_MAX_RETRIES: "0",
          GALLERY_LOOKUP_DEADLINE_MS: "15000",
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({ code: error === null ? 0 : ((error as { code?: number }).code ?? null), stdout, stderr }),
    );
  });
}

describe("sign-in messages: the package's own wording is never redacted", function () {
  this.timeout(40_000);
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ throttle: false })));
  after(() => azure.close());

  const oidc = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
    ARM_USE_OIDC: "true",
    ARM_CLIENT_ID: "c3c3c3c3-0000-4000-8000-000000000005",
    ARM_TENANT_ID: azure.tenantId,
    ARM_DISABLE_INSTANCE_DISCOVERY: "true",
    ...extra,
  });

  it("an unreadable OIDC token file: the sentence reads as written and names the setting", async () => {
    const { code, stderr } = await lookUp(
      azure,
      oidc({ ARM_OIDC_TOKEN_FILE_PATH: "/nonexistent/oidc-token" }),
    );
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      /Could not get the OIDC token for the client assertion: the OIDC token file named by ARM_OIDC_TOKEN_FILE_PATH could not be read \(ENOENT\)/,
    );
    assert.doesNotMatch(stderr, /\[redacted\]/);
  });

  it("a GitHub token endpoint that answers 500: our sentence intact, the secrets in the server's text redacted", async () => {
    azure.injectFault({
      target: "token",
      pathIncludes: "github/token",
      status: 500,
      times: 10,
      body: `upstream failed for ${REQUEST_TOKEN}; assertion=CANARY-assertion-91a2 "client_secret": "CANARY-secret-b3c4"`,
    });
    const { code, stderr } = await lookUp(
      azure,
      oidc({
        ACTIONS_ID_TOKEN_REQUEST_URL: azure.identities.githubRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: REQUEST_TOKEN,
      }),
    );
    azure.clearFaults();
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      /Could not get the OIDC token for the client assertion: the token request to the URL in ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN answered HTTP 500: upstream failed for \[redacted\]/,
    );
    for (const canary of [REQUEST_TOKEN, "CANARY-assertion-91a2", "CANARY-secret-b3c4"]) {
      assert.ok(!stderr.includes(canary), `${canary} leaked: ${stderr}`);
    }
  });
});
