import assert from "node:assert/strict";
import { getDefaultProxySettings } from "@azure/core-rest-pipeline";
import * as fc from "fast-check";
import { readProxyRule } from "#internal/settings/proxyRule";
import { applyEnv } from "../support/environment";

const PROXY_NAMES = ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy", "HTTP_PROXY", "http_proxy"];

describe("the proxy variables are read as @azure/core-rest-pipeline's proxyPolicy reads them", () => {
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

  it("the variable and NO_PROXY list read from the client's own environment", () => {
    const rule = readProxyRule({ HTTPS_PROXY: "http://u:p@proxy.test:3128", no_proxy: " .azure.com, ,x " });
    assert.equal(rule.proxy?.host, "proxy.test:3128");
    assert.equal(rule.variable, "HTTPS_PROXY");
    assert.deepEqual(rule.noProxy, [".azure.com", "x"]);
    assert.equal(readProxyRule({}).proxy, undefined);
  });
});
