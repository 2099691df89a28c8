// The emulator over raw HTTPS: Entra's token flow and every ARM rule the emulator promises.
import { strict as assert } from "node:assert";
import { startEmulator, type EmulatorHandle } from "#internal/emulator/index";
import { destroyAgent, galleryPath, getToken, send, tokenRequest } from "../fixtures/emulatorClient";

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe("emulator: Entra ID and ARM over HTTPS", function () {
  let emulator: EmulatorHandle;
  let token: string;
  const auth = () => ({ authorization: `Bearer ${token}` });
  const get = (path: string, headers: Record<string, string> = auth()) =>
    send(emulator, "GET", path, { headers });

  before(async () => {
    emulator = await startEmulator({ tokenPrefix: "canary-token-" });
    token = await getToken(emulator);
  });
  afterEach(() => {
    emulator.clearFaults();
    emulator.setThrottle({});
  });
  after(async () => {
    destroyAgent(emulator);
    await emulator?.close();
  });

  describe("Entra ID", () => {
    it("serves OpenID metadata whose issuer shares scheme, host and port with the authority", async () => {
      const res = await get(`/${emulator.tenantId}/v2.0/.well-known/openid-configuration`, {});
      assert.equal(res.status, 200);
      assert.equal(new URL(res.json.issuer).origin, emulator.authorityHost);
      assert.equal(
        res.json.token_endpoint,
        `${emulator.authorityHost}/${emulator.tenantId}/oauth2/v2.0/token`,
      );
      for (const key of ["authorization_endpoint", "jwks_uri"]) assert.ok(res.json[key], key);
      const unknown = await get(
        `/11111111-1111-4111-8111-111111111111/v2.0/.well-known/openid-configuration`,
        {},
      );
      assert.equal(unknown.status, 400);
      assert.equal(unknown.json.error, "invalid_tenant");
    });

    it("issues an opaque bearer token with an expiry for the client-credentials grant", async () => {
      const res = await tokenRequest(emulator);
      assert.equal(res.status, 200);
      assert.equal(res.json.token_type, "Bearer");
      assert.equal(res.json.expires_in, 3600);
      assert.match(res.json.access_token, /^canary-token-[A-Za-z0-9_-]{40,}$/);
      assert.notEqual(res.json.access_token, token);
    });

    it("refuses a wrong secret, an unknown client, tenant or grant with Entra's codes", async () => {
      const cases: [Record<string, string>, string | undefined, number, string, number][] = [
        [{ client_secret: "wrong" }, undefined, 401, "invalid_client", 7000215],
        [
          { client_id: "99999999-9999-4999-8999-999999999999" },
          undefined,
          400,
          "unauthorized_client",
          700016,
        ],
        [{ grant_type: "password" }, undefined, 400, "unsupported_grant_type", 70003],
        [{}, "22222222-2222-4222-8222-222222222222", 400, "invalid_tenant", 90002],
      ];
      const issued = emulator.tokensIssued();
      for (const [form, tenant, status, error, code] of cases) {
        const res = await tokenRequest(emulator, form, tenant);
        assert.deepEqual([res.status, res.json.error, res.json.error_codes], [status, error, [code]]);
        assert.match(res.json.error_description, new RegExp(`^AADSTS${code}: `));
      }
      assert.equal(emulator.tokensIssued(), issued);
    });
  });

  describe("ARM Galleries - Get", () => {
    it("returns the gallery with ARM's id, rate and routing headers", async () => {
      const res = await get(galleryPath(emulator, "myGalleryName"));
      assert.equal(res.status, 200);
      assert.equal(res.headers["content-type"], "application/json; charset=utf-8");
      assert.equal(res.json.id, emulator.galleries()[0]);
      assert.equal(res.json.properties.identifier.uniqueName, `${emulator.subscriptionId}-MYGALLERYNAME`);
      assert.match(String(res.headers["x-ms-request-id"]), GUID);
      assert.match(String(res.headers["x-ms-correlation-request-id"]), GUID);
      const routing = String(res.headers["x-ms-routing-request-id"]);
      assert.match(routing, /^WESTUS:\d{8}T\d{6}Z:/);
      assert.ok(routing.endsWith(String(res.headers["x-ms-request-id"])));
      assert.match(String(res.headers["x-ms-ratelimit-remaining-subscription-reads"]), /^\d+$/);
      assert.equal(res.headers["cache-control"], "no-cache");
      assert.equal(res.headers["x-ms-failure-cause"], undefined);
      const again = await get(galleryPath(emulator, "myGalleryName"));
      assert.notEqual(again.headers["x-ms-request-id"], res.headers["x-ms-request-id"]);
    });

    it("answers 401 with WWW-Authenticate for a missing, unknown, revoked or expired token", async () => {
      const missing = await get(galleryPath(emulator, "myGalleryName"), {});
      assert.deepEqual([missing.status, missing.json.error.code], [401, "AuthenticationFailed"]);
      assert.equal(
        missing.json.error.message,
        "Authentication failed. The 'Authorization' header is missing.",
      );
      assert.match(
        String(missing.headers["www-authenticate"]),
        /^Bearer authorization_uri="https:\/\/127\.0\.0\.1:\d+\/.+", error="invalid_token"/,
      );
      assert.equal(missing.headers["x-ms-failure-cause"], "gateway");
      assert.equal(missing.headers["x-ms-correlation-request-id"], missing.headers["x-ms-request-id"]);
      for (const h of ["x-ms-routing-request-id", "x-ms-ratelimit-remaining-subscription-reads"])
        assert.ok(missing.headers[h], h);

      const unknown = await get(galleryPath(emulator, "myGalleryName"), {
        authorization: "Bearer not-a-token",
      });
      assert.deepEqual([unknown.status, unknown.json.error.code], [401, "InvalidAuthenticationToken"]);
      assert.ok(unknown.headers["www-authenticate"]);

      const expiring = await getToken(emulator);
      emulator.expireTokens();
      const expired = await get(galleryPath(emulator, "myGalleryName"), {
        authorization: `Bearer ${expiring}`,
      });
      assert.deepEqual([expired.status, expired.json.error.code], [401, "ExpiredAuthenticationToken"]);
      assert.match(
        expired.json.error.message,
        /^The access token expiry UTC time '.+' is earlier than current UTC time '.+'\.$/,
      );

      emulator.revokeTokens();
      const revoked = await get(galleryPath(emulator, "myGalleryName"));
      assert.deepEqual([revoked.status, revoked.json.error.code], [401, "InvalidAuthenticationToken"]);
      token = await getToken(emulator);
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
    });

    it("answers 400 for a missing or unsupported api-version, listing the supported ones", async () => {
      const missing = await get(galleryPath(emulator, "myGalleryName", ""));
      assert.deepEqual([missing.status, missing.json.error.code], [400, "MissingApiVersionParameter"]);
      const wrong = await get(galleryPath(emulator, "myGalleryName", "api-version=2024-03-03"));
      assert.deepEqual([wrong.status, wrong.json.error.code], [400, "NoRegisteredProviderFound"]);
      assert.equal(
        wrong.json.error.message,
        "No registered resource provider found for location 'westus' and API version '2024-03-03' for type 'galleries'. The supported api-versions are '2025-03-03'. The supported locations are 'westus'.",
      );
      assert.equal(wrong.headers["x-ms-failure-cause"], "gateway");
    });

    it("answers 404 with ARM's codes and messages", async () => {
      const gallery = await get(galleryPath(emulator, "noSuchGallery"));
      assert.deepEqual(gallery.json, {
        error: {
          code: "ResourceNotFound",
          message: `The Resource 'Microsoft.Compute/galleries/noSuchGallery' under resource group '${emulator.resourceGroupName}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
        },
      });
      assert.equal(gallery.status, 404);
      const group = await get(galleryPath(emulator, "myGalleryName", undefined, "noSuchGroup"));
      assert.deepEqual(
        [group.status, group.json.error],
        [404, { code: "ResourceGroupNotFound", message: "Resource group 'noSuchGroup' could not be found." }],
      );
      const sub = "00000000-0000-4000-8000-000000000000";
      const subscription = await get(galleryPath(emulator, "myGalleryName", undefined, undefined, sub));
      assert.deepEqual(
        [subscription.status, subscription.json.error],
        [404, { code: "SubscriptionNotFound", message: `The subscription '${sub}' could not be found.` }],
      );
      const type = await get(
        `/subscriptions/${emulator.subscriptionId}/resourceGroups/x/providers/Microsoft.Compute/images/y?api-version=2025-03-03`,
      );
      assert.deepEqual([type.status, type.json.error.code], [404, "InvalidResourceType"]);
      const other = await get(`/nothing/here?api-version=2025-03-03`);
      assert.deepEqual([other.status, other.json.error.code], [404, "NotFound"]);
      for (const res of [gallery, group, subscription, type, other])
        assert.match(String(res.headers["x-ms-request-id"]), GUID);
    });

    it("matches subscription, resource group, provider and gallery names without regard to case", async () => {
      const path = `/SUBSCRIPTIONS/${emulator.subscriptionId.toUpperCase()}/RESOURCEGROUPS/MYRESOURCEGROUP/PROVIDERS/microsoft.compute/GALLERIES/MYGALLERYNAME?API-VERSION=2025-03-03`;
      const res = await get(path);
      assert.equal(res.status, 200);
      assert.equal(res.json.name, "myGalleryName");
    });

    it("percent-decodes path, query names and values; $expand decides groups; $select=Permissions returns all", async () => {
      const groups = (q: string) =>
        get(galleryPath(emulator, "mySharingGroupsGallery", `api-version=2025-03-03&${q}`));
      const plain = await groups("");
      assert.equal(plain.json.properties.sharingProfile.permissions, "Groups");
      assert.equal(plain.json.properties.sharingProfile.groups, undefined);
      for (const q of [
        "%24expand=SharingProfile%2FGroups",
        "$expand=sharingProfile/Groups",
        "%24EXPAND=sharingprofile%2fgroups",
      ]) {
        const res = await groups(q);
        assert.equal(res.json.properties.sharingProfile.groups.length, 2, q);
      }
      const select = await get(
        galleryPath(emulator, "myCommunityGallery", "api-version=2025-03-03&%24select=Permissions"),
      );
      assert.equal(
        select.json.properties.identifier.uniqueName,
        `${emulator.subscriptionId}-MYCOMMUNITYGALLERY`,
      );
      assert.equal(
        select.json.properties.sharingProfile.communityGalleryInfo.publicNames[0],
        "GalleryPublicName",
      );
      const encodedPath = await get(
        galleryPath(emulator, "my%47allery%4Eame", "api%2Dversion=2025%2D03%2D03"),
      );
      assert.equal(encodedPath.status, 200);
      const entry = emulator.journal().at(-1);
      assert.equal(entry?.path.endsWith("/galleries/myGalleryName"), true);
      assert.deepEqual(entry?.query, { "api-version": "2025-03-03" });
    });

    for (const method of ["POST", "PUT", "DELETE", "PATCH"]) {
      it(`answers ${method} with 405 and records it`, async () => {
        const res = await send(emulator, method, galleryPath(emulator, "myGalleryName"), {
          headers: auth(),
          body: "{}",
        });
        assert.deepEqual(
          [res.status, res.json.error.code, res.headers.allow],
          [405, "MethodNotAllowed", "GET"],
        );
        const entry = emulator.journal().at(-1);
        assert.deepEqual([entry?.method, entry?.status, entry?.kind], [method, 405, "arm"]);
      });
    }
  });

  describe("throttling", () => {
    it("drains a per-subscription token bucket, then answers 429 with Retry-After", async () => {
      emulator.setThrottle({ burst: 3, refillPerSecond: 0.5 });
      const remaining: string[] = [];
      for (let i = 0; i < 3; i++) {
        const res = await get(galleryPath(emulator, "myGalleryName"));
        assert.equal(res.status, 200);
        remaining.push(String(res.headers["x-ms-ratelimit-remaining-subscription-reads"]));
      }
      assert.deepEqual(remaining, ["2", "1", "0"]);
      const throttled = await get(galleryPath(emulator, "myGalleryName"));
      assert.deepEqual(throttled.json, {
        error: { code: "TooManyRequests", message: "The request is being throttled." },
      });
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers["retry-after"], "2");
      assert.equal(throttled.headers["x-ms-ratelimit-remaining-subscription-reads"], "0");
      // Another subscription has its own bucket (and then its own 404).
      const other = await get(
        galleryPath(emulator, "x", undefined, undefined, "00000000-0000-4000-8000-000000000001"),
      );
      assert.deepEqual(
        [other.status, other.headers["x-ms-ratelimit-remaining-subscription-reads"]],
        [404, "2"],
      );
    });

    it("refills at the configured rate and can be turned off", async () => {
      emulator.setThrottle({ burst: 1, refillPerSecond: 20 });
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
      const throttled = await get(galleryPath(emulator, "myGalleryName"));
      assert.equal(throttled.status, 429);
      assert.equal(throttled.headers["retry-after"], "1");
      await new Promise((r) => setTimeout(r, 80));
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
      emulator.setThrottle(false);
      for (let i = 0; i < 5; i++)
        assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
    });
  });

  describe("faults", () => {
    it("answers the next N matching requests with the injected status, headers and body", async () => {
      emulator.injectFault({
        times: 2,
        pathIncludes: "MYGALLERYNAME",
        status: 503,
        headers: { "Retry-After": "7" },
        body: { error: { code: "ServiceUnavailable", message: "x" } },
      });
      const other = await get(galleryPath(emulator, "myCommunityGallery"));
      assert.equal(other.status, 200);
      for (let i = 0; i < 2; i++) {
        const res = await get(galleryPath(emulator, "myGalleryName"));
        assert.deepEqual(
          [res.status, res.headers["retry-after"], res.json.error.code],
          [503, "7", "ServiceUnavailable"],
        );
        assert.match(String(res.headers["x-ms-request-id"]), GUID);
      }
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
      const faulted = emulator.journal().filter((e) => e.fault);
      assert.ok(faulted.length >= 2 && faulted.slice(-2).every((e) => e.status === 503));
    });

    it("delays, resets and truncates", async () => {
      emulator.injectFault({ delayMs: 250 });
      const started = Date.now();
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
      assert.ok(Date.now() - started >= 240);

      emulator.injectFault({ reset: true });
      await assert.rejects(
        get(galleryPath(emulator, "myGalleryName")),
        (e: NodeJS.ErrnoException) => e.code === "ECONNRESET",
      );
      assert.deepEqual([emulator.journal().at(-1)?.status, emulator.journal().at(-1)?.fault], [0, true]);

      emulator.injectFault({ truncate: true });
      await assert.rejects(
        get(galleryPath(emulator, "myGalleryName")),
        (e: NodeJS.ErrnoException) => e.code === "ECONNRESET",
      );
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
    });

    it("targets the token endpoint without touching ARM", async () => {
      emulator.injectFault({ target: "token", status: 500, body: "boom" });
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 200);
      const res = await tokenRequest(emulator);
      assert.deepEqual([res.status, res.text], [500, "boom"]);
      assert.equal((await tokenRequest(emulator)).status, 200);
      const entry = emulator
        .journal()
        .filter((e) => e.kind === "token")
        .at(-2);
      assert.deepEqual([entry?.status, entry?.fault], [500, true]);
    });
  });

  describe("control", () => {
    it("adds, changes and removes galleries in process and over HTTP", async () => {
      emulator.putGallery({
        subscriptionId: emulator.subscriptionId,
        resourceGroupName: "otherGroup",
        gallery: { name: "added", location: "eastus" },
      });
      const id = `/subscriptions/${emulator.subscriptionId}/resourceGroups/otherGroup/providers/Microsoft.Compute/galleries/added`;
      assert.ok(emulator.galleries().includes(id));
      assert.equal((await get(galleryPath(emulator, "added", undefined, "otherGroup"))).json.id, id);
      emulator.patchGallery(id, { tags: { a: "b" }, properties: { description: "changed" } });
      const patched = await get(galleryPath(emulator, "added", undefined, "otherGroup"));
      assert.deepEqual([patched.json.tags, patched.json.properties.description], [{ a: "b" }, "changed"]);

      const http = (method: string, path: string, body?: unknown) =>
        send(emulator, method, path, {
          body: body === undefined ? undefined : JSON.stringify(body),
          headers: { "content-type": "application/json" },
        });
      assert.equal(
        (
          await http("PATCH", `/_emulator/galleries?id=${encodeURIComponent(id)}`, {
            properties: { description: null },
          })
        ).status,
        200,
      );
      assert.equal(
        (await get(galleryPath(emulator, "added", undefined, "otherGroup"))).json.properties.description,
        undefined,
      );
      assert.deepEqual((await http("DELETE", `/_emulator/galleries?id=${encodeURIComponent(id)}`)).json, {
        removed: true,
      });
      assert.equal(
        (await get(galleryPath(emulator, "added", undefined, "otherGroup"))).json.error.code,
        "ResourceNotFound",
      );
      assert.equal(
        (
          await http("POST", "/_emulator/galleries", {
            subscriptionId: emulator.subscriptionId,
            resourceGroupName: "g2",
            gallery: { name: "viaHttp", location: "westus" },
          })
        ).status,
        200,
      );
      assert.equal((await get(galleryPath(emulator, "viaHttp", undefined, "g2"))).status, 200);
      assert.equal((await http("POST", "/_emulator/faults", { status: 502 })).status, 200);
      assert.equal((await get(galleryPath(emulator, "myGalleryName"))).status, 502);
      assert.equal((await http("PUT", "/_emulator/throttle", { burst: 1 })).status, 200);
      assert.equal((await http("GET", "/_emulator/journal")).json.at(-1).kind, "control");
      assert.equal((await http("POST", "/_emulator/galleries", { gallery: {} })).status, 400);
    });

    it("never journals a token, a secret or an Authorization header", async () => {
      await get(`${galleryPath(emulator, "myGalleryName")}&access_token=${token}`);
      const text = JSON.stringify(emulator.journal());
      assert.doesNotMatch(text, /canary-token-|Bearer|gallery-lookup-emulator-secret/);
      assert.ok(emulator.journal().some((e) => e.query.access_token === "[redacted]"));
    });
  });
});
