import assert from "node:assert/strict";
import type { ServerResponse } from "node:http";
import { inspect } from "node:util";
import type { TokenCredential } from "@azure/identity";
import { defaultArmClient, setDefaultArmClient } from "#internal/arm/armClient";
import { Pacer } from "#internal/arm/pacer";
import {
  ArmRequestError,
  AuthenticationFailedError,
  AuthorizationFailedError,
  ConnectionError,
  CredentialError,
  GalleryNotFoundError,
  InvalidResponseError,
  SettingsError,
  ThrottledError,
} from "#internal/errors/index";
import { FakeCredential } from "../support/fakeCredential";
import { useFakeTime } from "../support/fakeTime";
import { localClients } from "../support/localClients";
import { failure as rejection } from "../support/failure";
import { sendJson, startHttpsServer, type TestHttpsServer } from "../support/httpsServer";

const CANARY = "CANARY-TOKEN-7c1e2b";
const SUB = "11111111-2222-3333-4444-555555555555";
const ref = { subscriptionId: SUB, resourceGroupName: "rg-img", galleryName: "galA" };
const PATH = `/subscriptions/${SUB}/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/galA`;
const GALLERY = {
  id: PATH,
  name: "galA",
  location: "westeurope",
  properties: { identifier: { uniqueName: `${SUB}-GALA` } },
};

function json(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, body, { "x-ms-request-id": `req-${status}`, ...headers });
}

