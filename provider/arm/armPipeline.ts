import {
  createEmptyPipeline,
  logPolicy,
  proxyPolicy,
  setClientRequestIdPolicy,
  userAgentPolicy,
  type Pipeline,
} from "@azure/core-rest-pipeline";
import { logger } from "./logger";
import type { Pacer } from "./pacer";
import { armBearerTokenPolicy, type ArmTokenSource } from "./policies/armBearerTokenPolicy";
import { armRetryPolicy } from "./policies/armRetryPolicy";
import { attemptPolicy } from "./policies/attemptPolicy";
import { pacingPolicy } from "./policies/pacingPolicy";
import type { ProxyRule } from "../settings/proxyRule";

/** What the pipeline is built from: one client's settings, its credential, the process's pacer. */
export interface ArmPipelineOptions {
  maxRetries: number;
  tokens: ArmTokenSource;
  pacer: Pacer;
  proxy: ProxyRule;
}

/**
 * The request path of Galleries - Get, as an Azure SDK pipeline: each step a named policy, in this order,
 * from the lookup down to the wire (the HttpClient, axios, sends what comes out of the last one). Each
 * place is declared with the library's phases (`phase`, `afterPhase`, `afterPolicies`), so the order holds
 * whatever order they are added in. Policies talk only through the request (its deadline), the response
 * and `RestError` (the facts each one notes: the attempt, the token renewal, the wait past the deadline):
 *
 * 1. `setClientRequestIdPolicy` (library): `x-ms-client-request-id`, one per lookup;
 * 2. `userAgentPolicy` (library): `pulumi-azure-gallery-lookup` and the runtime;
 * 3. `proxyPolicy` (library): whether the request goes through the client's proxy (`NO_PROXY`);
 * 4. `armRetryPolicy` (phase Retry; the library's `retryPolicy` with our throttling and backoff
 *    strategies): waits never pass the deadline;
 * 5. `armBearerTokenPolicy` (phase Sign; the library's bearer policy, our challenge callbacks): the token,
 *    CAE claims, a fresh credential after a plain 401, never a refused token again;
 * 6. `pacingPolicy` (ours, after Sign): a slot of ARM's read bucket per attempt, booked and observed in
 *    one `finally`;
 * 7. `attemptPolicy` (ours, after pacing): counts each GET on the wire, notes it on its answer or error;
 * 8. `logPolicy` (library, last): each attempt and its answer at `AZURE_LOG_LEVEL=info`, headers redacted.
 */
export function createArmPipeline(options: ArmPipelineOptions): Pipeline {
  const pipeline = createEmptyPipeline();
  pipeline.addPolicy(setClientRequestIdPolicy("x-ms-client-request-id"));
  pipeline.addPolicy(userAgentPolicy({ userAgentPrefix: "pulumi-azure-gallery-lookup" }));
  const { proxy, noProxy } = options.proxy;
  if (proxy !== undefined) {
    // Only whether the policy gives the request an agent is used: the HttpClient tunnels with its own.
    const host = `${proxy.protocol}//${proxy.hostname}`;
    const port = Number(proxy.port) || (proxy.protocol === "https:" ? 443 : 80);
    pipeline.addPolicy(proxyPolicy({ host, port }, { customNoProxyList: [...noProxy] }));
  }
  pipeline.addPolicy(armRetryPolicy(options.maxRetries), { phase: "Retry" });
  pipeline.addPolicy(armBearerTokenPolicy(options.tokens), { phase: "Sign" });
  pipeline.addPolicy(pacingPolicy(options.pacer), { afterPhase: "Sign" });
  pipeline.addPolicy(attemptPolicy(), { afterPhase: "Sign", afterPolicies: ["pacingPolicy"] });
  pipeline.addPolicy(
    logPolicy({
      logger: logger.info,
      additionalAllowedHeaderNames: ["x-ms-ratelimit-remaining-subscription-reads", "retry-after-ms"],
      additionalAllowedQueryParameters: ["api-version", "$select", "$expand"],
    }),
    { afterPhase: "Sign", afterPolicies: ["attemptPolicy"] },
  );
  return pipeline;
}
