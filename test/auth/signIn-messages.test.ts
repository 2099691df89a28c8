// What a failing sign-in tells the user, through getGallery in a process of its own (the emulator's CA
// trusted through NODE_EXTRA_CA_CERTS, as a user's process would): the package's own sentences read as
// written, and text from outside (a server's answer, a file) is redacted where it can hold a secret.
import { strict as assert } from "node:assert";
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { inNamespace } from "../support/namespaceRun";
import { CANARY, canaryToken } from "../support/canaries";

const script = path.join(__dirname, "..", "fixtures", "lookupEveryGallery.js");

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
      body: `upstream failed for ${CANARY.githubRequestToken}; assertion=${canaryToken("assertion")} "client_secret": "${CANARY.clientSecret}"`,
    });
    const { code, stderr } = await lookUp(
      azure,
      oidc({
        ACTIONS_ID_TOKEN_REQUEST_URL: azure.identities.githubRequestUrl,
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: CANARY.githubRequestToken,
      }),
    );
    azure.clearFaults();
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      /Could not get the OIDC token for the client assertion: the token request to the URL in ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN answered HTTP 500: upstream failed for \[redacted\]/,
    );
    for (const canary of [CANARY.githubRequestToken, canaryToken("assertion"), CANARY.clientSecret]) {
      assert.ok(!stderr.includes(canary), `${canary} leaked: ${stderr}`);
    }
  });
});

/**
 * One getGallery in a child that, unlike the fixture, never calls process.exit: it ends only when
 * nothing holds its event loop, so a read left pending shows as a child that does not exit.
 */
function lookUpAndDrain(azure: EmulatorHandle, env: NodeJS.ProcessEnv): Promise<Run & { killed: boolean }> {
  const code = `
    const { getGallery } = require("pulumi-azure-gallery-lookup");
    getGallery(JSON.parse(process.env.GALLERY)).then(
      () => console.log("found"),
      (e) => { process.stderr.write(e.name + ": " + e.message + "\\n"); process.exitCode = 1; },
    );`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ["-e", code],
      {
        // Far below the lookup's deadline: a child still alive then is held by something.
        timeout: 20_000,
        killSignal: "SIGKILL",
        env: {
          PATH: process.env.PATH,
          NODE_EXTRA_CA_CERTS: azure.caCertFile,
          AZURE_RESOURCE_MANAGER_ENDPOINT: azure.armEndpoint,
          AZURE_AUTHORITY_HOST: azure.authorityHost,
          GALLERY: JSON.stringify({
            subscriptionId: azure.subscriptionId,
            resourceGroupName: azure.resourceGroupName,
            galleryName: "myGalleryName",
          }),
          GALLERY_LOOKUP_DEADLINE_MS: "120000",
          ...env,
        },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : ((error as { code?: number }).code ?? null),
          killed: error?.killed === true,
          stdout,
          stderr,
        }),
    );
  });
}

