// Sign-in outside the provider host: getGallery in a Pulumi program reads azure-native's stack config
// from the program's own runtime (PULUMI_CONFIG, as the language host sets it); and a method that
// cannot work says which method, why and what to set, in a network namespace with loopback only.
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { writePfx } from "../support/certificates";
import { CANARY } from "../support/canaries";

const script = path.join(__dirname, "..", "fixtures", "lookupEveryGallery.js");
const run = promisify(execFile);

describe("sign-in in the Pulumi program (getGallery)", () => {
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ throttle: false, clientSecret: CANARY.clientSecret })));
  after(() => azure.close());

  it("uses the stack config azure-native:clientId/tenantId/clientSecret of the program, secret included", async () => {
    const config = {
      "azure-native:clientId": azure.clientId,
      "azure-native:tenantId": azure.tenantId,
      "azure-native:clientSecret": CANARY.clientSecret,
      "azure-native:disableInstanceDiscovery": "true",
    };
    const env = {
      PATH: process.env.PATH,
      NODE_EXTRA_CA_CERTS: azure.caCertFile,
      AZURE_RESOURCE_MANAGER_ENDPOINT: azure.armEndpoint,
      AZURE_AUTHORITY_HOST: azure.authorityHost,
      // A guard: were the config not read, DefaultAzureCredential would fail here instead of probing IMDS.
      AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
      PULUMI_CONFIG: JSON.stringify(config),
      PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(["azure-native:clientSecret"]),
      GALLERY_IDS: JSON.stringify(azure.galleries().slice(0, 2)),
    };
    const { stdout, stderr } = await run(process.execPath, [script], { env, cwd: process.cwd() });
    assert.equal((JSON.parse(stdout) as unknown[]).length, 2);
    assert.deepEqual(azure.identities.grants(), [{ clientId: azure.clientId, grant: "client_secret" }]);
    assert.ok(!stdout.includes(CANARY.clientSecret) && !stderr.includes(CANARY.clientSecret));
  });
});

function unshareWorks(): boolean {
  try {
    execFileSync("unshare", ["-rn", "sh", "-c", "ip link set lo up"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

describe("sign-in failures, with loopback only (unshare -rn)", function () {
  this.timeout(30_000);
  before(function () {
    if (!unshareWorks()) this.skip(); // no user namespaces here: these would risk reaching real endpoints
  });

  const inNamespace = (env: NodeJS.ProcessEnv) =>
    run("unshare", ["-rn", "sh", "-c", `ip link set lo up; exec "${process.execPath}" "${script}"`], {
      env: {
        PATH: process.env.PATH,
        GALLERY_IDS: JSON.stringify([
          "/subscriptions/5b5b5b5b-0000-4000-8000-000000000003/resourceGroups/rg/providers/Microsoft.Compute/galleries/g",
        ]),
        GALLERY_LOOKUP_DEADLINE_MS: "8000",
        ...env,
      },
    }).then(
      () => assert.fail("the lookup should have failed"),
      (error: { stderr: string }) => error.stderr,
    );

  it("managed identity that cannot be reached: names ManagedIdentityCredential, ARM_USE_MSI and what to do", async () => {
    // An App Service-style endpoint on a closed loopback port: without it the credential would probe the
    // instance metadata address, which no test may even try (the namespace would refuse it, but still).
    const stderr = await inNamespace({
      ARM_USE_MSI: "true",
      ARM_MSI_ENDPOINT: "http://127.0.0.1:9/ignored",
      IDENTITY_ENDPOINT: "http://127.0.0.1:9/msi/token",
      IDENTITY_HEADER: "not-a-secret",
    });
    assert.match(
      stderr,
      /CredentialError: .*ManagedIdentityCredential \(system-assigned managed identity\), chosen because ARM_USE_MSI is true/,
    );
    assert.match(stderr, /available only where Azure provides one/);
    assert.match(stderr, /ARM_MSI_ENDPOINT is not used/);
  });

  it("OIDC switched on without a token: names every way to give one, before any request", async () => {
    const stderr = await inNamespace({
      ARM_USE_OIDC: "true",
      ARM_CLIENT_ID: "c3c3c3c3-0000-4000-8000-000000000005",
      ARM_TENANT_ID: "e1e1e1e1-0000-4000-8000-000000000001",
    });
    assert.match(
      stderr,
      /ClientAssertionCredential \(OIDC, chosen because ARM_USE_OIDC is true\) needs an OIDC token/,
    );
    assert.match(stderr, /ARM_OIDC_TOKEN_FILE_PATH/);
    assert.match(stderr, /id-token: write/);
  });

  it("a legacy (RC2/3DES) PFX: says how to convert it, never the password", async () => {
    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? "/tmp", "legacy-pfx-"));
    const { pfx } = writePfx(dir, "legacy", CANARY.certificatePassword, { legacy: true });
    const stderr = await inNamespace({
      ARM_CLIENT_CERTIFICATE_PATH: pfx,
      ARM_CLIENT_CERTIFICATE_PASSWORD: CANARY.certificatePassword,
      ARM_CLIENT_ID: "c2c2c2c2-0000-4000-8000-000000000004",
      ARM_TENANT_ID: "e1e1e1e1-0000-4000-8000-000000000001",
    });
    assert.match(
      stderr,
      /ClientCertificateCredential \(client certificate\), chosen because ARM_CLIENT_CERTIFICATE_PATH is set/,
    );
    fs.rmSync(dir, { recursive: true, force: true });
    assert.match(stderr, /legacy RC2\/3DES encryption.*openssl pkcs12/);
    assert.ok(!stderr.includes(CANARY.certificatePassword));
  });
});
