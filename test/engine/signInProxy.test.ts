// Every sign-in method's token requests follow the ARM requests' proxy rule (HTTPS_PROXY / NO_PROXY,
// the Azure SDK's rule): through the dynamic provider host, each connection the emulator accepts must
// have come through the logging CONNECT proxy, which sees hosts and ports only, never a token or secret;
// with NO_PROXY naming the emulator's host, the proxy sees nothing.
import { strict as assert } from "node:assert";
import { startConnectProxy, type ConnectProxy } from "#internal/emulator/connectProxy";
import { IDENTITY_DEFAULTS } from "#internal/emulator/identities";
import { LOOKUP_URN } from "../support/engineHarness";
import { CANARY, secretValue, startSignInRig, type Props, type SignInRig } from "../support/signInRig";

interface Method {
  how: string;
  env: (rig: SignInRig) => NodeJS.ProcessEnv;
  config?: (rig: SignInRig) => Props;
  principal: (rig: SignInRig) => string;
}

const sp = (rig: SignInRig, clientId: string) => ({
  ARM_TENANT_ID: rig.azure.tenantId,
  ARM_CLIENT_ID: clientId,
  ARM_DISABLE_INSTANCE_DISCOVERY: "true",
});

const METHODS: Method[] = [
  {
    how: "client secret (stack config)",
    env: (r) => sp(r, r.azure.clientId),
    config: () => ({ "azure-native:clientSecret": secretValue(CANARY.clientSecret) }),
    principal: (r) => r.azure.clientId,
  },
  {
    how: "client certificate (PFX)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pfx,
      ARM_CLIENT_CERTIFICATE_PASSWORD: CANARY.certificatePassword,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
  },
  {
    how: "OIDC token file",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.federatedClientId),
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN_FILE_PATH: r.files.oidcTokenFile,
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
  },
  {
    how: "OIDC in GitHub Actions (the ID-token request too)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.federatedClientId),
      ARM_USE_OIDC: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: r.azure.identities.githubRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: CANARY.githubRequestToken,
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
  },
  {
    how: "managed identity (App Service endpoint)",
    env: (r) => ({
      ARM_USE_MSI: "true",
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
  },
];

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

  async function lookUp(method: Method, proxyEnv: NodeJS.ProcessEnv): Promise<void> {
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
