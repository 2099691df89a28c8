import assert from "node:assert/strict";
import { createEmptyPipeline, type PipelineResponse } from "@azure/core-rest-pipeline";
import type { AccessToken } from "@azure/identity";
import type { TokenRequest } from "#internal/auth/credential";
import { armBearerTokenPolicy } from "#internal/arm/policies/armBearerTokenPolicy";
import { tokenRenewalOf } from "#internal/arm/policies/tokenRenewal";
import { lookupRequest, scriptedHttpClient, type Step } from "../support/scriptedHttpClient";

const CLAIMS = Buffer.from('{"access_token":{"nbf":{"essential":true,"value":"1"}}}').toString("base64");
const claimsChallenge = {
  "www-authenticate": `Bearer realm="", error="insufficient_claims", claims="${CLAIMS}"`,
};

/** A token source that hands out `tokens` in order (the last one repeats) and records each request. */
function tokens(...values: string[]) {
  const asked: TokenRequest[] = [];
  const acquire = async (request: TokenRequest = {}): Promise<AccessToken> => {
    asked.push(request);
    const token = values[Math.min(asked.length - 1, values.length - 1)];
    return { token, expiresOnTimestamp: Date.now() + 3_600_000 };
  };
  return {
    asked,
    source: { acquire, credentialName: () => "TestCredential", scope: "s/.default", deadlineMs: 1000 },
  };
}

async function send(steps: Step[], source: ReturnType<typeof tokens>["source"], url?: string) {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(armBearerTokenPolicy(source), { phase: "Sign" });
  const httpClient = scriptedHttpClient(steps);
  const response: PipelineResponse = await pipeline.sendRequest(httpClient, lookupRequest(1000, url));
  return { response, sent: httpClient.sent.map((s) => s.authorization) };
}

describe("armBearerTokenPolicy: the library's bearer policy with our challenge callbacks", () => {
  it("signs the request and notes nothing on an answer that is not a 401", async () => {
    const { source } = tokens("t1");
    const { response, sent } = await send([200], source);
    assert.deepEqual(sent, ["Bearer t1"]);
    assert.equal(tokenRenewalOf(response), undefined);
  });

  it("a plain 401 earns one token from past every cache; its refusal is noted as bypassCache", async () => {
    const { source, asked } = tokens("t1", "t2");
    const { response, sent } = await send([401], source);
    assert.deepEqual(sent, ["Bearer t1", "Bearer t2"], "exactly one renewal");
    assert.equal(asked[1]?.bypassCache, true);
    assert.equal(tokenRenewalOf(response), "bypassCache");
  });

  it("a renewal that hands back the refused token is not sent, and is noted as sameToken", async () => {
    const { source } = tokens("t1");
    const { response, sent } = await send([401], source);
    assert.deepEqual(sent, ["Bearer t1"]);
    assert.equal(tokenRenewalOf(response), "sameToken");
  });

  it("a claims challenge is met by the library with the claims; its refusal is noted as claims", async () => {
    const { source, asked } = tokens("t1", "t2");
    const { response, sent } = await send([[401, claimsChallenge]], source);
    assert.deepEqual(sent, ["Bearer t1", "Bearer t2"]);
    assert.ok(asked[1]?.claims, "the second token was asked with the challenge's claims");
    assert.equal(tokenRenewalOf(response), "claims");
  });

  it("a claims challenge answered by a 200 notes nothing", async () => {
    const { source } = tokens("t1", "t2");
    const { response } = await send([[401, claimsChallenge], 200], source);
    assert.equal(response.status, 200);
    assert.equal(tokenRenewalOf(response), undefined);
  });

  it("signs a plain-http loopback request (an emulator) and sends it to its own URL", async () => {
    const { source } = tokens("t1");
    const url =
      "http://127.0.0.1:1/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g";
    const pipeline = createEmptyPipeline();
    pipeline.addPolicy(armBearerTokenPolicy(source));
    const httpClient = scriptedHttpClient([200]);
    await pipeline.sendRequest(httpClient, lookupRequest(1000, url));
    assert.deepEqual(httpClient.sent, [{ url, authorization: "Bearer t1" }]);
  });
});
