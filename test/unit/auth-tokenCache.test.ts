import assert from "node:assert/strict";
import type { AccessToken, TokenCredential } from "@azure/identity";
import { TokenCache } from "#internal/auth/tokenCache";
import { tokenAcquirer, describeCredential } from "#internal/auth/credential";
import { CredentialError } from "#internal/errors/index";
import { inspect } from "node:util";
import { withEnv } from "../support/environment";

const settings = {
  scope: "https://management.azure.com/.default",
  authorityHost: "https://login.microsoftonline.com",
  disableInstanceDiscovery: false,
};

describe("TokenCache", () => {
  it("fetches one token for 200 concurrent callers", async () => {
    let calls = 0;
    const cache = new TokenCache(async () => {
      calls++;
      await new Promise((r) => setTimeout(r, 10));
      return { token: `t${calls}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    });
    const tokens = await Promise.all(Array.from({ length: 200 }, () => cache.getToken()));
    assert.equal(calls, 1);
    assert.ok(tokens.every((t) => t.token === "t1"));
    await cache.getToken();
    assert.equal(calls, 1);
  });

  it("refreshes 2 minutes before expiry", async () => {
    let now = 1_000_000;
    let calls = 0;
    const cache = new TokenCache(async () => ({ token: `t${++calls}`, expiresOnTimestamp: now + 600_000 }), {
      now: () => now,
    });
    assert.equal((await cache.getToken()).token, "t1");
    now += 600_000 - 120_001;
    assert.equal((await cache.getToken()).token, "t1");
    now += 1;
    assert.equal((await cache.getToken()).token, "t2");
  });

  it("renew: one renewal per refused token, shared; a token already replaced yields the replacement; failures are not cached", async () => {
    const requests: unknown[] = [];
    let fail = true;
    const cache = new TokenCache(async (request = {}) => {
      requests.push(request);
      await new Promise((r) => setTimeout(r, 5));
      if (fail) throw new Error("boom");
      return { token: `t${requests.length}`, expiresOnTimestamp: Date.now() + 3_600_000 };
    });
    await assert.rejects(cache.getToken(), /boom/);
    fail = false;
    const t = await cache.getToken();
    assert.equal((await cache.getToken()).token, t.token, "cached");
    // 50 lookups refused the same token: one renewal, with the challenge's claims.
    const renewed = await Promise.all(
      Array.from({ length: 50 }, () => cache.renew(t.token, { claims: "{}" })),
    );
    assert.ok(renewed.every((r) => r.token === renewed[0].token && r.token !== t.token));
    assert.deepEqual(requests.slice(2), [{ claims: "{}" }]);
    // A late lookup refused the old token gets the replacement without another request.
    assert.equal((await cache.renew(t.token, { bypassCache: true })).token, renewed[0].token);
    assert.equal(requests.length, 3);
    assert.equal((await cache.renew(renewed[0].token, { bypassCache: true })).token, "t4");
    assert.deepEqual(requests[3], { bypassCache: true });
  });
});

describe("tokenAcquirer", () => {
  const canary = "CANARY-SECRET-9f3a";
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
          `AADSTS7000215: Invalid client secret provided ${canary}. Bearer eyJabcdefgh.eyJzzzz.sig`,
        );
        e.name = "AuthenticationError";
        throw e;
      }),
      { AZURE_CLIENT_SECRET: canary },
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
      assert.ok(!text.includes(canary), text);
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
