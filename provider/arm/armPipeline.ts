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
 * from the lookup down to the wire (the HttpClient, axios, sends what comes out of the last one):
 *
 * 1. `setClientRequestIdPolicy` (library): `x-ms-client-request-id`, one per lookup;
 * 2. `userAgentPolicy` (library): `pulumi-azure-gallery-lookup` and the runtime;
 * 3. `proxyPolicy` (library): whether the request goes through the client's proxy (`NO_PROXY`);
 * 4. `retryPolicy` (library, with our throttling and backoff strategies): waits never pass the deadline;
 * 5. `armBearerTokenPolicy` (library's bearer policy, our challenge callbacks): the token, CAE claims,
 *    a fresh credential after a plain 401, never a refused token again;
 * 6. `pacingPolicy` (ours): a slot of ARM's read bucket per attempt, booked and observed in one `finally`;
 * 7. `logPolicy` (library): each attempt and its answer at `AZURE_LOG_LEVEL=info`, headers redacted.
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
  pipeline.addPolicy(armRetryPolicy(options.maxRetries));
  pipeline.addPolicy(armBearerTokenPolicy(options.tokens));
  pipeline.addPolicy(pacingPolicy(options.pacer));
  pipeline.addPolicy(
    logPolicy({
      logger: logger.info,
      additionalAllowedHeaderNames: ["x-ms-ratelimit-remaining-subscription-reads", "retry-after-ms"],
      additionalAllowedQueryParameters: ["api-version", "$select", "$expand"],
    }),
  );
  return pipeline;
}
