/** One gallery reference and its answer, for tests that talk to a local HTTPS server. */
export const SUB = "11111111-2222-3333-4444-555555555555";
export const ref = { subscriptionId: SUB, resourceGroupName: "rg-img", galleryName: "galA" };
export const GALLERY = {
  id: `/subscriptions/${SUB}/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/galA`,
  name: "galA",
  location: "westeurope",
};
