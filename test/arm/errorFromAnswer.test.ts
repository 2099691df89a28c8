import { createHttpHeaders } from "@azure/core-rest-pipeline";
import assert from "node:assert/strict";
import { errorFromAnswer } from "#internal/arm/errorFromAnswer";
import { galleryPath } from "#internal/arm/errorMessage";
import {
  ArmRequestError,
  AuthenticationFailedError,
  AuthorizationFailedError,
  GalleryNotFoundError,
  InvalidResponseError,
  ThrottledError,
} from "#internal/errors/index";

const ref = {
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroupName: "rg-img",
  galleryName: "galA",
};
const ctx = { attempts: 1, elapsedMs: 12 };
const answer = (status: number, error: object | string, headers: Record<string, string> = {}) => ({
  status,
  headers: createHttpHeaders({
    "x-ms-request-id": "req-123",
    "content-type": "application/json; charset=utf-8",
    ...headers,
  }),
  bodyAsText: typeof error === "string" ? error : JSON.stringify({ error }),
});

function assertNamesEverything(
  e: Error & { code?: string; requestId?: string; status?: number },
  code: string,
) {
  assert.ok(e.message.includes(galleryPath(ref)), e.message);
  assert.ok(e.message.includes(code), e.message);
  assert.ok(e.message.includes("req-123"), e.message);
  assert.equal(e.requestId, "req-123");
  assert.equal(e.code, code);
}

describe("errorFromAnswer: a final non-2xx answer → its error class and hint", () => {
  it("404 ResourceNotFound → GalleryNotFoundError naming gallery, group and subscription", () => {
    const msg =
      "The Resource 'Microsoft.Compute/galleries/galA' under resource group 'rg-img' was not found.";
    const e = errorFromAnswer(ref, answer(404, { code: "ResourceNotFound", message: msg }), ctx);
    assert.ok(e instanceof GalleryNotFoundError);
    assert.equal(e.status, 404);
    assert.deepEqual(e.gallery, ref);
    assertNamesEverything(e, "ResourceNotFound");
    assert.ok(e.message.includes(msg));
  });

  for (const code of ["ResourceGroupNotFound", "SubscriptionNotFound"]) {
    it(`404 ${code} → GalleryNotFoundError with the ARM code`, () => {
      const e = errorFromAnswer(ref, answer(404, { code, message: "could not be found." }), ctx);
      assert.ok(e instanceof GalleryNotFoundError);
      assertNamesEverything(e, code);
    });
  }

  it("403 AuthorizationFailed → action and scope parsed from the message", () => {
    const scope = `/subscriptions/${ref.subscriptionId}/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/galA`;
    const e = errorFromAnswer(
      ref,
      answer(403, {
        code: "AuthorizationFailed",
        message: `The client 'x' with object id 'y' does not have authorization to perform action 'Microsoft.Compute/galleries/read' over scope '${scope}' or the scope is invalid.`,
      }),
      ctx,
    );
    assert.ok(e instanceof AuthorizationFailedError);
    assert.equal(e.action, "Microsoft.Compute/galleries/read");
    assert.equal(e.scope, scope);
    assertNamesEverything(e, "AuthorizationFailed");
  });

  it("403 without action in the message defaults action and scope", () => {
    const e = errorFromAnswer(ref, answer(403, { code: "AuthorizationFailed", message: "no" }), ctx);
    assert.ok(e instanceof AuthorizationFailedError);
    assert.equal(e.action, "Microsoft.Compute/galleries/read");
    assert.ok(e.scope.endsWith("/providers/Microsoft.Compute/galleries/galA"));
  });

  it("401 → AuthenticationFailedError saying how to sign in", () => {
    const e = errorFromAnswer(
      ref,
      answer(401, { code: "InvalidAuthenticationTokenAudience", message: "aud" }),
      ctx,
    );
    assert.ok(e instanceof AuthenticationFailedError);
    assertNamesEverything(e, "InvalidAuthenticationTokenAudience");
    assert.match(e.message, /az login/);
  });

  it("429 → ThrottledError with retryAfterMs", () => {
    const e = errorFromAnswer(ref, answer(429, { code: "TooManyRequests", message: "throttled" }), {
      ...ctx,
      attempts: 5,
      retryAfterMs: 3000,
    });
    assert.ok(e instanceof ThrottledError);
    assert.equal(e.retryAfterMs, 3000);
    assertNamesEverything(e, "TooManyRequests");
    assert.match(e.message, /5 attempts/);
  });

  it("other → ArmRequestError", () => {
    const e = errorFromAnswer(ref, answer(400, { code: "NoRegisteredProviderFound", message: "api" }), ctx);
    assert.ok(e instanceof ArmRequestError);
    assert.equal(e.status, 400);
    assertNamesEverything(e, "NoRegisteredProviderFound");
  });

  it("a non-CloudError error body → InvalidResponseError with a sanitized excerpt", () => {
    const html = `<html><body>Blocked by proxy\u0000 Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.sig ${"x".repeat(5000)}</body></html>`;
    const e = errorFromAnswer(ref, answer(502, html, { "content-type": "text/html" }), ctx);
    assert.ok(e instanceof InvalidResponseError);
    assert.match(e.message, /text\/html/);
    assert.match(e.message, /HTTP 502/);
    assert.match(e.message, /req-123/);
    assert.ok(e.message.includes(galleryPath(ref)));
    assert.doesNotMatch(e.message, /eyJ|<html>/);
    assert.ok(!e.message.includes("\u0000"));
    assert.ok(e.message.length < 800);
  });
});
