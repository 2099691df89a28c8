import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import sinon from "sinon";
import { createCredential } from "#internal/auth/credentialFactory";
import { oidcAssertion } from "#internal/auth/oidcAssertion";
import { isPem, pfxToPem } from "#internal/auth/pfx";
import { chooseSignIn } from "#internal/auth/signInChoice";
import { CredentialError } from "#internal/errors/CredentialError";
import { writePfx } from "../support/certificates";
import { CANARY } from "../support/canaries";

// The module object itself (not an import's copy of it), so that a spy sees the identity library's calls.
const childProcess = require("node:child_process") as typeof import("node:child_process");

const settings = { authorityHost: "https://127.0.0.1:1", disableInstanceDiscovery: true };
const sp = { ARM_TENANT_ID: "t", ARM_CLIENT_ID: "c" };

describe("createCredential", () => {
  it("builds the @azure/identity credential the choice names, without sending anything", async () => {
    // Nothing may leave the process while credentials are built: no connection (to the authority or
    // anywhere else) and no process (the Azure CLI), not even a moment later.
    let reached = 0;
    const authority = net.createServer((socket) => {
      reached += 1;
      socket.destroy();
    });
    await new Promise<void>((resolve) => authority.listen(0, "127.0.0.1", resolve));
    const here = {
      authorityHost: `https://127.0.0.1:${(authority.address() as net.AddressInfo).port}`,
      disableInstanceDiscovery: true,
    };
    const cases: [NodeJS.ProcessEnv, string][] = [
      [{ ...sp, ARM_CLIENT_SECRET: "s3cret" }, "ClientSecretCredential"],
      [{ ...sp, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "a.b.c" }, "ClientAssertionCredential"],
      [{ ARM_USE_MSI: "true" }, "ManagedIdentityCredential"],
      [{ ARM_USE_MSI: "true", ARM_CLIENT_ID: "c" }, "ManagedIdentityCredential"],
      [{ ARM_TENANT_ID: "t" }, "AzureCliCredential"],
      [{ AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" }, "DefaultAzureCredential"],
    ];
    try {
      const connects = sinon.spy(net.Socket.prototype, "connect");
      const spawns = sinon.spy(childProcess, "spawn");
      const execs = sinon.spy(childProcess, "execFile");
      for (const [env, name] of cases) {
        assert.equal(createCredential(chooseSignIn({ config: {}, env }), here).constructor.name, name);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(connects.callCount, 0, "a connection was opened");
      assert.equal(spawns.callCount + execs.callCount, 0, "a process was started");
      assert.equal(reached, 0, "the authority was reached");
    } finally {
      sinon.restore();
      await new Promise((resolve) => authority.close(resolve));
    }
  });

  it("refuses a choice with missing settings, naming the method, why and what to set", () => {
    assert.throws(
      () =>
        createCredential(
          chooseSignIn({ config: {}, env: { ARM_CLIENT_CERTIFICATE_PATH: "/x.pem" } }),
          settings,
        ),
      (e: unknown) =>
        e instanceof CredentialError &&
        e.credential === "ClientCertificateCredential" &&
        /ClientCertificateCredential \(client certificate, chosen because ARM_CLIENT_CERTIFICATE_PATH is set\) needs a tenant ID/.test(
          e.message,
        ),
    );
  });

  it("a certificate file that is missing names the setting, not the path", async () => {
    const credential = createCredential(
      chooseSignIn({
        config: {},
        env: { ...sp, ARM_CLIENT_CERTIFICATE_PATH: "/nonexistent/secret-name.pem" },
      }),
      settings,
    );
    await assert.rejects(credential.getToken("s"), (e: Error) => {
      assert.match(
        e.message,
        /certificate file named by ARM_CLIENT_CERTIFICATE_PATH could not be read \(ENOENT\)/,
      );
      assert.ok(!e.message.includes("secret-name"));
      return true;
    });
  });
});

describe("pfxToPem", () => {
  let dir: string;
  let pfx: Buffer;
  const password = CANARY.certificatePassword;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "pfx-test-"));
    pfx = fs.readFileSync(writePfx(dir, "unit", password).pfx);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("turns an AES PFX into a PEM key and certificate", async () => {
    assert.equal(isPem(pfx), false);
    const pem = await pfxToPem(pfx, password, "ARM_CLIENT_CERTIFICATE_PATH");
    assert.ok(isPem(Buffer.from(pem)));
    assert.match(pem, /-----BEGIN PRIVATE KEY-----[\s\S]+-----BEGIN CERTIFICATE-----/);
  });

  it("a wrong password: a CredentialError naming the settings, never the password", async () => {
    await assert.rejects(pfxToPem(pfx, "wrong-password-xyz", "ARM_CLIENT_CERTIFICATE_PATH"), (e: Error) => {
      assert.ok(e instanceof CredentialError);
      assert.match(e.message, /neither PEM nor a PFX that the certificate password opens/);
      assert.ok(!e.message.includes("wrong-password-xyz") && !e.message.includes(password));
      return true;
    });
  });
});

describe("oidcAssertion", () => {
  it("reads the token file at every call, so a rotated token is used", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "oidc-"));
    const file = path.join(dir, "token");
    fs.writeFileSync(file, "first.token.value\n");
    const next = oidcAssertion({ kind: "file", path: file }, "ARM_OIDC_TOKEN_FILE_PATH");
    assert.equal(await next(), "first.token.value");
    fs.writeFileSync(file, "second.token.value");
    assert.equal(await next(), "second.token.value");
    fs.writeFileSync(file, "  \n");
    await assert.rejects(next(), /OIDC token file named by ARM_OIDC_TOKEN_FILE_PATH is empty/);
    fs.rmSync(file);
    await assert.rejects(next(), /could not be read \(ENOENT\)/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("a GitHub request URL that does not parse is named, not echoed", async () => {
    const next = oidcAssertion(
      {
        kind: "request",
        url: "not a url secret-ish",
        requestToken: "CANARY-rq",
        audience: "api://AzureADTokenExchange",
      },
      "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN",
    );
    await assert.rejects(
      next(),
      (e: Error) => /not an absolute URL/.test(e.message) && !e.message.includes("secret-ish"),
    );
  });
});
