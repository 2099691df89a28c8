import type { AccessToken, TokenCredential } from "@azure/identity";

/** One gallery reference and its answer, for tests that talk to a local HTTPS server. */
export const SUB = "11111111-2222-3333-4444-555555555555";
export const ref = { subscriptionId: SUB, resourceGroupName: "rg-img", galleryName: "galA" };
export const GALLERY = {
  id: `/subscriptions/${SUB}/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/galA`,
  name: "galA",
  location: "westeurope",
};

/** A credential that always hands out `token` (a canary), valid for an hour. */
export function fixedCredential(token: string): TokenCredential {
  return {
    getToken: async (): Promise<AccessToken> => ({ token, expiresOnTimestamp: Date.now() + 3_600_000 }),
  };
}
