import assert from "node:assert/strict";
import { createArmPipeline } from "#internal/arm/armPipeline";
import { Pacer } from "#internal/arm/pacer";

describe("createArmPipeline", () => {
  it("orders the policies as armPipeline.ts documents, by their phases", () => {
    const pipeline = createArmPipeline({
      maxRetries: 4,
      pacer: new Pacer(),
      proxy: { proxy: new URL("http://127.0.0.1:3128"), noProxy: [] },
      tokens: {
        acquire: () => Promise.reject(new Error("unused")),
        credentialName: () => "none",
        scope: "s/.default",
        deadlineMs: 1000,
      },
    });
    assert.deepEqual(
      pipeline.getOrderedPolicies().map((policy) => policy.name),
      [
        "setClientRequestIdPolicy",
        "userAgentPolicy",
        "proxyPolicy",
        "armRetryPolicy",
        "armBearerTokenPolicy",
        "pacingPolicy",
        "attemptPolicy",
        "logPolicy",
      ],
    );
  });
});
