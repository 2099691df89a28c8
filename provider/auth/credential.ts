import type { AccessToken, TokenCredential } from "@azure/identity";
import { CredentialError } from "../errors/CredentialError";
import { SIGN_IN_HINT, sanitizeText } from "./signInHint";

/** What the credential needs from the client's settings. */
export interface CredentialSettings {
  scope: string;
  authorityHost: string;
  disableInstanceDiscovery: boolean;
}

const PROD_CHAIN = ["EnvironmentCredential", "WorkloadIdentityCredential", "ManagedIdentityCredential"];
const DEV_CHAIN = [
  "VisualStudioCodeCredential",
  "AzureCliCredential",
  "AzurePowerShellCredential",
  "AzureDeveloperCliCredential",
];

/**
 * Names the credential for messages: the injected one's class, or DefaultAzureCredential with the
 * chain that `AZURE_TOKEN_CREDENTIALS` selects.
 */
export function describeCredential(credential: TokenCredential | undefined, env: NodeJS.ProcessEnv): string {
  if (credential !== undefined) return credential.constructor?.name || "TokenCredential";
  const selected = env.AZURE_TOKEN_CREDENTIALS?.trim();
  let chain: string[];
  if (selected === undefined || selected === "") chain = [...PROD_CHAIN, ...DEV_CHAIN];
  else if (selected.toLowerCase() === "prod") chain = PROD_CHAIN;
  else if (selected.toLowerCase() === "dev") chain = DEV_CHAIN;
  else chain = [sanitizeText(selected, 60)];
  return `DefaultAzureCredential (${chain.join(", ")})`;
}

/**
 * Creates DefaultAzureCredential. `@azure/identity` is required here, not at the top, so that loading
 * this package (every `pulumi preview`) does not load the identity library and MSAL.
 */
export function createDefaultCredential(settings: CredentialSettings): TokenCredential {
  const identity = require("@azure/identity") as typeof import("@azure/identity");
  return new identity.DefaultAzureCredential({
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: settings.disableInstanceDiscovery,
  });
}

/**
 * A function fetching one ARM token, creating the credential on first use. Every failure, including a
 * malformed answer, becomes a {@link CredentialError} without secrets.
 * @param env the environment the credential reads (for the message and the secrets to redact).
 */
export function tokenAcquirer(
  settings: CredentialSettings,
  injected: TokenCredential | undefined,
  env: NodeJS.ProcessEnv,
): () => Promise<AccessToken> {
  let credential = injected;
  const name = describeCredential(injected, env);
  const secrets = [env.AZURE_CLIENT_SECRET, env.AZURE_CLIENT_CERTIFICATE_PASSWORD, env.AZURE_PASSWORD].filter(
    (s): s is string => typeof s === "string" && s !== "",
  );
  return async () => {
    let token: AccessToken | null;
    try {
      credential ??= createDefaultCredential(settings);
      token = await credential.getToken(settings.scope);
    } catch (error) {
      throw credentialError(name, settings.scope, describeCause(error, secrets));
    }
    if (
      token === null ||
      typeof token !== "object" ||
      typeof token.token !== "string" ||
      token.token === "" ||
      typeof token.expiresOnTimestamp !== "number" ||
      !Number.isFinite(token.expiresOnTimestamp)
    ) {
      throw credentialError(
        name,
        settings.scope,
        "it returned no usable token (no token string or no expiry)",
      );
    }
    return token;
  };
}

/** The credential gave no token before the lookup's deadline (a stalled or unreachable token endpoint). */
export function credentialDeadlineError(name: string, scope: string, deadlineMs: number): CredentialError {
  return credentialError(
    name,
    scope,
    `it gave no token within the lookup's deadline of ${deadlineMs} ms (GALLERY_LOOKUP_DEADLINE_MS): ` +
      "the token endpoint may be down or unreachable",
  );
}

function credentialError(name: string, scope: string, cause: string): CredentialError {
  return new CredentialError(
    `Could not get an Azure token for ${scope} with ${name}: ${cause}. ${SIGN_IN_HINT}`,
    name,
  );
}

/** Error class and first part of the message, sanitized; never the error object itself. */
function describeCause(error: unknown, secrets: readonly string[]): string {
  if (error instanceof Error) {
    const rawCode = (error as { code?: unknown }).code;
    const code = typeof rawCode === "string" ? ` ${sanitizeText(rawCode, 40)}` : "";
    return `${error.name}${code}: ${sanitizeText(error.message, 400, secrets)}`;
  }
  return sanitizeText(String(error), 200, secrets);
}
