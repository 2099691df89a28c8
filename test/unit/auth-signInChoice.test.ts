import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  AZURE_NATIVE_SIGN_IN_SETTINGS,
  chooseSignIn,
  describeSignIn,
  signInSecrets,
  type SignInKey,
  type SignInSources,
} from "#internal/auth/signInChoice";
import { signInHintFor } from "#internal/auth/signInHint";

const TENANT = "e1e1e1e1-0000-4000-8000-000000000001";
const CLIENT = "c1c1c1c1-0000-4000-8000-000000000002";
const sp = { ARM_TENANT_ID: TENANT, ARM_CLIENT_ID: CLIENT };
const choose = (env: NodeJS.ProcessEnv, config: Partial<Record<SignInKey, string>> = {}) =>
  chooseSignIn({ config, env });

describe("chooseSignIn: the README's 'Signing in' table, row by row", () => {
  // how you sign in → what you set → method and the setting named as the reason
  const rows: [string, Partial<Record<SignInKey, string>>, NodeJS.ProcessEnv, string, RegExp][] = [
    [
      "client secret (variables)",
      {},
      { ...sp, ARM_CLIENT_SECRET: "s3cret-value" },
      "ClientSecretCredential",
      /ARM_CLIENT_SECRET is set/,
    ],
    [
      "client secret (stack config, a secret)",
      { clientId: CLIENT, tenantId: TENANT, clientSecret: "s3cret-value" },
      {},
      "ClientSecretCredential",
      /stack config azure-native:clientSecret is set/,
    ],
    [
      "client certificate",
      {},
      { ...sp, ARM_CLIENT_CERTIFICATE_PATH: "/c.pfx" },
      "ClientCertificateCredential",
      /ARM_CLIENT_CERTIFICATE_PATH/,
    ],
    [
      "OIDC token (ESC azure-login)",
      {},
      { ...sp, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "eyJ.x.y" },
      "ClientAssertionCredential",
      /ARM_USE_OIDC is true/,
    ],
    [
      "OIDC token file",
      {},
      { ...sp, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN_FILE_PATH: "/t" },
      "ClientAssertionCredential",
      /ARM_USE_OIDC/,
    ],
    [
      "GitHub Actions OIDC",
      {},
      {
        ...sp,
        ARM_USE_OIDC: "true",
        ACTIONS_ID_TOKEN_REQUEST_URL: "https://x/t",
        ACTIONS_ID_TOKEN_REQUEST_TOKEN: "rq-token",
      },
      "ClientAssertionCredential",
      /ARM_USE_OIDC/,
    ],
    [
      "system-assigned managed identity",
      {},
      { ARM_USE_MSI: "true" },
      "ManagedIdentityCredential",
      /ARM_USE_MSI is true/,
    ],
    [
      "user-assigned managed identity",
      { useMsi: "true", clientId: CLIENT },
      {},
      "ManagedIdentityCredential",
      /azure-native:useMsi/,
    ],
    [
      "Default Azure Credential (azure-native switch)",
      {},
      { ARM_USE_DEFAULT_AZURE_CREDENTIAL: "true" },
      "DefaultAzureCredential",
      /ARM_USE_DEFAULT_AZURE_CREDENTIAL/,
    ],
    [
      "AZURE_* variables",
      {},
      { AZURE_CLIENT_ID: CLIENT, AZURE_CLIENT_SECRET: "x-secret" },
      "DefaultAzureCredential",
      /AZURE_CLIENT_ID is set/,
    ],
    [
      "azure-native settings but no method: Azure CLI",
      {},
      { ARM_TENANT_ID: TENANT },
      "AzureCliCredential",
      /ARM_TENANT_ID is set/,
    ],
    ["nothing at all", {}, {}, "DefaultAzureCredential", /no azure-native sign-in setting/],
  ];
  for (const [how, config, env, method, reason] of rows) {
    it(`${how} → ${method}`, () => {
      const choice = choose(env, config);
      assert.equal(choice.method, method);
      assert.match(choice.reason, reason);
      assert.deepEqual(choice.missing, []);
    });
  }

  it("OIDC: a given token wins over a token file, which wins over the GitHub request (azure-native's order)", () => {
    const gh = { ACTIONS_ID_TOKEN_REQUEST_URL: "https://x/t", ACTIONS_ID_TOKEN_REQUEST_TOKEN: "rq" };
    const all = { ...sp, ...gh, ARM_USE_OIDC: "true", ARM_OIDC_TOKEN: "tok", ARM_OIDC_TOKEN_FILE_PATH: "/f" };
    assert.equal(choose(all).oidc?.kind, "token");
    assert.equal(choose({ ...all, ARM_OIDC_TOKEN: "" }).oidc?.kind, "file");
    const request = choose({ ...all, ARM_OIDC_TOKEN: "", ARM_OIDC_TOKEN_FILE_PATH: "" }).oidc;
    assert.deepEqual(request, {
      kind: "request",
      url: "https://x/t",
      requestToken: "rq",
      audience: "api://AzureADTokenExchange",
    });
    const custom = choose({ ...sp, ...gh, ARM_USE_OIDC: "true", ARM_OIDC_AUDIENCE: "api://other" }).oidc;
    assert.equal(custom?.kind === "request" && custom.audience, "api://other");
  });

  it("a present config key wins over its variable even when empty, as azure-native's getConfig does", () => {
    const choice = choose({ ...sp, ARM_CLIENT_SECRET: "env-secret" }, { clientSecret: "" });
    assert.equal(choice.method, "AzureCliCredential", "the empty config key hides ARM_CLIENT_SECRET");
  });

  it("names what is missing with both the config key and the variable, never a value", () => {
    const choice = choose({ ARM_CLIENT_SECRET: "s3cret-value" });
    assert.equal(choice.method, "ClientSecretCredential");
    assert.equal(choice.missing.length, 2);
    assert.match(choice.missing[0], /tenant ID \(stack config azure-native:tenantId or ARM_TENANT_ID\)/);
    assert.match(choice.missing[1], /client ID \(stack config azure-native:clientId or ARM_CLIENT_ID\)/);
    const oidc = choose({ ...sp, ARM_USE_OIDC: "true" });
    assert.match(
      oidc.missing.join(" "),
      /ARM_OIDC_TOKEN.*ARM_OIDC_TOKEN_FILE_PATH.*ACTIONS_ID_TOKEN_REQUEST_URL/,
    );
  });

  it("switches are on only when exactly true, as in azure-native, with a note for near misses", () => {
    const choice = choose({ ARM_USE_MSI: "1", ARM_TENANT_ID: TENANT });
    assert.equal(choice.method, "AzureCliCredential");
    assert.match(choice.notes.join(), /ARM_USE_MSI is '1'.*exactly true/);
    assert.match(signInHintFor(choice), /exactly true/);
  });

  it("msiEndpoint is not used (as azure-native), and says so", () => {
    const choice = choose({ ARM_USE_MSI: "true" }, { msiEndpoint: "http://127.0.0.1:1/msi" });
    assert.equal(choice.method, "ManagedIdentityCredential");
    assert.match(choice.notes.join(), /azure-native:msiEndpoint is not used.*IDENTITY_ENDPOINT/);
  });
});

