// Every sign-in method's token requests follow the ARM requests' proxy rule (HTTPS_PROXY / NO_PROXY,
// the Azure SDK's rule): through the dynamic provider host, each connection the emulator accepts must
// have come through the logging CONNECT proxy, which sees hosts and ports only, never a token or secret;
// with NO_PROXY naming the emulator's host, the proxy sees nothing.
import { strict as assert } from "node:assert";
import { startConnectProxy, type ConnectProxy } from "../support/connectProxy";
import { LOOKUP_URN } from "../support/engineHarness";
import { CANARY, startSignInRig, type SignInRig } from "../support/signInRig";
import { SIGN_IN_ROWS, type SignInRow } from "../support/signInRows";

// One row of the Signing in table per method: secret, certificate, OIDC (file and GitHub's request), managed identity.
const PROXIED = [
  "client secret in stack config (azure-native:clientSecret as a secret), nothing in the environment",
  "client certificate, PFX with password (password as a stack config secret)",
  "OIDC with a token file (azure-native:useOidc + azure-native:oidcTokenFilePath)",
  "OIDC in GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, audience api://AzureADTokenExchange)",
  "system-assigned managed identity (ARM_USE_MSI, App Service endpoint)",
];
const METHODS: SignInRow[] = PROXIED.map(
  (how) => SIGN_IN_ROWS.find((row) => row.how === how) ?? assert.fail(`no Signing in row "${how}"`),
);

describe("engine: every sign-in method's token requests follow HTTPS_PROXY and NO_PROXY", function () {
  this.timeout(60_000);
  let rig: SignInRig;
  let proxy: ConnectProxy;

  before(async function () {
    this.timeout(120_000);
    rig = await startSignInRig();
    proxy = await startConnectProxy();
  });
  after(async () => {
    await proxy?.close();
    await rig?.close();
  });

  async function lookUp(method: SignInRow, proxyEnv: NodeJS.ProcessEnv): Promise<void> {
    const grants = rig.azure.identities.grants().length;
    const host = await rig.startHost(
      { ...rig.baseEnv, ...method.env(rig), ...proxyEnv },
      method.config?.(rig) ?? {},
    );
    try {
      const checked = await host.check(LOOKUP_URN, {}, rig.news);
      assert.deepEqual(checked.failures, [], host.stderr());
      assert.deepEqual(
        rig.azure.identities
          .grants()
          .slice(grants)
          .map((g) => g.clientId),
        [method.principal(rig)],
      );
    } finally {
      await host.close();
    }
  }

  for (const method of METHODS) {
    it(`${method.how}: token and ARM requests all through the tunnel, the proxy sees no secret`, async () => {
      proxy.clear();
      const connections = rig.azure.connections();
      const journal = rig.azure.journal().length;
      await lookUp(method, { HTTPS_PROXY: proxy.url });
      const kinds = rig.azure
        .journal()
        .slice(journal)
        .map((e) => e.kind);
      assert.ok(kinds.includes("token") && kinds.includes("arm"), kinds.join());
      const accepted = rig.azure.connections() - connections;
      assert.ok(accepted >= 2, `${accepted} connections`);
      assert.equal(
        proxy.connects.length,
        accepted,
        "every connection to the emulator came through the proxy",
      );
      assert.ok(
        proxy.connects.every((c) => c.status === 200 && c.target === new URL(rig.azure.armEndpoint).host),
      );
      assert.equal(proxy.plainRequests.length, 0);
      const seen = proxy.seenText();
      for (const canary of Object.values(CANARY)) assert.ok(!seen.includes(canary), canary);
      assert.ok(!/bearer/i.test(seen));
    });
  }

  it("NO_PROXY naming the emulator's host: every method goes direct", async () => {
    proxy.clear();
    for (const method of METHODS) await lookUp(method, { HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" });
    assert.equal(proxy.connects.length, 0);
  });
});
