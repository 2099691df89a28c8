// DefaultAzureCredential reads process.env, so an ArmClient given an `env` of its own (the emulator's
// environment() in a test, another tenant's settings in a tool) would sign in as the process instead:
// with nothing in process.env it fell through to managed identity and probed an address off the machine.
// For such a client the same chain is built here from that env, in DefaultAzureCredential's order and
// with AZURE_TOKEN_CREDENTIALS's selection; the credentials themselves are `@azure/identity`'s.
import type { TokenCredential } from "@azure/identity";
import { CredentialError } from "../errors/CredentialError";
import { sanitizeText } from "../errors/safeText";

/** DefaultAzureCredential's production credentials, in its order (AZURE_TOKEN_CREDENTIALS=prod). */
export const PROD_CHAIN = [
  "EnvironmentCredential",
  "WorkloadIdentityCredential",
  "ManagedIdentityCredential",
];
/** Its developer credentials, in its order (AZURE_TOKEN_CREDENTIALS=dev). */
export const DEV_CHAIN = [
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
];

type Identity = typeof import("@azure/identity");

/** The credential names AZURE_TOKEN_CREDENTIALS selects, as DefaultAzureCredential reads it. */
export function selectedChain(env: NodeJS.ProcessEnv): string[] {
  const selected = env.AZURE_TOKEN_CREDENTIALS?.trim() ?? "";
  if (selected === "") return [...PROD_CHAIN, ...DEV_CHAIN];
  if (selected.toLowerCase() === "prod") return PROD_CHAIN;
  if (selected.toLowerCase() === "dev") return DEV_CHAIN;
  return [selected];
}

/**
 * DefaultAzureCredential's chain, reading `env` instead of process.env. Managed identity still finds its
 * endpoint in the process's own variables: they describe the machine, not a client.
 * @throws CredentialError when AZURE_TOKEN_CREDENTIALS names no credential of the chain.
 */
export function chainFromEnv(
  identity: Identity,
  env: NodeJS.ProcessEnv,
  common: { authorityHost: string; disableInstanceDiscovery: boolean },
): TokenCredential {
  const tenantId = env.AZURE_TENANT_ID ?? "";
  const clientId = env.AZURE_CLIENT_ID ?? "";
  const unavailable = (name: string, needs: string): TokenCredential => ({
    getToken: () =>
      Promise.reject(new identity.CredentialUnavailableError(`${name} is unavailable: ${needs}.`)),
  });
  const make: Record<string, () => TokenCredential> = {
    EnvironmentCredential: () => {
      if (tenantId !== "" && clientId !== "" && env.AZURE_CLIENT_SECRET)
        return new identity.ClientSecretCredential(tenantId, clientId, env.AZURE_CLIENT_SECRET, common);
      if (tenantId !== "" && clientId !== "" && env.AZURE_CLIENT_CERTIFICATE_PATH) {
        const password = env.AZURE_CLIENT_CERTIFICATE_PASSWORD;
        const certificate = {
          certificatePath: env.AZURE_CLIENT_CERTIFICATE_PATH,
          ...(password ? { certificatePassword: password } : {}),
        };
        return new identity.ClientCertificateCredential(tenantId, clientId, certificate, common);
      }
      return unavailable(
        "EnvironmentCredential",
        "the client's env sets no AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or AZURE_CLIENT_CERTIFICATE_PATH)",
      );
    },
    WorkloadIdentityCredential: () =>
      tenantId !== "" && clientId !== "" && env.AZURE_FEDERATED_TOKEN_FILE
        ? new identity.WorkloadIdentityCredential({
            ...common,
            tenantId,
            clientId,
            tokenFilePath: env.AZURE_FEDERATED_TOKEN_FILE,
          })
        : unavailable(
            "WorkloadIdentityCredential",
            "the client's env sets no AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_FEDERATED_TOKEN_FILE",
          ),
    ManagedIdentityCredential: () =>
      clientId !== ""
        ? new identity.ManagedIdentityCredential({ clientId })
        : new identity.ManagedIdentityCredential(),
    VisualStudioCodeCredential: () => new identity.VisualStudioCodeCredential(),
    AzureCliCredential: () => new identity.AzureCliCredential(),
    AzurePowerShellCredential: () => new identity.AzurePowerShellCredential(),
    AzureDeveloperCliCredential: () => new identity.AzureDeveloperCliCredential(),
  };
  const names = selectedChain(env);
  const unknown = names.find((name) => !Object.hasOwn(make, name));
  if (unknown !== undefined) {
    throw new CredentialError(
      `AZURE_TOKEN_CREDENTIALS must be prod, dev or one of ${[...PROD_CHAIN, ...DEV_CHAIN].join(", ")}, ` +
        `not '${sanitizeText(unknown, 60)}'.`,
      "DefaultAzureCredential",
    );
  }
  const credentials = names.map((name) => make[name]());
  return credentials.length === 1 ? credentials[0] : new identity.ChainedTokenCredential(...credentials);
}
