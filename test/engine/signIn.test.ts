// Every row of the README's "Signing in" table, end to end: the settings a user of azure-native already
// has, a fresh dynamic provider host (the engine's own), its Configure call carrying the stack config as
// the engine sends it, then Check, Create and a second Check against the emulator. Each lookup must succeed as the
// expected principal with one token, and no canary secret may show up anywhere the engine keeps or prints.
import { strict as assert } from "node:assert";
import type { ProviderHost } from "#internal/preview/hostClient";
import { LOOKUP_URN } from "../support/engineHarness";
import { IDENTITY_DEFAULTS } from "#internal/emulator/identities";
import { CANARY, secretValue, startSignInRig, type SignInRig } from "../support/signInRig";
import { noDiscovery, SIGN_IN_ROWS as ROWS, sp } from "../support/signInRows";

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
        assert.match(created.id, /\/providers\/Microsoft\.Compute\/galleries\/myManagedIdentityGallery$/);
        // The next lookup in the same host signs in no more: the grants below stay one.
        const again = await host.check(LOOKUP_URN, checked.inputs, rig.news);
        assert.equal(again.inputs.uniqueName, checked.inputs.uniqueName);
        const grants = rig.azure.identities.grants().slice(before);
        assert.deepEqual(
          grants,
          [{ clientId: row.principal(rig), grant: row.grant }],
          "one token, to the expected principal",
        );
        everything.push(
          JSON.stringify(checked),
          JSON.stringify(created),
          JSON.stringify(again),
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
      // A failed sign-in is the lookup's check failure, shown once (not thrown, which the host logs again).
      const { failures } = await host.check(LOOKUP_URN, {}, rig.news);
      assert.equal(failures.length, 1);
      const reason = failures[0].reason;
      assert.equal(failures[0].property, "");
      assert.match(
        reason,
        /ClientSecretCredential \(client secret, chosen because ARM_CLIENT_SECRET is set\)/,
      );
      assert.match(reason, /tenant ID \(stack config azure-native:tenantId or ARM_TENANT_ID\)/);
      assert.match(reason, /client ID \(stack config azure-native:clientId or ARM_CLIENT_ID\)/);
      assert.ok(!reason.includes(CANARY.clientSecret));
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
      const { failures } = await host.check(LOOKUP_URN, {}, rig.news);
      assert.equal(failures.length, 1);
      const reason = failures[0].reason;
      assert.match(
        reason,
        /ClientSecretCredential \(client secret\), chosen because stack config azure-native:clientSecret is set/,
      );
      assert.match(reason, /AADSTS7000215/);
      assert.match(reason, /the secret's value, not its ID/);
      assert.ok(!reason.includes(CANARY.wrongSecret), reason);
      assert.ok(!host.stderr().includes(CANARY.wrongSecret));
      assert.equal(rig.azure.identities.grants().length, before);
    } finally {
      await host.close();
    }
  });
});