// ---- properties over every combination of settings ----

const ORDER = [
  "DefaultAzureCredential",
  "ClientCertificateCredential",
  "ClientSecretCredential",
  "ClientAssertionCredential",
  "ManagedIdentityCredential",
] as const;
const selectors: Record<(typeof ORDER)[number], SignInKey> = {
  DefaultAzureCredential: "useDefaultAzureCredential",
  ClientCertificateCredential: "clientCertificatePath",
  ClientSecretCredential: "clientSecret",
  ClientAssertionCredential: "useOidc",
  ManagedIdentityCredential: "useMsi",
};
const valueFor = (key: SignInKey, canary: string) => (key.startsWith("use") ? "true" : `${canary}-${key}`);
const canary = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((s) => `CANARY${s}`);
const where = fc.constantFrom("config", "env", "both", "none");
const azureNoise = fc.record(
  {
    AZURE_CLIENT_ID: canary,
    AZURE_CLIENT_SECRET: canary,
    AZURE_TENANT_ID: canary,
    AZURE_TOKEN_CREDENTIALS: fc.constant("EnvironmentCredential"),
  },
  { requiredKeys: [] },
);

function build(placement: Record<string, string>, secret: string, extra: NodeJS.ProcessEnv): SignInSources {
  const config: Record<string, string> = {};
  const env: NodeJS.ProcessEnv = { ...extra };
  for (const [key, at] of Object.entries(placement) as [SignInKey, string][]) {
    const value = valueFor(key, secret);
    if (at === "config" || at === "both") config[key] = value;
    if (at === "env" || at === "both")
      env[AZURE_NATIVE_SIGN_IN_SETTINGS[key]] = at === "both" ? `env-${value}` : value;
  }
  return { config, env };
}