describe("ArmClient against a local HTTPS server", function () {
  this.timeout(10_000);
  let server: TestHttpsServer;
  let credential: FakeCredential;
  const time = useFakeTime(() => ({ random: 0 }));
  const sleeps = (): number[] => time().waits();
  const errors: Error[] = [];

  before(async () => {
    server = await startHttpsServer();
  });
  after(async () => {
    client.closeAll();
    await server.close();
  });
  beforeEach(() => {
    // Tokens `${CANARY}-1`, `${CANARY}-2`…: a new one at each issue, so a test sees which call it came from.
    credential = new FakeCredential({ prefix: `${CANARY}-` });
  });

  const client = localClients(
    () => server,
    () => ({
      env: {
        GALLERY_LOOKUP_MAX_RETRIES: "2",
        GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "300",
        GALLERY_LOOKUP_DEADLINE_MS: "60000",
      },
      credential,
      // Waits are recorded and skipped: the fake clock (sinon's) jumps instead.
      pacer: new Pacer(),
    }),
  );

  const failure = (promise: Promise<unknown>) => rejection(promise, errors);

  function onlyGets(count: number): void {
    assert.equal(server.requests.length, count, "request count");
    assert.ok(server.requests.every((r) => r.method === "GET"));
  }

  it("200: sends one GET with the bearer token and parses the gallery", async () => {
    server.reset((_req, res) => json(res, 200, GALLERY));
    const gallery = await client().getGallery(ref, {
      select: "Permissions",
      expand: "SharingProfile/Groups",
    });
    assert.deepEqual(gallery, GALLERY);
    onlyGets(1);
    const [req] = server.requests;
    assert.equal(
      req.url,
      `${PATH}?api-version=2025-03-03&%24select=Permissions&%24expand=SharingProfile%2FGroups`,
    );
    assert.equal(req.headers.authorization, `Bearer ${CANARY}-1`);
    assert.equal(req.headers.accept, "application/json");
    assert.ok(req.headers["x-ms-client-request-id"]);
  });

  it("200 concurrent lookups share one token", async () => {
    server.reset((_req, res) => json(res, 200, GALLERY));
    const c = client({ GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "5000" });
    await Promise.all(Array.from({ length: 200 }, () => c.getGallery(ref)));
    assert.equal(credential.calls, 1);
    onlyGets(200);
  });

  it("404 → GalleryNotFoundError, not retried", async () => {
    server.reset((_req, res) =>
      json(res, 404, { error: { code: "ResourceNotFound", message: "The Resource was not found." } }),
    );
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof GalleryNotFoundError);
    assert.equal(e.code, "ResourceNotFound");
    assert.equal(e.requestId, "req-404");
    onlyGets(1);
  });

  it("403 → AuthorizationFailedError, not retried", async () => {
    server.reset((_req, res) =>
      json(res, 403, {
        error: {
          code: "AuthorizationFailed",
          message: `The client 'c' with object id 'o' does not have authorization to perform action 'Microsoft.Compute/galleries/read' over scope '${PATH}' or the scope is invalid.`,
        },
      }),
    );
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof AuthorizationFailedError);
    assert.equal(e.scope, PATH);
    onlyGets(1);
  });

  it("401 once → fresh token, retried once, succeeds", async () => {
    server.reset((_req, res, i) =>
      i === 0
        ? json(res, 401, { error: { code: "ExpiredAuthenticationToken", message: "expired" } })
        : json(res, 200, GALLERY),
    );
    await client().getGallery(ref);
    onlyGets(2);
    assert.equal(credential.calls, 2);
    assert.equal(server.requests[1].headers.authorization, `Bearer ${CANARY}-2`);
  });

  it("401 always → AuthenticationFailedError after exactly one refresh", async () => {
    server.reset((_req, res) =>
      json(res, 401, {
        error: { code: "AuthenticationFailed", message: "The 'Authorization' header is missing." },
      }),
    );
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof AuthenticationFailedError);
    assert.match(e.message, /az login/);
    onlyGets(2);
  });

  it("50 lookups refused the same token share one renewal, and no later lookup sends the refused token", async () => {
    // The first token is revoked on the server's side: ARM refuses it; any other token is fine.
    const refused = `Bearer ${CANARY}-1`;
    server.reset((req, res) =>
      req.headers.authorization === refused
        ? json(res, 401, { error: { code: "InvalidAuthenticationToken", message: "revoked" } })
        : json(res, 200, GALLERY),
    );
    const c = client({ GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "5000" });
    await Promise.all(Array.from({ length: 50 }, () => c.getGallery(ref)));
    assert.equal(credential.calls, 2, "one token, then one renewal shared by the 50");
    await c.getGallery(ref);
    assert.equal(credential.calls, 2);
    const sent = server.requests.map((r) => r.headers.authorization);
    assert.equal(sent.filter((a) => a === refused).length, 50, "each of the 50 met the 401 once");
    assert.equal(sent.length, 101);
    assert.equal(sent.at(-1), `Bearer ${CANARY}-2`, "the later lookup sends the replacement at once");
  });

  it("429 with Retry-After seconds waits that long", async () => {
    server.reset((_req, res, i) =>
      i === 0
        ? json(res, 429, { error: { code: "TooManyRequests", message: "throttled" } }, { "retry-after": "3" })
        : json(res, 200, GALLERY),
    );
    await client().getGallery(ref);
    onlyGets(2);
    assert.deepEqual(sleeps(), [3000]);
  });

  it("429 with Retry-After as HTTP date waits until then", async () => {
    server.reset((_req, res, i) =>
      i === 0
        ? json(
            res,
            429,
            { error: { code: "TooManyRequests", message: "t" } },
            { "retry-after": new Date(Date.now() + 3000).toUTCString() },
          )
        : json(res, 200, GALLERY),
    );
    await client().getGallery(ref);
    onlyGets(2);
    assert.equal(sleeps().length, 1);
    assert.ok(sleeps()[0] >= 1000 && sleeps()[0] <= 4000, String(sleeps()[0]));
  });

  it("429 always → ThrottledError after 1 + MAX_RETRIES attempts", async () => {
    server.reset((_req, res) =>
      json(res, 429, { error: { code: "TooManyRequests", message: "t" } }, { "retry-after": "1" }),
    );
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof ThrottledError);
    assert.equal(e.retryAfterMs, 1000);
    assert.match(e.message, /3 attempts/);
    onlyGets(3);
  });

  it("429 asking to wait past the deadline fails fast", async () => {
    server.reset((_req, res) =>
      json(res, 429, { error: { code: "OperationNotAllowed", message: "t" } }, { "retry-after": "1200" }),
    );
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof ThrottledError);
    assert.equal(e.retryAfterMs, 1_200_000);
    assert.deepEqual(sleeps(), []);
    onlyGets(1);
  });

  it("503 without Retry-After backs off, then succeeds", async () => {
    server.reset((_req, res, i) =>
      i === 0
        ? json(res, 503, { error: { code: "ServiceUnavailable", message: "u" } })
        : json(res, 200, GALLERY),
    );
    time().setRandom(0.5);
    await client().getGallery(ref);
    onlyGets(2);
    assert.deepEqual(sleeps(), [250]);
  });

  it("500 always → ArmRequestError after 3 attempts with growing backoff", async () => {
    server.reset((_req, res) => json(res, 500, { error: { code: "InternalServerError", message: "oops" } }));
    time().setRandom(0.5);
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof ArmRequestError);
    assert.equal(e.status, 500);
    assert.deepEqual(sleeps(), [250, 500]);
    onlyGets(3);
  });

  it("ECONNRESET once → retried", async () => {
    server.reset((req, res, i) => (i === 0 ? req.socket.destroy() : json(res, 200, GALLERY)));
    await client().getGallery(ref);
    onlyGets(2);
  });

  it("ECONNRESET always → ConnectionError with only code and message", async () => {
    server.reset((req) => req.socket.destroy());
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.code, "ECONNRESET");
    assert.equal(e.cause, undefined);
    onlyGets(3);
  });

  it("a stalled answer hits the attempt timeout and is retried", async () => {
    server.reset(() => undefined);
    const started = Date.now();
    const e = await failure(client({ GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "200" }).getGallery(ref));
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.code, "ATTEMPT_TIMEOUT");
    onlyGets(3);
    assert.ok(Date.now() - started < 2000);
  });

  it("HTML from a proxy → InvalidResponseError naming status, content-type and request id", async () => {
    server.reset((_req, res) => {
      res.writeHead(200, { "content-type": "text/html", "x-ms-request-id": "req-html" });
      res.end("<html><body><h1>Sign in to the proxy</h1></body></html>");
    });
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof InvalidResponseError);
    assert.match(e.message, /HTTP 200/);
    assert.match(e.message, /text\/html/);
    assert.match(e.message, /req-html/);
    assert.match(e.message, /galleries\/galA/);
    onlyGets(1);
  });

  it("a body over GALLERY_LOOKUP_MAX_RESPONSE_BYTES → InvalidResponseError", async () => {
    server.reset((_req, res) => json(res, 200, { ...GALLERY, tags: { big: "x".repeat(200_000) } }));
    const e = await failure(client({ GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "65536" }).getGallery(ref));
    assert.ok(e instanceof InvalidResponseError);
    assert.match(e.message, /65536/);
    onlyGets(1);
  });

  it("an untrusted certificate → ConnectionError with a hint, not retried", async () => {
    server.reset((_req, res) => json(res, 200, GALLERY));
    const e = await failure(client({}, { ca: undefined }).getGallery(ref));
    assert.ok(e instanceof ConnectionError);
    assert.match(e.message, /NODE_EXTRA_CA_CERTS/);
    onlyGets(0);
  });

  it("credential failure → CredentialError, nothing sent", async () => {
    server.reset((_req, res) => json(res, 200, GALLERY));
    const failing: TokenCredential = {
      getToken: async () => {
        throw new Error(`token endpoint said no; client_secret=${CANARY}`);
      },
    };
    const e = await failure(client({}, { credential: failing }).getGallery(ref));
    assert.ok(e instanceof CredentialError);
    onlyGets(0);
  });

  it("a bad setting is a SettingsError before any token is requested", () => {
    assert.throws(
      () => client({ AZURE_RESOURCE_MANAGER_ENDPOINT: `https://u:${CANARY}@example.com` }),
      (e: unknown) => e instanceof SettingsError && !e.message.includes(CANARY),
    );
    assert.equal(credential.calls, 0);
  });

  it("defaultArmClient is per cloud and replaceable", () => {
    const mine = client();
    setDefaultArmClient(mine, "china");
    assert.equal(defaultArmClient("china"), mine);
    setDefaultArmClient(undefined, "china");
    const fresh = defaultArmClient("china");
    assert.notEqual(fresh, mine);
    assert.equal(fresh.settings.cloud, "china");
    assert.equal(defaultArmClient("china"), fresh);
    setDefaultArmClient(undefined, "china");
  });

  it("no error ever contains the token", () => {
    assert.ok(errors.length >= 10);
    for (const e of errors) {
      for (const text of [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10 })]) {
        assert.ok(!text.includes(CANARY), text);
        assert.ok(!/authorization/i.test(text) || !/bearer/i.test(text), text);
      }
    }
  });
});
