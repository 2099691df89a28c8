import assert from "node:assert/strict";
import {
  createPipelineRequest,
  getDefaultProxySettings,
  proxyPolicy,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import * as fc from "fast-check";
import { bypassesProxy, proxyFor, readProxyRule } from "#internal/arm/proxyRule";
import { applyEnv } from "../support/environment";

/** Whether the Azure SDK's own proxyPolicy (what @azure/identity runs) would proxy `url`. */
async function azureProxies(url: string, noProxy: string[]): Promise<boolean> {
  const policy = proxyPolicy({ host: "http://proxy.test", port: 8080 }, { customNoProxyList: noProxy });
  let seen: PipelineRequest | undefined;
  await policy.sendRequest(createPipelineRequest({ url }), async (request) => {
    seen = request;
    return { request, status: 200, headers: request.headers };
  });
  return seen?.agent !== undefined;
}

const PROXY_NAMES = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"];

describe("the proxy rule matches @azure/core-rest-pipeline's proxyPolicy", () => {
  it("NO_PROXY: same decision as the Azure SDK for any host and list (property)", async () => {
    const label = fc.constantFrom("contoso", "com", "management", "azure", "a", "127", "0", "1", "Contoso");
    const host = fc.array(label, { minLength: 1, maxLength: 4 }).map((parts) => parts.join("."));
    const entry = fc.oneof(
      host,
      host.map((h) => `.${h}`),
      host.map((h) => `${h}:443`),
      fc.constantFrom("*", " ", "localhost", ".com", "127.0.0.1"),
    );
    await fc.assert(
      fc.asyncProperty(host, fc.array(entry, { maxLength: 4 }), async (target, entries) => {
        const url = `https://${target}/subscriptions/x`;
        fc.pre(URL.canParse(url)); // "contoso.0" is a malformed IPv4 address to the URL parser
        const noProxy = readProxyRule({ NO_PROXY: entries.join(",") }).noProxy;
        const expected = await azureProxies(url, [...noProxy]);
        assert.equal(!bypassesProxy(url, noProxy), expected, `${url} with NO_PROXY=${entries.join(",")}`);
      }),
      { numRuns: 300 },
    );
  });

  it("which variable names the proxy: same as the Azure SDK for any set of them (property)", () => {
    fc.assert(
      fc.property(fc.subarray(PROXY_NAMES), (names) => {
        const env: Record<string, string> = {};
        names.forEach((n, i) => (env[n] = `http://proxy-${i}.test:${8000 + i}`));
        const only = Object.fromEntries(PROXY_NAMES.map((n) => [n, env[n]]));
        const restore = applyEnv(only);
        try {
          const theirs = getDefaultProxySettings();
          const ours = readProxyRule(env).proxy;
          assert.equal(ours?.hostname, theirs?.host.replace(/^http:\/\//, ""));
          assert.equal(ours === undefined ? undefined : Number(ours.port), theirs?.port);
        } finally {
          restore();
        }
      }),
      { numRuns: 200 },
    );
  });

  it("proxyFor: the proxy unless NO_PROXY exempts the host; none without a proxy variable", () => {
    const rule = readProxyRule({ HTTPS_PROXY: "http://u:p@proxy.test:3128", NO_PROXY: ".azure.com" });
    assert.equal(proxyFor("https://management.azure.com/x", rule), undefined);
    assert.equal(proxyFor("https://management.usgovcloudapi.net/x", rule)?.host, "proxy.test:3128");
    assert.equal(proxyFor("https://management.azure.com/x", readProxyRule({})), undefined);
    assert.equal(readProxyRule({ HTTPS_PROXY: "http://proxy.test:3128" }).variable, "HTTPS_PROXY");
  });
});
