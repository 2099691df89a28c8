import assert from "node:assert/strict";
import { createServer } from "node:net";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import sinon from "sinon";
import { ConnectionError, InvalidResponseError } from "#internal/errors/index";
import { failure as rejection } from "../support/failure";
import { startHttpsServer, type TestHttpsServer } from "../support/httpsServer";
import { localClients } from "../support/localClients";
import { FakeCredential } from "../support/fakeCredential";
import { GALLERY, ref } from "../support/transportFixtures";
import { canaryToken } from "../support/canaries";

/** The start of every token the credential issues. */
const TOKEN = canaryToken("axios-");
const credential = new FakeCredential({ prefix: TOKEN });

describe("the axios transport against hostile servers", function () {
  this.timeout(20_000);
  let server: TestHttpsServer;
  let elsewhere: TestHttpsServer;
  const errors: Error[] = [];

  before(async () => {
    server = await startHttpsServer();
    elsewhere = await startHttpsServer((_req, res) => res.end(JSON.stringify(GALLERY)));
  });
  after(async () => {
    client.closeAll();
    await server.close();
    await elsewhere.close();
  });

  const client = localClients(
    () => server,
    () => ({
      env: { GALLERY_LOOKUP_MAX_RETRIES: "0", GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "2000" },
      credential,
    }),
  );

  const failure = (promise: Promise<unknown>) => rejection(promise, errors);

  it("does not follow a redirect: the token never reaches the Location", async () => {
    server.reset((_req, res) => {
      res.writeHead(307, { location: `${elsewhere.url}/steal` });
      res.end();
    });
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof InvalidResponseError, String(e));
    assert.match(e.message, /HTTP 307/);
    assert.equal(server.requests.length, 1);
    assert.equal(elsewhere.requests.length, 0);
  });

  it("a refused connection is a ConnectionError with the socket's code", async () => {
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const port = (probe.address() as { port: number }).port;
    await new Promise((r) => probe.close(r));
    const e = await failure(
      client({ AZURE_RESOURCE_MANAGER_ENDPOINT: `https://127.0.0.1:${port}` }).getGallery(ref),
    );
    assert.ok(e instanceof ConnectionError, String(e));
    assert.equal(e.code, "ECONNREFUSED");
  });

  it("a body that trickles past the attempt timeout is cut at the timeout, not when the socket idles", async () => {
    server.reset((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const timer = setInterval(() => res.write(" "), 50);
      res.on("close", () => clearInterval(timer));
    });
    const started = Date.now();
    const e = await failure(client({ GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "400" }).getGallery(ref));
    assert.ok(e instanceof ConnectionError, String(e));
    assert.equal(e.code, "ATTEMPT_TIMEOUT");
    assert.match(e.message, /no answer within 400 ms/);
    assert.ok(Date.now() - started < 3000);
  });

  it("a chunked answer without Content-Length is read whole under the cap and refused over it", async () => {
    const big = { ...GALLERY, tags: { t: "x".repeat(150_000) } };
    server.reset((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      const text = JSON.stringify(big);
      for (let i = 0; i < text.length; i += 10_000) res.write(text.slice(i, i + 10_000));
      res.end();
    });
    assert.deepEqual(await client().getGallery(ref), big);
    const e = await failure(client({ GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "100000" }).getGallery(ref));
    assert.ok(e instanceof InvalidResponseError, String(e));
    assert.match(e.message, /100000/);
  });

  it("a gzip answer is inflated, and a gzip bomb is cut at the cap of inflated bytes", async () => {
    let body = gzipSync(JSON.stringify(GALLERY));
    server.reset((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-encoding": "gzip" });
      res.end(body);
    });
    assert.deepEqual(await client().getGallery(ref), GALLERY);
    body = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20));
    assert.ok(body.length < 100_000);
    const e = await failure(client({ GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "1048576" }).getGallery(ref));
    assert.ok(e instanceof InvalidResponseError, String(e));
  });

  it("an answer declaring more than the cap is refused before its body is read", async () => {
    server.reset((_req, res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "999999999" });
      res.write("{");
    });
    const e = await failure(client().getGallery(ref));
    assert.ok(e instanceof InvalidResponseError, String(e));
  });

  it("a request waiting for one of the 64 sockets is not timed out while it waits: none is sent, abandoned and sent again", async () => {
    let abandoned = 0;
    server.reset((_req, res) => {
      res.on("close", () => {
        if (!res.writableFinished) abandoned += 1;
      });
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(GALLERY));
      }, 600);
    });
    // Five rounds of 64 at 600 ms each: the last rounds wait longer for a socket than an attempt may
    // last, while one GET on the wire (TLS handshake under load included) takes well under it.
    const c = client({ GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "1500", GALLERY_LOOKUP_MAX_RETRIES: "3" });
    const results = await Promise.allSettled(Array.from({ length: 320 }, () => c.getGallery(ref)));
    assert.deepEqual(
      results.filter((r) => r.status === "rejected").map((r) => String(r.reason)),
      [],
    );
    assert.equal(abandoned, 0, "GETs abandoned after they were sent");
    assert.equal(server.requests.length, 320, "one GET per lookup");
  });

  for (const trust of ["an extra CA", "Node's own trust store"] as const) {
    it(`every connection of a client shares one TLS context (${trust}), rather than one each`, async () => {
      // Six lookups at once open six connections (the server holds each answer); Node would make a TLS
      // context for each, about a third more CPU per connection (docs/performance.md). Without an extra
      // CA the server is not trusted and each connection fails its handshake: the contexts count the same.
      server.reset((_req, res) => setTimeout(() => res.end(JSON.stringify(GALLERY)), 200));
      // The module object itself, which Node's TLS code calls through (an import would be a copy).
      const tls = require("node:tls") as typeof import("node:tls");
      const contexts = sinon.spy(tls, "createSecureContext");
      try {
        const c = client({}, trust === "an extra CA" ? {} : { ca: undefined });
        const results = await Promise.allSettled(Array.from({ length: 6 }, () => c.getGallery(ref)));
        if (trust === "an extra CA") {
          assert.deepEqual(
            results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status)),
            Array(6).fill("fulfilled"),
          );
          assert.equal(server.requests.length, 6);
        } else {
          for (const r of results) {
            assert.equal(r.status, "rejected");
            assert.ok(r.reason instanceof ConnectionError, String(r.reason));
            assert.match(r.reason.message, /not trusted/);
          }
        }
        assert.equal(contexts.callCount, 1, "TLS contexts made");
      } finally {
        contexts.restore();
      }
    });
  }

  it("no error carries axios's config, request, headers or the token", () => {
    assert.ok(errors.length >= 6);
    for (const e of errors) {
      assert.equal((e as { cause?: unknown }).cause, undefined);
      for (const text of [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10 })]) {
        assert.ok(!text.includes(TOKEN), text);
        assert.ok(!/Bearer|AxiosHeaders|AxiosError|ClientRequest|httpsAgent/.test(text), text);
      }
    }
  });
});
