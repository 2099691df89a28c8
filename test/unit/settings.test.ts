import assert from "node:assert/strict";
import fc from "fast-check";
import { ArmClient, getGallery, InvalidArgumentError, type CloudName } from "pulumi-azure-gallery-lookup";
import { parseCloudName, resolveCloud, CLOUDS } from "#internal/settings/cloudEndpoints";
import { readArmSettings, SETTING_DEFAULTS } from "#internal/settings/settings";
import { SettingsError } from "#internal/errors/index";
import { withEnv } from "../support/environment";

function settingsError(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SettingsError, `expected SettingsError, got ${String(e)}`);
    return e;
  }
  assert.fail("expected a SettingsError");
}

describe("clouds", () => {
  it("accepts every documented spelling, case-insensitively", () => {
    for (const [spelling, cloud] of [
      ["public", "public"],
      ["AzureCloud", "public"],
      ["AZUREPUBLICCLOUD", "public"],
      ["usgovernment", "usgovernment"],
      ["AzureUSGovernment", "usgovernment"],
      ["azureusgovernmentcloud", "usgovernment"],
      ["china", "china"],
      ["AzureChinaCloud", "china"],
    ] as const) {
      assert.equal(parseCloudName(spelling, "ARM_ENVIRONMENT"), cloud);
    }
  });

  it("refuses other names, naming the variable and the allowed values", () => {
    const e = settingsError(() => parseCloudName("AzureGermanCloud", "AZURE_ENVIRONMENT"));
    assert.equal(e.setting, "AZURE_ENVIRONMENT");
    assert.match(e.message, /AZURE_ENVIRONMENT/);
    assert.match(e.message, /AzureUSGovernment/);
  });

  it("prefers the option, then ARM_ENVIRONMENT, then AZURE_ENVIRONMENT", () => {
    const env = { ARM_ENVIRONMENT: "china", AZURE_ENVIRONMENT: "usgovernment" };
    assert.deepEqual(resolveCloud("public", env), { cloud: "public", source: "option" });
    assert.deepEqual(resolveCloud(undefined, env), { cloud: "china", source: "ARM_ENVIRONMENT" });
    assert.deepEqual(resolveCloud(undefined, { AZURE_ENVIRONMENT: "usgovernment" }), {
      cloud: "usgovernment",
      source: "AZURE_ENVIRONMENT",
    });
    assert.deepEqual(resolveCloud(undefined, { ARM_ENVIRONMENT: "" }), {
      cloud: "public",
      source: "default",
    });
  });
});

describe("readArmSettings", () => {
  it("has the documented defaults", () => {
    const s = readArmSettings({ env: {} });
    assert.equal(s.endpoint, "https://management.azure.com");
    assert.equal(s.scope, "https://management.azure.com/.default");
    assert.equal(s.authorityHost, "https://login.microsoftonline.com");
    assert.equal(s.maxRetries, 4);
    assert.equal(s.attemptTimeoutMs, 15_000);
    assert.equal(s.deadlineMs, 120_000);
    assert.equal(s.maxResponseBytes, 4 * 1024 * 1024);
    assert.equal(s.disableInstanceDiscovery, false);
    assert.deepEqual(SETTING_DEFAULTS, {
      maxRetries: 4,
      attemptTimeoutMs: 15000,
      deadlineMs: 120000,
      maxResponseBytes: 4194304,
    });
  });

  it("takes endpoint, authority and scope from the sovereign cloud tables", () => {
    const s = readArmSettings({ env: { AZURE_ENVIRONMENT: "AzureChinaCloud" } });
    assert.equal(s.endpoint, CLOUDS.china.resourceManagerEndpoint);
    assert.equal(s.authorityHost, "https://login.chinacloudapi.cn");
    assert.equal(s.scope, "https://management.chinacloudapi.cn/.default");
  });

  it("overrides the endpoint but keeps the cloud's scope", () => {
    const s = readArmSettings({
      env: {
        AZURE_RESOURCE_MANAGER_ENDPOINT: "https://127.0.0.1:8443/",
        AZURE_AUTHORITY_HOST: "https://127.0.0.1:8444",
        GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: "TRUE",
        GALLERY_LOOKUP_MAX_RETRIES: "0",
        GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "250",
        GALLERY_LOOKUP_DEADLINE_MS: "2000",
        GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "65536",
      },
    });
    assert.equal(s.endpoint, "https://127.0.0.1:8443");
    assert.equal(s.endpointOverridden, true);
    assert.equal(s.scope, "https://management.azure.com/.default");
    assert.equal(s.authorityHost, "https://127.0.0.1:8444");
    assert.equal(s.disableInstanceDiscovery, true);
    assert.deepEqual(
      [s.maxRetries, s.attemptTimeoutMs, s.deadlineMs, s.maxResponseBytes],
      [0, 250, 2000, 65536],
    );
  });

  it("allows http only to loopback", () => {
    for (const ok of ["http://127.0.0.1:8080", "http://[::1]:1", "http://localhost:3000/"]) {
      assert.equal(
        readArmSettings({ env: { AZURE_RESOURCE_MANAGER_ENDPOINT: ok } }).endpointOverridden,
        true,
        ok,
      );
    }
  });

  const badEndpoints: [string, RegExp][] = [
    ["not a url", /does not parse/],
    ["http://management.azure.com", /https/],
    ["ftp://127.0.0.1", /https/],
    ["https://user:hunter2secret@example.com", /user name or password/],
    ["https://:hunter2secret@example.com", /user name or password/],
    ["https://example.com/api", /no path/],
    ["https://example.com/?x=1", /no query/],
    ["https://example.com/?", /no query/],
    ["https://example.com/#f", /no fragment/],
    ["http://127.0.0.2", /https/],
  ];
  for (const [value, rule] of badEndpoints) {
    it(`refuses AZURE_RESOURCE_MANAGER_ENDPOINT=${value} without echoing it`, () => {
      const e = settingsError(() => readArmSettings({ env: { AZURE_RESOURCE_MANAGER_ENDPOINT: value } }));
      assert.equal(e.setting, "AZURE_RESOURCE_MANAGER_ENDPOINT");
      assert.match(e.message, /AZURE_RESOURCE_MANAGER_ENDPOINT/);
      assert.match(e.message, rule);
      assert.doesNotMatch(e.message, /hunter2secret/);
    });
  }

  it("refuses bad numbers and booleans, all in one error", () => {
    const e = settingsError(() =>
      readArmSettings({
        env: {
          GALLERY_LOOKUP_MAX_RETRIES: "-1",
          GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS: "1.5",
          GALLERY_LOOKUP_DEADLINE_MS: "0",
          GALLERY_LOOKUP_MAX_RESPONSE_BYTES: "lots",
          GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: "yes",
          ARM_ENVIRONMENT: "mars",
          AZURE_AUTHORITY_HOST: "http://login.example",
        },
      }),
    );
    for (const v of [
      "GALLERY_LOOKUP_MAX_RETRIES",
      "GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS",
      "GALLERY_LOOKUP_DEADLINE_MS",
      "GALLERY_LOOKUP_MAX_RESPONSE_BYTES",
      "GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY",
      "ARM_ENVIRONMENT",
      "AZURE_AUTHORITY_HOST",
    ]) {
      assert.match(e.message, new RegExp(v));
      assert.match(e.setting, new RegExp(v));
    }
  });

  it("treats empty variables as unset", () => {
    const s = readArmSettings({
      env: { GALLERY_LOOKUP_MAX_RETRIES: "", AZURE_RESOURCE_MANAGER_ENDPOINT: " " },
    });
    assert.equal(s.maxRetries, 4);
    assert.equal(s.endpointOverridden, false);
  });
});

