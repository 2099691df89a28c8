// Child of the proxy test: started with the emulator's environment (NODE_EXTRA_CA_CERTS is read at
// start) plus HTTPS_PROXY / NO_PROXY, so that @azure/identity reads its proxy rule from a fresh process
// (the Azure SDK reads NO_PROXY once per process). Gets a token with a real ClientSecretCredential,
// then looks a gallery up through the package's ArmClient with that credential. Prints one JSON line.
// With PROXY_CHILD_SIGN_IN=package the client signs in by itself, from the environment, as a user's does.
import { ClientSecretCredential } from "@azure/identity";
import { ArmClient } from "#internal/arm/armClient";

async function main(): Promise<void> {
  const env = process.env;
  const credential = new ClientSecretCredential(
    env.AZURE_TENANT_ID as string,
    env.AZURE_CLIENT_ID as string,
    env.AZURE_CLIENT_SECRET as string,
    // No retries: a test with the proxy down should fail at once, not after identity's backoff.
    {
      authorityHost: env.AZURE_AUTHORITY_HOST,
      disableInstanceDiscovery: true,
      retryOptions: { maxRetries: 0 },
    },
  );
  const client = new ArmClient(env.PROXY_CHILD_SIGN_IN === "package" ? {} : { credential });
  const lookups = Number(env.PROXY_CHILD_LOOKUPS ?? "3");
  const ids: string[] = [];
  const errors: string[] = [];
  for (let i = 0; i < lookups; i++) {
    try {
      const gallery = await client.getGallery({
        subscriptionId: env.AZURE_SUBSCRIPTION_ID as string,
        resourceGroupName: "myResourceGroup",
        galleryName: "myManagedIdentityGallery",
      });
      ids.push(String(gallery.id));
    } catch (error) {
      errors.push(`${(error as Error).name}: ${(error as Error).message}`);
    }
  }
  client.close();
  process.stdout.write(JSON.stringify({ ids, errors }) + "\n");
}

main().catch((error: unknown) => {
  process.stdout.write(JSON.stringify({ ids: [], errors: [`fatal: ${(error as Error).message}`] }) + "\n");
});
