import type { PipelineResponse } from "@azure/core-rest-pipeline";

/** How a 401 was met: a token with the claims of ARM's challenge, one from past every cache, or none new. */
export type TokenRenewal = "claims" | "bypassCache" | "sameToken";

const RENEWAL = Symbol("tokenRenewal");
type Noted = { [RENEWAL]?: TokenRenewal };

/** Notes on a final 401 how `armBearerTokenPolicy` met the refusals before it. */
export function noteRenewal(response: PipelineResponse, renewal: TokenRenewal): void {
  (response as Noted)[RENEWAL] = renewal;
}

/** How the token was renewed before this 401, as `armBearerTokenPolicy` noted it; undefined if it was not. */
export function tokenRenewalOf(response: object): TokenRenewal | undefined {
  return (response as Noted)[RENEWAL];
}
