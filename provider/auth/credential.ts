import type { AccessToken, TokenCredential } from "@azure/identity";
import { CredentialError } from "../errors/CredentialError";
import { certificateProblem } from "../arm/certificateCheck";
import type { AcquireToken, TokenRequest } from "./tokenCache";
import { SIGN_IN_HINT, UNTRUSTED_CERTIFICATE_HINT, isCertificateError, sanitizeText } from "./signInHint";

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
 * A function fetching one ARM token, creating the credential on first use. Tokens are requested as
 * CAE-capable (`enableCae`, as the Azure SDK's bearer policy does), so that ARM answers a revoked session
 * with a claims challenge the client can meet. `claims` go to the credential (the identity library then
 * skips its cache); `bypassCache` replaces the credential by a fresh instance, the only way past MSAL's
 * cache: the DefaultAzureCredential made here, or `renewCredential` for an injected one (without it the
 * injected credential is asked again and may hand back its cached token).
 * Every failure, including a malformed answer, becomes a {@link CredentialError} without secrets.
 * @param env the environment the credential reads (for the message and the secrets to redact).
 */
export function tokenAcquirer(
  settings: CredentialSettings,
  injected: TokenCredential | undefined,
  env: NodeJS.ProcessEnv,
  renewCredential?: () => TokenCredential,
): AcquireToken {
  let credential = injected;
  const name = describeCredential(injected, env);
  const secrets = [env.AZURE_CLIENT_SECRET, env.AZURE_CLIENT_CERTIFICATE_PASSWORD, env.AZURE_PASSWORD].filter(
    (s): s is string => typeof s === "string" && s !== "",
  );
  const fresh =
    renewCredential ?? (injected === undefined ? () => createDefaultCredential(settings) : undefined);
  return async (request: TokenRequest = {}) => {
    let token: AccessToken | null;
    try {
      if (request.bypassCache && fresh !== undefined) credential = fresh();
      credential ??= createDefaultCredential(settings);
      token = await credential.getToken(settings.scope, {
        enableCae: true,
        ...(request.claims !== undefined ? { claims: request.claims } : {}),
      });
    } catch (error) {
      const cause = describeCause(error, secrets);
      // An untrusted authority certificate is not a sign-in problem: name the remedy that helps. MSAL
      // hides it behind "endpoints_resolution_error", so one TLS handshake finds out.
      const untrusted =
        isCertificateError(cause) ||
        (/endpoints_resolution_error/i.test(cause) && (await certificateProblem(settings.authorityHost)));
      if (untrusted) {
        const detail = typeof untrusted === "string" ? ` (${sanitizeText(untrusted, 80)})` : "";
        throw credentialError(name, settings.scope, `${cause}${detail}`, UNTRUSTED_CERTIFICATE_HINT);
      }
      throw credentialError(name, settings.scope, cause);
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

function credentialError(name: string, scope: string, cause: string, hint = SIGN_IN_HINT): CredentialError {
  return new CredentialError(
    `Could not get an Azure token for ${scope} with ${name}: ${cause}. ${hint}`,
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