describe("credential files that never end (a FIFO, /dev/zero): refused before reading", function () {
  this.timeout(60_000);
  let azure: EmulatorHandle;
  let dir: string;
  let fifo: string;
  before(async function () {
    azure = await startEmulator({ throttle: false });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-credfile-"));
    fifo = path.join(dir, "never-written");
    execFileSync("mkfifo", [fifo]);
  });
  after(async () => {
    await azure.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const settings = (file: string) => ({
    ARM_CLIENT_CERTIFICATE_PATH: {
      ARM_CLIENT_CERTIFICATE_PATH: file,
      ARM_CLIENT_ID: "c2c2c2c2-0000-4000-8000-000000000004",
      ARM_TENANT_ID: azure.tenantId,
      ARM_DISABLE_INSTANCE_DISCOVERY: "true",
    },
    ARM_OIDC_TOKEN_FILE_PATH: {
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN_FILE_PATH: file,
      ARM_CLIENT_ID: "c3c3c3c3-0000-4000-8000-000000000005",
      ARM_TENANT_ID: azure.tenantId,
      ARM_DISABLE_INSTANCE_DISCOVERY: "true",
    },
  });

  for (const setting of ["ARM_CLIENT_CERTIFICATE_PATH", "ARM_OIDC_TOKEN_FILE_PATH"] as const) {
    for (const [what, file, kind] of [
      ["a FIFO nobody writes", () => fifo, "a FIFO"],
      ["/dev/zero", () => "/dev/zero", "a character device"],
    ] as const) {
      it(`${setting} at ${what}: a CredentialError naming ${setting}, and the process exits`, async () => {
        const run = await lookUpAndDrain(azure, settings(file())[setting]);
        assert.ok(!run.killed, `the child was still alive after 20 s: ${run.stderr}`);
        assert.equal(run.code, 1, run.stderr);
        assert.match(
          run.stderr,
          new RegExp(
            `^CredentialError: .*file named by ${setting} is not a regular file \\(it is ${kind}\\)`,
          ),
        );
        assert.doesNotMatch(run.stderr, /token endpoint/);
      });
    }
  }

  it("a token file above 1 MiB is refused by size, naming the setting", async () => {
    const big = path.join(dir, "big-token");
    fs.writeFileSync(big, Buffer.alloc(1024 * 1024 + 1, "a"));
    const run = await lookUpAndDrain(azure, settings(big).ARM_OIDC_TOKEN_FILE_PATH);
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      /OIDC token file named by ARM_OIDC_TOKEN_FILE_PATH is larger than 1048576 bytes \(1 MiB\)/,
    );
  });
});

describe("an authority MSAL cannot resolve (endpoints_resolution_error), with loopback only (unshare -rn)", function () {
  this.timeout(60_000);
  const fixture = path.join(__dirname, "..", "fixtures", "lookupEveryGallery.js");
  // The lookup signs in with what each test sets, not with the emulator's own AZURE_* sign-in.
  const EMULATOR_SIGN_IN_UNSET = {
    AZURE_CLIENT_ID: null,
    AZURE_CLIENT_SECRET: null,
    AZURE_TENANT_ID: null,
    AZURE_TOKEN_CREDENTIALS: null,
    GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: null,
    GALLERY_IDS: JSON.stringify([
      "/subscriptions/5b5b5b5b-0000-4000-8000-000000000003/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGalleryName",
    ]),
    GALLERY_LOOKUP_MAX_RETRIES: "0",
  };
  let dir: string;
  before(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-authority-"))));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  /** The emulator and the lookup both inside a namespace: instance discovery's real address cannot be reached. */
  const inLoopback = (env: Record<string, string>): Promise<Run> =>
    inNamespace([process.execPath, fixture], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        TMPDIR: os.tmpdir(),
        CHILD_ENV: JSON.stringify({ ...EMULATOR_SIGN_IN_UNSET, ...env }),
      },
    });
  const secretSignIn = {
    ARM_CLIENT_ID: "{clientId}",
    ARM_TENANT_ID: "{tenantId}",
    ARM_CLIENT_SECRET: "{clientSecret}",
  };

  it("a custom AZURE_AUTHORITY_HOST without the instance-discovery switch: names the switch, not the client secret", async () => {
    const failed = await inLoopback({ ...secretSignIn, AZURE_AUTHORITY_HOST: "{authorityHost}" });
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /endpoints_resolution_error/);
    assert.match(failed.stderr, /instance discovery/);
    assert.match(failed.stderr, /GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY=true/);
    assert.match(failed.stderr, /ARM_DISABLE_INSTANCE_DISCOVERY/);
    assert.match(failed.stderr, /AZURE_AUTHORITY_HOST/);
    assert.doesNotMatch(failed.stderr, /Check the client secret/);
    // And the switch named is the remedy: the same sign-in with it set succeeds.
    const fixed = await inLoopback({
      ...secretSignIn,
      AZURE_AUTHORITY_HOST: "{authorityHost}",
      GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: "true",
    });
    assert.equal(fixed.code, 0, fixed.stderr);
  });

  it("instance discovery off but an authority with no OpenID metadata: names AZURE_AUTHORITY_HOST and what it must serve", async () => {
    const failed = await inLoopback({
      ...secretSignIn,
      AZURE_AUTHORITY_HOST: "{authorityHost}/not-an-authority",
      ARM_DISABLE_INSTANCE_DISCOVERY: "true",
    });
    assert.equal(failed.code, 1, failed.stderr);
    assert.match(failed.stderr, /endpoints_resolution_error/);
    assert.match(failed.stderr, /AZURE_AUTHORITY_HOST/);
    assert.match(failed.stderr, /openid-configuration/);
    assert.match(failed.stderr, /ARM_TENANT_ID/);
    assert.doesNotMatch(failed.stderr, /Check the client secret/);
  });
});
