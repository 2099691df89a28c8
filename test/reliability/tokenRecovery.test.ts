// Issue 9, item 1: a 401 must get a token the credential's cache did not hand out before. Through the
// caching credentials of @azure/identity, against the emulator's Entra endpoint, in child processes.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { assertOnlyGets } from "../support/reliability";

const CLAIMS = '{"access_token":{"nbf":{"essential":true,"value":"1726077595"}}}';

interface Outcome {
  ok: boolean;
  errorName?: string;
  message?: string;
  status?: number;
  arm: number[];
  tokenRequests: { claims?: string }[];
}

describe("401 recovery with caching credentials (emulator revokes tokens and sends CAE claims challenges)", function () {
  this.timeout(60_000);
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ throttle: false })));
  after(() => azure.close());

  async function run(scenario: string): Promise<Outcome> {
    const script = path.join(__dirname, "..", "fixtures", "tokenRecovery.js");
    const env = {
      PATH: process.env.PATH,
      ...azure.environment(),
      CHALLENGE_CLAIMS: CLAIMS,
      GALLERY_LOOKUP_DEADLINE_MS: "20000",
    };
    const { stdout } = await promisify(execFile)(process.execPath, [script, scenario], { env });
    return JSON.parse(stdout) as Outcome;
  }

  it("a revoked token: DefaultAzureCredential is replaced once, the lookup is served", async () => {
    const before = azure.tokensIssued();
    const r = await run("revoke, DefaultAzureCredential");
    assert.equal(r.ok, true, r.message);
    assert.deepEqual(r.arm, [401, 200], "the refused token, then a new one");
    assert.equal(azure.tokensIssued() - before, 2, "one token per credential instance");
    assertOnlyGets(azure);
  });

  it("a claims challenge: the token is requested with the challenge's claims (CAE), the lookup is served", async () => {
    for (const scenario of [
      "claims challenge, DefaultAzureCredential",
      "claims challenge, ClientSecretCredential",
    ]) {
      const r = await run(scenario);
      assert.equal(r.ok, true, `${scenario}: ${r.message}`);
      assert.deepEqual(r.arm, [401, 200], scenario);
      const [first, second] = r.tokenRequests.slice(-2).map((t) => JSON.parse(t.claims ?? "{}"));
      assert.deepEqual(first.access_token.xms_cc, { values: ["cp1"] }, "tokens are requested CAE-capable");
      assert.deepEqual(
        second.access_token.nbf,
        JSON.parse(CLAIMS).access_token.nbf,
        "the challenge's claims",
      );
    }
  });

  it("a revoked token and an injected credential that caches: says so, sends the refused token no more", async () => {
    const r = await run("revoke, ClientSecretCredential");
    assert.equal(r.ok, false);
    assert.equal(r.errorName, "AuthenticationFailedError");
    assert.equal(r.status, 401);
    assert.match(r.message ?? "", /ClientSecretCredential handed back the same token from its cache/);
    assert.doesNotMatch(r.message ?? "", /a fresh one was obtained/);
    assert.deepEqual(r.arm, [401]);
    const renewed = await run("revoke, ClientSecretCredential with renewCredential");
    assert.equal(renewed.ok, true, renewed.message);
    assert.deepEqual(renewed.arm, [401, 200]);
  });

  it("a claims challenge that the new token does not meet either: the truth, once", async () => {
    const r = await run("claims challenge that no token meets");
    assert.equal(r.errorName, "AuthenticationFailedError");
    assert.deepEqual(r.arm, [401, 401], "one new token, no loop");
    assert.match(r.message ?? "", /also the new one requested with the claims of its challenge/);
  });
});

describe("an Entra endpoint whose certificate is not trusted (the emulator without NODE_EXTRA_CA_CERTS)", function () {
  this.timeout(60_000);
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ throttle: false })));
  after(() => azure.close());

  it("says the certificate is not trusted and names NODE_EXTRA_CA_CERTS, not a sign-in", async () => {
    const script = path.join(__dirname, "..", "fixtures", "lookupEveryGallery.js");
    const { NODE_EXTRA_CA_CERTS: _trust, ...untrusted } = azure.environment();
    const env = {
      PATH: process.env.PATH,
      ...untrusted,
      GALLERY_IDS: JSON.stringify(azure.galleries().slice(0, 1)),
    };
    const failed = await promisify(execFile)(process.execPath, [script], { env }).then(
      () => assert.fail("the lookup should fail"),
      (e: { stderr: string }) => e.stderr,
    );
    assert.match(failed, /^CredentialError: /);
    assert.match(failed, /certificate is not trusted.*NODE_EXTRA_CA_CERTS/);
    assert.doesNotMatch(failed, /az login/);
  });
});