describe("cloud names are looked up as own keys only (Object.prototype's names are not clouds)", () => {
  const ACCEPTED = new Set([
    "public",
    "azurecloud",
    "azurepubliccloud",
    "usgovernment",
    "azureusgovernment",
    "azureusgovernmentcloud",
    "china",
    "azurechinacloud",
  ]);
  const SPELLINGS =
    /public, AzureCloud, AzurePublicCloud, usgovernment, AzureUSGovernment, AzureUSGovernmentCloud, china, AzureChinaCloud/;
  // Every name Object.prototype carries, in any letter case and with blanks around, beside any string.
  const prototypeName = fc
    .tuple(
      fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype)),
      fc.constantFrom("", " ", "\t"),
      fc.boolean(),
    )
    .chain(([name, pad, upper]) =>
      fc.mixedCase(fc.constant(name)).map((n) => `${pad}${upper ? n.toUpperCase() : n}${pad}`),
    );
  const notACloud = fc
    .oneof(prototypeName, fc.string())
    .filter((s) => s.trim() !== "" && !ACCEPTED.has(s.trim().toLowerCase()));
  const ref = {
    subscriptionId: "5b5b5b5b-0000-4000-8000-000000000003",
    resourceGroupName: "rg",
    galleryName: "g",
  };

  it("environment: getGallery refuses it with InvalidArgumentError naming the property and the clouds (fast-check)", async () => {
    await fc.assert(
      fc.asyncProperty(notACloud, async (name) => {
        const error = await getGallery({ ...ref, environment: name as CloudName }).then(
          () => assert.fail(`environment ${JSON.stringify(name)} was accepted`),
          (e: unknown) => e,
        );
        assert.ok(error instanceof InvalidArgumentError, `got ${String(error)}`);
        assert.deepEqual(
          error.failures.map((f) => f.property),
          ["environment"],
        );
        assert.match(error.failures[0].reason, SPELLINGS);
      }),
      { numRuns: 300 },
    );
  });

  it("ARM_ENVIRONMENT / AZURE_ENVIRONMENT: ArmClient refuses it with SettingsError naming the variable and the clouds (fast-check)", () => {
    fc.assert(
      fc.property(notACloud, fc.constantFrom("ARM_ENVIRONMENT", "AZURE_ENVIRONMENT"), (name, variable) => {
        const e = settingsError(() => new ArmClient({ env: { [variable]: name } }));
        assert.equal(e.setting, variable);
        assert.match(e.message, SPELLINGS);
      }),
      { numRuns: 300 },
    );
  });

  it("the ArmClient option cloud, from JavaScript, refuses a prototype name or a non-string as a SettingsError", () => {
    for (const cloud of ["constructor", "__proto__", 5, {}]) {
      const e = settingsError(() => new ArmClient({ cloud: cloud as CloudName }));
      assert.equal(e.setting, "cloud");
      assert.match(e.message, SPELLINGS);
    }
  });

  for (const name of ["constructor", "__proto__", "CONSTRUCTOR", "__PROTO__", " Constructor "]) {
    it(`getGallery with ARM_ENVIRONMENT=${JSON.stringify(name)} is a SettingsError naming ARM_ENVIRONMENT, not a TypeError`, async () => {
      const error = await withEnv({ ARM_ENVIRONMENT: name, AZURE_ENVIRONMENT: undefined }, () =>
        getGallery(ref).then(
          () => assert.fail("accepted"),
          (e: unknown) => e,
        ),
      );
      assert.ok(error instanceof SettingsError, `got ${String(error)}`);
      assert.equal(error.setting, "ARM_ENVIRONMENT");
      assert.match(error.message, SPELLINGS);
    });
  }
});
