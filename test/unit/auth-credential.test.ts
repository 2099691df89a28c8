import assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { tokenAcquirer, describeCredential } from "#internal/auth/credential";
import { CredentialError } from "#internal/errors/index";
import { inspect } from "node:util";
import { withEnv } from "../support/environment";
import { CANARY } from "../support/canaries";

const settings = {
  scope: "https://management.azure.com/.default",
  authorityHost: "https://login.microsoftonline.com",
  disableInstanceDiscovery: false,
};

describe("tokenAcquirer", () => {
  class FakeCliCredential implements TokenCredential {
    constructor(private readonly behaviour: () => Promise<AccessToken | null>) {}
    getToken(): Promise<AccessToken | null> {
      return this.behaviour();
    }
  }

  it("wraps credential failures into CredentialError naming the credential, without secrets", async () => {
    const acquire = tokenAcquirer(
      settings,
      new FakeCliCredential(async () => {
        const e = new Error(
          `AADSTS7000215: Invalid client secret provided ${CANARY.clientSecret}. Bearer eyJabcdefgh.eyJzzzz.sig`,
        );
        e.name = "AuthenticationError";
        throw e;
      }),
      { AZURE_CLIENT_SECRET: CANARY.clientSecret },
    );
    const e: unknown = await acquire().then(
      () => assert.fail("should reject"),
      (x: unknown) => x,
    );
    assert.ok(e instanceof CredentialError);
    assert.equal(e.credential, "FakeCliCredential");
    assert.match(e.message, /FakeCliCredential/);
    assert.match(e.message, /AuthenticationError/);
    assert.match(e.message, /az login/);
    assert.match(e.message, /AZURE_CLIENT_ID/);
    assert.match(e.message, /AZURE_TOKEN_CREDENTIALS/);
    for (const text of [e.message, e.stack ?? "", JSON.stringify(e), inspect(e)]) {
      assert.ok(!text.includes(CANARY.clientSecret), text);
      assert.ok(!text.includes("eyJabcdefgh"), text);
    }
  });

  it("refuses garbage answers", async () => {
    for (const answer of [
      null,
      { token: "", expiresOnTimestamp: 1 },
      { token: "x" } as unknown as AccessToken,
    ]) {
      await assert.rejects(
        tokenAcquirer(settings, new FakeCliCredential(async () => answer), {})(),
        CredentialError,
      );
    }
  });

  it("describes DefaultAzureCredential's chain", () => {
    assert.match(
      describeCredential(undefined, {}),
      /^DefaultAzureCredential \(EnvironmentCredential, .*AzureCliCredential/,
    );
    assert.equal(
      describeCredential(undefined, { AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" }),
      "DefaultAzureCredential (EnvironmentCredential)",
    );
  });

  it("creates DefaultAzureCredential lazily and maps its failure (no network: EnvironmentCredential without variables)", async () => {
    const signedOut = {
      AZURE_CLIENT_ID: undefined,
      AZURE_TENANT_ID: undefined,
      AZURE_CLIENT_SECRET: undefined,
      AZURE_CLIENT_CERTIFICATE_PATH: undefined,
      AZURE_USERNAME: undefined,
      AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
    };
    await withEnv(signedOut, async () => {
      const acquire = tokenAcquirer(settings, undefined, process.env);
      await assert.rejects(acquire(), (e: unknown) => {
        assert.ok(e instanceof CredentialError);
        assert.equal(e.credential, "DefaultAzureCredential (EnvironmentCredential)");
        assert.match(e.message, /CredentialUnavailableError/);
        return true;
      });
    });
  });
});
