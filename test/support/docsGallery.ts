// The gallery README.md's and docs/'s examples look up (`corpImages` in `shared-images`), for the suites
// that run those examples against the emulator.
import type { SeedGallery } from "pulumi-azure-gallery-lookup/emulator";

/** The principal id of the gallery's system-assigned identity, as the examples print it. */
export const DOCS_PRINCIPAL_ID = "a11ce000-0000-4000-8000-000000000001";

/** `corpImages` in `shared-images` of `subscriptionId`, shared with one subscription. */
export function docsGallery(subscriptionId: string): SeedGallery {
  return {
    subscriptionId,
    resourceGroupName: "shared-images",
    gallery: {
      name: "corpImages",
      location: "westeurope",
      identity: { type: "SystemAssigned", principalId: DOCS_PRINCIPAL_ID },
      properties: {
        identifier: { uniqueName: `${subscriptionId}-CORPIMAGES` },
        provisioningState: "Succeeded",
        sharingProfile: {
          permissions: "Groups",
          groups: [{ type: "Subscriptions", ids: ["11111111-2222-4333-8444-555555555555"] }],
        },
      },
    },
  };
}
