// Issue 9: what a hostile review found, each through the public API against a hostile HTTPS server on
// 127.0.0.1 or the emulator. Time is sinon's fake timers: waits are recorded, not waited (no timed assertions).
import { strict as assert } from "node:assert";
import { inspect } from "node:util";
import { getGallery } from "pulumi-azure-gallery-lookup";
import type { ArmClient, ArmClientOptions } from "#internal/arm/armClient";
import { MAX_SHARED_BLOCK_MS, Pacer } from "#internal/arm/pacer";
import {
  ArmRequestError,
  ConnectionError,
  GalleryLookupError,
  InvalidArgumentError,
  InvalidResponseError,
  SettingsError,
  ThrottledError,
} from "#internal/errors/index";
import { UNKNOWN } from "#internal/gallery/unknowns";
import { galleryId, startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { FakeCredential } from "../support/fakeCredential";
import { failure } from "../support/failure";
import { emulatorEndpoint, localClient, localClients } from "../support/localClients";
import { assertOnlyGets } from "../support/reliability";
import { sendJson, startHttpsServer, type TestHttpsServer } from "../support/httpsServer";
import { withEnv } from "../support/environment";
import { fakeTime, realNow, type FakeTime } from "../support/fakeTime";

const SUB = "11111111-2222-3333-4444-555555555555";
const ref = { subscriptionId: SUB, resourceGroupName: "rg-img", galleryName: "galA" };
const ID = `/subscriptions/${SUB}/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/galA`;
const READS = "x-ms-ratelimit-remaining-subscription-reads";

const json = sendJson;

describe("hardening (issue 9) against a hostile HTTPS server", function () {
  this.timeout(30_000);
  let server: TestHttpsServer;
  let time: FakeTime;
  const sleeps = () => time.waits();
  before(async () => (server = await startHttpsServer()));
  after(async () => {
    client.closeAll();
    await server.close();
  });
  // Waits are recorded and skipped: the fake clock (shared by client and pacer) jumps instead.
  beforeEach(() => (time = fakeTime({ random: 0 })));
  afterEach(() => time.restore());

  const client = localClients(
    () => server,
    () => ({
      env: { GALLERY_LOOKUP_MAX_RETRIES: "2", GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "2000" },
      credential: new FakeCredential(),
      pacer: new Pacer(),
    }),
  );

  describe("item 2: one rate-limit header cannot poison the pacer", () => {
    for (const first of ["999999999999", "11999"]) {
      it(`a first answer reporting ${first} reads, then ARM's 249: no long waits, every lookup sent`, async () => {
        server.reset((_q, res, i) => json(res, 200, { id: ID }, { [READS]: i === 0 ? first : "249" }));
        const c = client();
        for (let i = 0; i < 30; i++) await c.getGallery(ref);
        assert.equal(server.requests.length, 30);
        assert.ok(Math.max(0, ...sleeps()) <= 100, `longest wait ${Math.max(...sleeps())} ms`);
      });
    }
  });

  it("item 3: an endpoint without the remaining-reads header is never paced (300 at once)", async () => {
    server.reset((_q, res) => json(res, 200, { id: ID }));
    const c = client();
    const results = await Promise.allSettled(Array.from({ length: 300 }, () => c.getGallery(ref)));
    assert.equal(results.filter((r) => r.status === "fulfilled").length, 300);
    assert.deepEqual(sleeps(), [], "no wait at all");
    assert.equal(server.requests.length, 300);
  });

  describe("item 4: status and class say what ARM really answered", () => {
    it("resets and 503s of 300 concurrent lookups are ConnectionError / ArmRequestError, never a 429", async () => {
      for (const fault of ["reset", "503"] as const) {
        server.reset((req, res) => {
          if (fault === "reset") req.socket.destroy();
          else json(res, 503, { error: { code: "ServerBusy", message: "Busy." } });
        });
        // A deadline far off: 300 lookups queue for 64 sockets (each reset costs a new TLS handshake), and
        // a lookup still queued at its deadline is rightly a LookupTimeoutError, which is not this test's point.
        const env = { GALLERY_LOOKUP_MAX_RETRIES: "1", GALLERY_LOOKUP_DEADLINE_MS: "30000" };
        const c = client(env);
        const results = await Promise.allSettled(Array.from({ length: 300 }, () => c.getGallery(ref)));
        const errors = results.map((r) =>
          r.status === "rejected" ? (r.reason as GalleryLookupError) : undefined,
        );
        const expected = fault === "reset" ? ConnectionError : ArmRequestError;
        for (const e of errors) {
          assert.ok(e instanceof expected, `${fault}: ${e?.name}: ${e?.message}`);
          assert.equal(e.status, fault === "reset" ? undefined : 503);
        }
      }
    });

    it("a 503 asking to retry past the deadline is an ArmRequestError with status 503", async () => {
      server.reset((_q, res) =>
        json(res, 503, { error: { code: "ServerBusy", message: "Busy." } }, { "retry-after": "600" }),
      );
      const e = await failure(client({ GALLERY_LOOKUP_DEADLINE_MS: "5000" }).getGallery(ref));
      assert.ok(e instanceof ArmRequestError, e.name);
      assert.equal(e.status, 503);
      assert.match(e.message, /ARM asked to retry after 600000 ms, past the deadline of 5000 ms/);
      assert.equal(server.requests.length, 1);
    });

    it("a lookup held back past its deadline by another lookup's 429 has no status", async () => {
      const pacer = new Pacer();
      server.reset((_q, res) =>
        json(res, 429, { error: { code: "TooManyRequests", message: "x" } }, { "retry-after": "30" }),
      );
      const first = await failure(client({ GALLERY_LOOKUP_DEADLINE_MS: "5000" }, { pacer }).getGallery(ref));
      assert.ok(first instanceof ThrottledError);
      assert.equal(first.status, 429);
      const held = await failure(client({ GALLERY_LOOKUP_DEADLINE_MS: "5000" }, { pacer }).getGallery(ref));
      assert.ok(held instanceof ThrottledError);
      assert.equal(held.status, undefined, "this lookup never got a 429");
      assert.match(held.message, /ARM answered 429 to another lookup/);
      assert.equal(server.requests.length, 1);
    });
  });

  describe("item 5: the answer must be the gallery asked for", () => {
    const others = {
      "another subscription": { id: ID.replace(SUB, "99999999-2222-3333-4444-555555555555") },
      "another resource group": { id: ID.replace("rg-img", "rg-other") },
      "another gallery": { id: ID.replace("galA", "galB") },
      "another resource type": {
        id: ID.replace("Microsoft.Compute/galleries", "Microsoft.Storage/storageAccounts"),
      },
      "no id": {},
      "an empty id": { id: "" },
      "an id that is not a string": { id: 42 },
    };
    for (const [what, body] of Object.entries(others)) {
      it(`refuses ${what} with InvalidResponseError`, async () => {
        server.reset((_q, res) => json(res, 200, { ...body, name: "galA" }));
        const e = await failure(getGallery({ ...ref }, { client: client() }));
        assert.ok(e instanceof InvalidResponseError, e.message);
        assert.match(e.message, /an answer for another resource/);
        assert.equal(server.requests.length, 1, "not retried");
      });
    }
    it("accepts the id in another letter case, as ARM compares ids", async () => {
      server.reset((_q, res) => json(res, 200, { id: ID.toUpperCase(), name: "GALA" }));
      const result = await getGallery({ ...ref }, { client: client() });
      assert.equal(result.id, ID.toUpperCase());
    });
  });

  describe("item 7: the token and control characters never reach an error", () => {
    it("redacts the exact token a server echoes, in the message, request id, code and every field", async () => {
      // Opaque, not JWT-shaped: only an exact-match redaction can catch it. The server echoes the token
      // it was sent, so the redaction must know the token of this very request.
      let token = "";
      server.reset((q, res) => {
        token = String(q.headers.authorization).replace(/^Bearer /, "");
        json(
          res,
          403,
          {
            error: {
              code: `AuthorizationFailed${token}`,
              message: `The client with token ${token} does not have authorization to perform action 'x/${token}' over scope '/s/${token}'.`,
            },
          },
          { "x-ms-request-id": `rid-${token}` },
        );
      });
      const e = await failure(client().getGallery(ref));
      for (const text of [e.message, e.stack ?? "", inspect(e, { depth: 5 }), JSON.stringify(e)]) {
        assert.ok(token.length > 20 && !text.includes(token), text);
      }
      assert.match(e.message, /\[redacted\]/);
    });

    it("escapes control and bidi characters from the server and from the arguments in ArmClient messages", async () => {
      server.reset((_q, res) =>
        json(res, 404, { error: { code: "ResourceNotFound", message: "gone\u202e\u0007\u009b[2J" } }),
      );
      const evil = { ...ref, galleryName: "gal\u202eA\u001b[31m" };
      const e = await failure(client().getGallery(evil));
      // eslint-disable-next-line no-control-regex -- finding control characters is the point
      assert.doesNotMatch(e.message, /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/);
      assert.match(e.message, /gal\\u202eA\\u001b\[31m/);
      assert.match(e.message, /gone\\u202e\\u0007\\u009b\[2J/);
    });
  });

  describe("item 8: Retry-After cannot block the process for hours", () => {
    it("a 429 asking for a day fails its own lookup at once and holds the others back at most a minute", async () => {
      const pacer = new Pacer();
      let n = 0;
      server.reset((_q, res) =>
        n++ === 0
          ? json(res, 429, { error: { code: "TooManyRequests", message: "x" } }, { "retry-after": "86400" })
          : json(res, 200, { id: ID }),
      );
      const first = await failure(client({}, { pacer }).getGallery(ref));
      assert.ok(first instanceof ThrottledError);
      assert.equal(first.retryAfterMs, 86_400_000);
      await client({}, { pacer }).getGallery(ref);
      assert.ok(
        sleeps().every((ms) => ms <= MAX_SHARED_BLOCK_MS),
        String(sleeps()),
      );
      assert.equal(server.requests.length, 2);
    });

    it("an HTTP-date Retry-After is read against the answer's Date, not a skewed clock", async () => {
      for (const skew of [
        { server: 3_600_000, client: 0 },
        { server: 0, client: -3_600_000 },
      ]) {
        time.restore();
        time = fakeTime({ now: realNow() + skew.client, random: 0 });
        let n = 0;
        server.reset((_q, res) => {
          const serverNow = realNow() + skew.server;
          if (n++ > 0) return json(res, 200, { id: ID });
          json(
            res,
            429,
            { error: { code: "TooManyRequests", message: "x" } },
            {
              date: new Date(serverNow).toUTCString(),
              "retry-after": new Date(serverNow + 3000).toUTCString(),
            },
          );
        });
        await client().getGallery(ref);
        const waited = Math.max(...sleeps());
        assert.ok(waited >= 2000 && waited <= 4000, `skew ${JSON.stringify(skew)}: waited ${waited} ms`);
      }
    });
  });

  it("item 9: an ARM endpoint whose certificate is not trusted says so and names the remedy", async () => {
    server.reset((_q, res) => json(res, 200, { id: ID }));
    const e = await failure(client({}, { ca: undefined }).getGallery(ref));
    assert.ok(e instanceof ConnectionError);
    assert.match(e.message, /certificate is not trusted.*NODE_EXTRA_CA_CERTS/);
    assert.doesNotMatch(e.message, /az login/);
  });
});

describe("hardening (issue 9) against the emulator", function () {
  this.timeout(30_000);
  let azure: EmulatorHandle;
  const RG = "rg-Müller-表";
  before(async () => {
    azure = await startEmulator({ throttle: false });
  });
  after(() => azure.close());

  function emulatorClient(extra: Partial<ArmClientOptions> = {}): ArmClient {
    return localClient(emulatorEndpoint(azure), {
      credential: new FakeCredential({ emulator: azure }),
      ...extra,
    });
  }

  it("item 6: a resource group with Unicode letters and digits is valid, as ARM's rule is", async () => {
    azure.putGallery({
      subscriptionId: azure.subscriptionId,
      resourceGroupName: RG,
      gallery: { name: "unicodeGallery", location: "westus", properties: {} },
    });
    // The emulator knows resource groups from its seeds: this one is created with the gallery.
    const c = emulatorClient();
    const result = await getGallery(
      { subscriptionId: azure.subscriptionId, resourceGroupName: RG, galleryName: "unicodeGallery" },
      { client: c },
    );
    assert.equal(result.id, galleryId(azure.subscriptionId, RG, "unicodeGallery"));
    c.close();
    assertOnlyGets(azure);
  });

  it("item 6: select and expand in any letter case are sent in ARM's spelling", async () => {
    const c = emulatorClient();
    azure.clearJournal();
    const result = await getGallery(
      {
        subscriptionId: azure.subscriptionId,
        resourceGroupName: azure.resourceGroupName,
        galleryName: "myGalleryName",
        select: "permissions" as "Permissions",
        expand: "sharingprofile/groups" as "SharingProfile/Groups",
      },
      { client: c },
    );
    assert.equal(result.id, galleryId(azure.subscriptionId, azure.resourceGroupName, "myGalleryName"));
    const [entry] = azure.journal().filter((j) => j.kind === "arm");
    assert.equal(entry.query.$expand, "SharingProfile/Groups");
    assert.equal(entry.query.$select, "Permissions");
    c.close();
  });

  it("item 6: Pulumi's unknown value passed as a plain value gets a clear message", async () => {
    const e = await failure(
      getGallery({ subscriptionId: azure.subscriptionId, resourceGroupName: "rg", galleryName: UNKNOWN }),
    );
    assert.ok(e instanceof InvalidArgumentError);
    assert.match(e.message, /^galleryName: is Pulumi's unknown value .*getGalleryOutput/);
  });

  it("item 9: a bad ARM_ENVIRONMENT is a SettingsError naming it, listed with every other bad setting", async () => {
    const e = await withEnv({ ARM_ENVIRONMENT: "AzureMars", GALLERY_LOOKUP_MAX_RETRIES: "many" }, () =>
      failure(
        getGallery({ subscriptionId: azure.subscriptionId, resourceGroupName: "rg", galleryName: "g" }),
      ),
    );
    assert.ok(e instanceof SettingsError, `${e.name}: ${e.message}`);
    assert.equal(e.setting, "ARM_ENVIRONMENT, GALLERY_LOOKUP_MAX_RETRIES");
    assert.match(e.message, /ARM_ENVIRONMENT must name an Azure cloud/);
  });

  it("item 9: the emulator's certificate without its CA names NODE_EXTRA_CA_CERTS, not a sign-in", async () => {
    const c = emulatorClient({ ca: undefined });
    const e = await failure(
      c.getGallery({ subscriptionId: azure.subscriptionId, resourceGroupName: "r", galleryName: "g" }),
    );
    assert.ok(e instanceof ConnectionError, e.message);
    assert.match(e.message, /NODE_EXTRA_CA_CERTS/);
    c.close();
  });
});
