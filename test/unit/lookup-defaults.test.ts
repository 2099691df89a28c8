import { strict as assert } from "node:assert";
import { resolveDefaults } from "#internal/lookup/defaults";

type Args = { subscriptionId?: string; environment?: string };
const none: Args = {};

describe("resolveDefaults", () => {
  const env = {
    ARM_SUBSCRIPTION_ID: "arm",
    AZURE_SUBSCRIPTION_ID: "azure",
    ARM_ENVIRONMENT: "china",
    AZURE_ENVIRONMENT: "x",
  };

  it("prefers the argument, then stack config, then ARM_*, then AZURE_*", () => {
    assert.equal(
      resolveDefaults({ subscriptionId: "arg" }, { configSubscriptionId: "cfg", env }).subscriptionId,
      "arg",
    );
    assert.equal(resolveDefaults(none, { configSubscriptionId: "cfg", env }).subscriptionId, "cfg");
    assert.equal(resolveDefaults(none, { env }).subscriptionId, "arm");
    assert.equal(resolveDefaults(none, { env: { AZURE_SUBSCRIPTION_ID: "azure" } }).subscriptionId, "azure");
    assert.equal(
      resolveDefaults(none, { configEnvironment: "usgovernment", env }).environment,
      "usgovernment",
    );
    assert.equal(resolveDefaults(none, { env }).environment, "china");
  });

  it("leaves out what no source sets, and ignores empty variables", () => {
    const args: { subscriptionId?: string; galleryName: string } = { galleryName: "g" };
    const resolved = resolveDefaults(args, {
      env: { ARM_SUBSCRIPTION_ID: "", AZURE_SUBSCRIPTION_ID: "" },
    });
    assert.deepEqual(resolved, { galleryName: "g" });
  });
});
