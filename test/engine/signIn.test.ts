// Every row of the README's "Signing in" table, end to end: the settings a user of azure-native already
// has, a fresh dynamic provider host (the engine's own), its Configure call carrying the stack config as
// the engine sends it, then Check and Create against the emulator. Each lookup must succeed as the
// expected principal with one token, and no canary secret may show up anywhere the engine keeps or prints.
import { strict as assert } from "node:assert";
import { IDENTITY_DEFAULTS } from "#internal/emulator/identities";
import type { ProviderHost } from "#internal/preview/hostClient";
import { LOOKUP_URN } from "../support/engineHarness";
import { CANARY, secretValue, startSignInRig, type Props, type SignInRig } from "../support/signInRig";

interface Row {
  how: string;
  env: (rig: SignInRig) => NodeJS.ProcessEnv;
  config?: (rig: SignInRig) => Props;
  principal: (rig: SignInRig) => string;
  grant: string;
}

const sp = (rig: SignInRig, clientId: string) => ({
  ARM_TENANT_ID: rig.azure.tenantId,
  ARM_CLIENT_ID: clientId,
});
const noDiscovery = { ARM_DISABLE_INSTANCE_DISCOVERY: "true" };

const ROWS: Row[] = [
  {
    how: "client secret in ARM_* variables",
    env: (r) => ({ ...sp(r, r.azure.clientId), ARM_CLIENT_SECRET: CANARY.clientSecret, ...noDiscovery }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "client secret in stack config (azure-native:clientSecret as a secret), nothing in the environment",
    env: () => ({}),
    config: (r) => ({
      "azure-native:clientId": r.azure.clientId,
      "azure-native:tenantId": r.azure.tenantId,
      "azure-native:clientSecret": secretValue(CANARY.clientSecret),
      "azure-native:disableInstanceDiscovery": "true",
      "engine-test:unrelated": secretValue("CANARY-unrelated-config"),
    }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "client certificate, PEM with certificate and key",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pem,
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
  {
    how: "client certificate, PEM with an encrypted key and its password",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.encryptedPem,
      ARM_CLIENT_CERTIFICATE_PASSWORD: CANARY.certificatePassword,
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
  {
    how: "client certificate, PFX with password (password as a stack config secret)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pfx,
      ...noDiscovery,
    }),
    config: () => ({ "azure-native:clientCertificatePassword": secretValue(CANARY.certificatePassword) }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
  {
    how: "OIDC with a given token (ARM_USE_OIDC + ARM_OIDC_TOKEN, as Pulumi ESC's azure-login exports)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.federatedClientId),
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN: r.azure.identities.issueOidcToken(),
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
    grant: "federated_token",
  },
  {
    how: "OIDC with a token file (azure-native:useOidc + azure-native:oidcTokenFilePath)",
    env: (r) => sp(r, IDENTITY_DEFAULTS.federatedClientId),
    config: (r) => ({
      "azure-native:useOidc": "true",
      "azure-native:oidcTokenFilePath": r.files.oidcTokenFile,
      "azure-native:disableInstanceDiscovery": "true",
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
    grant: "federated_token",
  },
  {
    how: "OIDC in GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, audience api://AzureADTokenExchange)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.federatedClientId),
      ARM_USE_OIDC: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: r.azure.identities.githubRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: CANARY.githubRequestToken,
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
    grant: "federated_token",
  },
  {
    how: "system-assigned managed identity (ARM_USE_MSI, App Service endpoint)",
    env: (r) => ({
      ARM_USE_MSI: "true",
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
    grant: "managed_identity",
  },
  {
    how: "user-assigned managed identity (azure-native:useMsi + azure-native:clientId)",
    env: (r) => ({
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    config: () => ({
      "azure-native:useMsi": "true",
      "azure-native:clientId": IDENTITY_DEFAULTS.userIdentityClientId,
    }),
    principal: () => IDENTITY_DEFAULTS.userIdentityClientId,
    grant: "managed_identity",
  },
  {
    how: "Azure CLI: azure-native settings that select no method (ARM_TENANT_ID only)",
    env: (r) => ({ ARM_TENANT_ID: r.azure.tenantId, AZURE_TOKEN_CREDENTIALS: undefined }),
    principal: () => IDENTITY_DEFAULTS.cliClientId,
    grant: "client_secret",
  },
  {
    how: "AZURE_* variables (DefaultAzureCredential's EnvironmentCredential), as before",
    env: (r) => ({
      AZURE_TENANT_ID: r.azure.tenantId,
      AZURE_CLIENT_ID: r.azure.clientId,
      AZURE_CLIENT_SECRET: CANARY.clientSecret,
      AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
      GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: "true",
    }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "nothing set, on an App Service-style host: DefaultAzureCredential's managed identity link",
    // IDENTITY_ENDPOINT makes the managed identity link use that endpoint, never the metadata address.
    env: (r) => ({
      AZURE_TOKEN_CREDENTIALS: undefined,
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
    grant: "managed_identity",
  },
  {
    how: "azure-native:useDefaultAzureCredential, the chain narrowed to managed identity",
    env: (r) => ({
      AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    config: () => ({ "azure-native:useDefaultAzureCredential": "true" }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
    grant: "managed_identity",
  },
  // Precedence conflicts, resolved as azure-native resolves them.
  {
    how: "conflict: ARM_* client secret and AZURE_* client secret of another app → ARM_* (azure-native's)",
    env: (r) => ({
      ...sp(r, r.azure.clientId),
      ARM_CLIENT_SECRET: CANARY.clientSecret,
      AZURE_TENANT_ID: r.azure.tenantId,
      AZURE_CLIENT_ID: IDENTITY_DEFAULTS.cliClientId,
      AZURE_CLIENT_SECRET: CANARY.wrongSecret,
      ...noDiscovery,
    }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "conflict: stack config client secret and a wrong ARM_CLIENT_SECRET → the stack config",
    env: (r) => ({ ...sp(r, r.azure.clientId), ARM_CLIENT_SECRET: CANARY.wrongSecret, ...noDiscovery }),
    config: () => ({ "azure-native:clientSecret": secretValue(CANARY.clientSecret) }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "conflict: a certificate and a secret both set → the certificate (azure-native checks it first)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pem,
      ARM_CLIENT_SECRET: CANARY.wrongSecret,
      ARM_USE_MSI: "true",
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
];

describe("engine: sign in wherever azure-native does, as the same principal (README: Signing in)", function () {
  this.timeout(60_000);
  let rig: SignInRig;
  const everything: string[] = [];

  before(async function () {
    this.timeout(120_000);
    rig = await startSignInRig();
  });
  after(async () => rig?.close());

  for (const row of ROWS) {
    it(row.how, async () => {
      const before = rig.azure.identities.grants().length;
      const host: ProviderHost = await rig.startHost(
        { ...rig.baseEnv, ...row.env(rig) },
        row.config?.(rig) ?? {},
      );
      try {
        const checked = await host.check(LOOKUP_URN, {}, rig.news);
        assert.deepEqual(checked.failures, [], host.stderr());
        assert.equal(checked.inputs.uniqueName, `${rig.azure.subscriptionId}-MYMANAGEDIDENTITYGALLERY`);
        const created = await host.create(LOOKUP_URN, checked.inputs);
        const read = await host.read(created.id, LOOKUP_URN, created.properties, checked.inputs);
        assert.equal(read.id, created.id);
        const grants = rig.azure.identities.grants().slice(before);
        assert.deepEqual(
          grants,
          [{ clientId: row.principal(rig), grant: row.grant }],
          "one token, to the expected principal",
        );
        everything.push(
          JSON.stringify(checked),
          JSON.stringify(created),
          JSON.stringify(read),
          String(rig.news.__provider),
          host.stderr(),
        );
      } finally {
        await host.close();
      }
    });
  }

  it("a revoked token: the lookup signs in again with the same method past every cache, as the same principal", async () => {
    const env = {
      ...rig.baseEnv,
      ...sp(rig, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: rig.files.pfx,
      ...noDiscovery,
    };
    const config = { "azure-native:clientCertificatePassword": secretValue(CANARY.certificatePassword) };
    const before = rig.azure.identities.grants().length;
    const host = await rig.startHost(env, config);
    try {
      assert.deepEqual((await host.check(LOOKUP_URN, {}, rig.news)).failures, []);
      rig.azure.revokeTokens();
      const again = await host.check(LOOKUP_URN, {}, rig.news);
      assert.deepEqual(again.failures, [], host.stderr());
      const grants = rig.azure.identities.grants().slice(before);
      assert.deepEqual(
        grants.map((g) => g.clientId),
        [IDENTITY_DEFAULTS.certificateClientId, IDENTITY_DEFAULTS.certificateClientId],
      );
      everything.push(JSON.stringify(again), host.stderr());
    } finally {
      await host.close();
    }
  });

  it("no canary secret appears in inputs, outputs, the serialized provider, host logs or the emulator's journal", () => {
    assert.ok(everything.length >= ROWS.length * 5, "every row ran");
    const text = [...everything, JSON.stringify(rig.azure.journal())].join("\n");
    for (const canary of [...Object.values(CANARY), "CANARY-unrelated-config"]) {
      assert.ok(!text.includes(canary), `${canary} leaked`);
    }
  });

  it("a method missing a setting fails with the method, the setting that chose it and what to set, never the secret", async () => {
    const host = await rig.startHost({ ...rig.baseEnv, ARM_CLIENT_SECRET: CANARY.clientSecret });
    try {
      await assert.rejects(host.check(LOOKUP_URN, {}, rig.news), (error: Error) => {
        assert.match(
          error.message,
          /ClientSecretCredential \(client secret, chosen because ARM_CLIENT_SECRET is set\)/,
        );
        assert.match(error.message, /tenant ID \(stack config azure-native:tenantId or ARM_TENANT_ID\)/);
        assert.match(error.message, /client ID \(stack config azure-native:clientId or ARM_CLIENT_ID\)/);
        assert.ok(!error.message.includes(CANARY.clientSecret));
        return true;
      });
      assert.ok(!host.stderr().includes(CANARY.clientSecret));
    } finally {
      await host.close();
    }
  });

  it("a refused sign-in names the method, why, and what to check; the wrong secret is redacted", async () => {
    const before = rig.azure.identities.grants().length;
    const host = await rig.startHost(
      {
        ...rig.baseEnv,
        ...sp(rig, rig.azure.clientId),
        ...noDiscovery,
      },
      { "azure-native:clientSecret": secretValue(CANARY.wrongSecret) },
    );
    try {
      await assert.rejects(host.check(LOOKUP_URN, {}, rig.news), (error: Error) => {
        assert.match(
          error.message,
          /ClientSecretCredential \(client secret\), chosen because stack config azure-native:clientSecret is set/,
        );
        assert.match(error.message, /AADSTS7000215/);
        assert.match(error.message, /the secret's value, not its ID/);
        assert.ok(!error.message.includes(CANARY.wrongSecret), error.message);
        return true;
      });
      assert.ok(!host.stderr().includes(CANARY.wrongSecret));
      assert.equal(rig.azure.identities.grants().length, before);
    } finally {
      await host.close();
    }
  });
});