describe("chooseSignIn: properties", () => {
  const placements = fc.record(
    Object.fromEntries(
      [...Object.values(selectors), "tenantId", "clientId", "clientCertificatePassword", "oidcToken"].map(
        (k) => [k, where],
      ),
    ),
  );

  it("the first method in azure-native's order that is selected wins, wherever its setting comes from, AZURE_* or not", () => {
    fc.assert(
      fc.property(placements, canary, azureNoise, (placement, secret, noise) => {
        const sources = build(placement, secret, noise);
        const choice = chooseSignIn(sources);
        const first = ORDER.find((m) => placement[selectors[m]] !== "none");
        if (first !== undefined) assert.equal(choice.method, first);
        else if (Object.keys(noise).length > 0) assert.equal(choice.method, "DefaultAzureCredential");
        else if (Object.values(placement).some((p) => p !== "none"))
          assert.equal(choice.method, "AzureCliCredential");
        else assert.equal(choice.method, "DefaultAzureCredential");
      }),
    );
  });

  it("a value set both ways comes from the stack config, and the reason names the setting that selected the method", () => {
    fc.assert(
      fc.property(placements, canary, (placement, secret) => {
        const choice = chooseSignIn(build(placement, secret, {}));
        for (const key of ["tenantId", "clientId"] as const) {
          if (choice[key] === undefined) continue;
          const at = placement[key];
          assert.equal(
            choice.from[key],
            at === "env" ? AZURE_NATIVE_SIGN_IN_SETTINGS[key] : `stack config azure-native:${key}`,
          );
          assert.equal(choice[key], at === "env" ? valueFor(key, secret) : valueFor(key, secret));
        }
        const selector = ORDER.includes(choice.method as (typeof ORDER)[number])
          ? selectors[choice.method as (typeof ORDER)[number]]
          : undefined;
        if (selector !== undefined && placement[selector] !== "none") {
          const named =
            placement[selector] === "env"
              ? AZURE_NATIVE_SIGN_IN_SETTINGS[selector]
              : `azure-native:${selector}`;
          assert.ok(choice.reason.includes(named), `${choice.reason} should name ${named}`);
        }
      }),
    );
  });

  it("no secret value ever appears in the reason, notes, what is missing, the description or the hint", () => {
    fc.assert(
      fc.property(placements, canary, azureNoise, (placement, secret, noise) => {
        const sources = build(placement, secret, noise);
        const choice = chooseSignIn(sources);
        const text = [
          choice.reason,
          ...choice.notes,
          ...choice.missing,
          describeSignIn(choice),
          signInHintFor(choice),
        ].join("\n");
        assert.ok(!text.includes(secret), text);
        for (const value of signInSecrets(sources)) assert.ok(!text.includes(value));
        for (const value of Object.values(noise))
          if (value !== "EnvironmentCredential") assert.ok(!text.includes(value));
      }),
    );
  });

  it("is pure: the same sources give the same choice and are not changed", () => {
    fc.assert(
      fc.property(placements, canary, (placement, secret) => {
        const sources = build(placement, secret, {});
        const before = JSON.stringify(sources);
        assert.deepEqual(chooseSignIn(sources), chooseSignIn(sources));
        assert.equal(JSON.stringify(sources), before);
      }),
    );
  });

  it("signInSecrets lists every secret from config and variables, so messages can redact them", () => {
    const secrets = signInSecrets({
      config: { clientSecret: "cfg-secret", oidcRequestToken: "cfg-request" },
      env: {
        ARM_CLIENT_CERTIFICATE_PASSWORD: "env-password",
        AZURE_CLIENT_SECRET: "azure-secret",
        ARM_OIDC_TOKEN: "env-oidc",
      },
    });
    assert.deepEqual(secrets.sort(), [
      "azure-secret",
      "cfg-request",
      "cfg-secret",
      "env-oidc",
      "env-password",
    ]);
  });
});
