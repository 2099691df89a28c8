// Child of bench/profile.ts, started with --cpu-prof and the emulator's environment: 500 warm-up
// lookups, then 20,000 sequential getGallery lookups. The profile is written when it exits.
async function main(): Promise<void> {
  const { getGallery } =
    require("pulumi-azure-gallery-lookup") as typeof import("pulumi-azure-gallery-lookup");
  const ref = {
    subscriptionId: process.env.AZURE_SUBSCRIPTION_ID as string,
    resourceGroupName: "myResourceGroup",
    galleryName: "myManagedIdentityGallery",
  };
  for (let i = 0; i < 20_500; i++) await getGallery(ref);
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
