// The emulator's identity endpoints must be as hard to please as Azure's and GitHub's: wrong header,
// wrong bearer, forged or expired assertions, a wrong audience or subject are all refused, and no
// token is issued for them.
import { strict as assert } from "node:assert";
import { createHash, createPrivateKey, generateKeyPairSync, sign, X509Certificate } from "node:crypto";
import * as https from "node:https";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { IDENTITY_DEFAULTS } from "#internal/emulator/identities";

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

function send(
  azure: EmulatorHandle,
  url: string,
  init: { method?: string; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<Answer> {
  const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method: init.method ?? (body ? "POST" : "GET"),
        ca: azure.caCert,
        headers: {
          ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
          ...init.headers,
        },
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
function jwt(header: object, claims: object, key: Parameters<typeof sign>[2]): string {
  const head = `${b64(header)}.${b64(claims)}`;
  return `${head}.${sign("sha256", Buffer.from(head), key).toString("base64url")}`;
}

describe("emulator: identity endpoints refuse what Azure and GitHub refuse", () => {
  let azure: EmulatorHandle;
  let tokenUrl: string;
  before(async () => {
    azure = await startEmulator({ throttle: false });
    tokenUrl = `${azure.authorityHost}/${azure.tenantId}/oauth2/v2.0/token`;
  });
  after(() => azure.close());

  const assertionGrant = (clientId: string, assertion: string) =>
    send(azure, tokenUrl, {
      form: {
        grant_type: "client_credentials",
        client_id: clientId,
        scope: "https://management.azure.com/.default",
        client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        client_assertion: assertion,
      },
    });

  it("federated: accepts its own issuer's token for the registered subject and audience, and nothing else", async () => {
    const id = IDENTITY_DEFAULTS.federatedClientId;
    const good = await assertionGrant(id, azure.identities.issueOidcToken());
    assert.equal(good.status, 200);
    assert.equal(typeof good.body.access_token, "string");
    const cases: [string, string, RegExp][] = [
      ["wrong audience", azure.identities.issueOidcToken({ audience: "api://other" }), /AADSTS700212/],
      [
        "wrong subject",
        azure.identities.issueOidcToken({ subject: "repo:evil/app:ref:refs/heads/main" }),
        /AADSTS700213/,
      ],
      ["expired", azure.identities.issueOidcToken({ lifetimeSeconds: -10 }), /AADSTS700024/],
      ["not a JWT", "abc", /AADSTS50027/],
    ];
    const forger = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const real = azure.identities.issueOidcToken();
    const [header, claims] = real
      .split(".")
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, "base64url").toString()) as object);
    cases.push(["forged signature", jwt(header, claims, forger.privateKey), /AADSTS700211/]);
    for (const [what, assertion, code] of cases) {
      const answer = await assertionGrant(id, assertion);
      assert.equal(answer.status, 400, what);
      assert.match(String(answer.body.error_description), code, what);
    }
    assert.deepEqual(azure.identities.grants(), [{ clientId: id, grant: "federated_token" }]);
  });

  it("certificate: accepts an RFC 7523 assertion signed by the registered key, refuses another key or audience", async () => {
    const id = IDENTITY_DEFAULTS.certificateClientId;
    const { cert, key } = await azure.identities.clientCertificate();
    const thumb = createHash("sha256").update(new X509Certificate(cert).raw).digest("base64url");
    const now = Math.floor(Date.now() / 1000);
    const claims = { aud: tokenUrl, iss: id, sub: id, exp: now + 300, nbf: now, jti: "1" };
    const good = await assertionGrant(
      id,
      jwt({ alg: "RS256", "x5t#S256": thumb }, claims, createPrivateKey(key)),
    );
    assert.equal(good.status, 200);
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const bad = await assertionGrant(id, jwt({ alg: "RS256", "x5t#S256": thumb }, claims, other));
    assert.equal(bad.status, 401);
    assert.match(String(bad.body.error_description), /signature validation/);
    const wrongAud = await assertionGrant(
      id,
      jwt({ alg: "RS256", "x5t#S256": thumb }, { ...claims, aud: "https://x" }, createPrivateKey(key)),
    );
    assert.equal(wrongAud.status, 401);
    const unknownCert = await assertionGrant(
      id,
      jwt({ alg: "RS256", "x5t#S256": "AAAA" }, claims, createPrivateKey(key)),
    );
    assert.match(String(unknownCert.body.error_description), /AADSTS700027/);
  });

  it("managed identity: demands X-IDENTITY-HEADER and the App Service api-version, knows only its identities", async () => {
    const url = `${azure.identities.identityEndpoint}?api-version=2019-08-01&resource=https%3A%2F%2Fmanagement.azure.com`;
    const header = { "x-identity-header": azure.identities.identityHeader };
    assert.equal((await send(azure, url)).status, 401);
    assert.equal((await send(azure, url, { headers: { "x-identity-header": "wrong" } })).status, 401);
    assert.equal(
      (await send(azure, url.replace("2019-08-01", "2017-09-01"), { headers: header })).status,
      400,
    );
    assert.equal(
      (await send(azure, `${url}&client_id=00000000-0000-0000-0000-000000000000`, { headers: header }))
        .status,
      400,
    );
    const system = await send(azure, url, { headers: header });
    assert.equal(system.body.client_id, IDENTITY_DEFAULTS.systemIdentityClientId);
    assert.match(String(system.body.expires_on), /^\d{10}$/);
    const user = await send(azure, `${url}&client_id=${IDENTITY_DEFAULTS.userIdentityClientId}`, {
      headers: header,
    });
    assert.equal(user.body.client_id, IDENTITY_DEFAULTS.userIdentityClientId);
  });

  it("GitHub: demands the request token as bearer and mints a token for the audience asked", async () => {
    const url = `${azure.identities.githubRequestUrl}?audience=api%3A%2F%2FAzureADTokenExchange`;
    assert.equal((await send(azure, url)).status, 401);
    assert.equal((await send(azure, url, { headers: { authorization: "Bearer wrong" } })).status, 401);
    const answer = await send(azure, url, {
      headers: { authorization: `Bearer ${azure.identities.githubRequestToken}` },
    });
    assert.equal(answer.status, 200);
    const claims = JSON.parse(
      Buffer.from(String(answer.body.value).split(".")[1], "base64url").toString(),
    ) as Record<string, unknown>;
    assert.equal(claims.aud, "api://AzureADTokenExchange");
    assert.equal(claims.iss, azure.identities.oidcIssuer);
  });

  it("serves its issuer's OpenID metadata and keys, and keeps secrets out of the journal", async () => {
    const config = await send(azure, `${azure.identities.oidcIssuer}/.well-known/openid-configuration`);
    assert.equal(config.body.issuer, azure.identities.oidcIssuer);
    const keys = await send(azure, String(config.body.jwks_uri));
    assert.equal((keys.body.keys as unknown[]).length, 1);
    const journal = JSON.stringify(azure.journal());
    assert.ok(!journal.includes(azure.identities.identityHeader));
    assert.ok(!journal.includes(azure.identities.githubRequestToken));
  });
});
