import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import { CredentialError } from "../errors/CredentialError";
import { certificateProblem } from "./certificateCheck";
import { createCredential, ownErrorBehind } from "./credentialFactory";
import { selectedChain } from "./environmentChain";
import { chooseSignIn, signInSecrets, type SignInChoice } from "./signInChoice";
import {
  SIGN_IN_HINT,
  UNTRUSTED_CERTIFICATE_HINT,
  authorityHint,
  isCertificateError,
  signInHintFor,
} from "./signInHint";
import { GalleryLookupError } from "../errors/GalleryLookupError";
import { redactSecrets, sanitizeText } from "../errors/safeText";
import { currentSignInConfig } from "./stackConfig";
import { withTokenDeadline } from "./tokenRequestBounds";

/**
 * What the client asks of the credential. `{}`: any valid token (caches allowed). `claims`: ARM sent a
 * Continuous Access Evaluation challenge; the credential must fetch a token carrying these claims (the
 * identity library then bypasses its cache). `bypassCache`: ARM refused the token without a challenge
 * (revoked, or expired on the server's side); no cache may answer, so a fresh credential is used when
 * one can be made.
 */
export interface TokenRequest {
  claims?: string;
  bypassCache?: boolean;
  /** The deadline of the lookup asking: the credential's own token requests are ended with it. */
  abortSignal?: GetTokenOptions["abortSignal"];
}

/** Fetches one token for the request. */
export type AcquireToken = (request?: TokenRequest) => Promise<AccessToken>;

/** What the credential needs from the client's settings. */
export interface CredentialSettings {
  scope: string;
  authorityHost: string;
  disableInstanceDiscovery: boolean;
  /** `AZURE_AUTHORITY_HOST` replaced the cloud's authority: named when the authority cannot be resolved. */
  authorityOverridden?: boolean;
  /** The client's extra CA (ArmClient option `ca`), trusted by token requests too. */
  ca?: string | Buffer;
}

/**
 * The sign-in method this process uses when no credential is injected: azure-native's settings (stack
 * config, then `ARM_*`), then the `AZURE_*` chain. See {@link chooseSignIn}.
 */
export function currentSignIn(env: NodeJS.ProcessEnv): { choice: SignInChoice; secrets: string[] } {
  const sources = { config: currentSignInConfig(), env };
  return { choice: chooseSignIn(sources), secrets: signInSecrets(sources) };
}

/**
 * Names the credential for messages: the injected one's class, or the chosen method and why; for
 * DefaultAzureCredential, the chain that `AZURE_TOKEN_CREDENTIALS` selects.
 */
export function describeCredential(credential: TokenCredential | undefined, env: NodeJS.ProcessEnv): string {
  if (credential !== undefined) return credential.constructor?.name || "TokenCredential";
  return describeChoice(currentSignIn(env).choice, env);
}

/** "ClientSecretCredential (client secret)", or DefaultAzureCredential with its chain. */
function describeChoice(choice: SignInChoice, env: NodeJS.ProcessEnv): string {
  if (choice.method !== "DefaultAzureCredential") return `${choice.method} (${choice.label})`;
  return `DefaultAzureCredential (${selectedChain(env)
    .map((name) => sanitizeText(name, 60))
    .join(", ")})`;
}

/**
 * A function fetching one ARM token, creating the credential for the chosen sign-in method on first
 * use. Tokens are requested as CAE-capable (`enableCae`, as the Azure SDK's bearer policy does), so that
 * ARM answers a revoked session with a claims challenge the client can meet. `claims` go to the
 * credential (the identity library then skips its cache); `bypassCache` replaces the credential by a
 * fresh instance, the only way past MSAL's cache: a new one for the chosen method, or `renewCredential`
 * for an injected one (without it the injected credential is asked again and may hand back its cached
 * token). Every failure, including a malformed answer, becomes a {@link CredentialError} without secrets.
 * @param env the environment the credential reads (for the message and the secrets to redact).
 */
export function tokenAcquirer(
  settings: CredentialSettings,
  injected: TokenCredential | undefined,
  env: NodeJS.ProcessEnv,
  renewCredential?: () => TokenCredential,
): AcquireToken {
  let credential = injected;
  const signIn = injected === undefined ? currentSignIn(env) : undefined;
  const name = signIn ? describeChoice(signIn.choice, env) : describeCredential(injected, env);
  const why = signIn ? `${name}, chosen because ${signIn.choice.reason}` : name;
  const secrets = signIn?.secrets ?? currentSignIn(env).secrets;
  const hint = signIn ? signInHintFor(signIn.choice) : SIGN_IN_HINT;
  const fresh =
    renewCredential ?? (signIn ? () => createCredential(signIn.choice, settings, env) : undefined);
  return async (request: TokenRequest = {}) => {
    let token: AccessToken | null;
    try {
      if (request.bypassCache && fresh !== undefined) credential = fresh();
      credential ??= createCredential(signIn!.choice, settings, env);
      const active = credential;
      token = await withTokenDeadline(request.abortSignal, () =>
        active.getToken(settings.scope, {
          enableCae: true,
          ...(request.claims !== undefined ? { claims: request.claims } : {}),
          ...(request.abortSignal !== undefined ? { abortSignal: request.abortSignal } : {}),
        }),
      );
    } catch (error) {
      // The factory's own errors already name the method and what to set.
      if (error instanceof CredentialError && credential === undefined) throw error;
      // The package's own errors (an unreadable file, a failed OIDC token request) are its own wording,
      // outside text in them already sanitized: only a server's or library's text is sanitized here.
      const own = ownErrorBehind(credential, error);
      const cause =
        own instanceof GalleryLookupError
          ? redactSecrets(own.message, secrets)
          : describeCause(error, secrets);
      // An untrusted authority certificate is not a sign-in problem: name the remedy that helps. MSAL
      // hides it behind "endpoints_resolution_error", so one TLS handshake finds out.
      const untrusted =
        isCertificateError(cause) ||
        (/endpoints_resolution_error/i.test(cause) &&
          (await certificateProblem(settings.authorityHost, settings.ca)));
      if (untrusted) {
        const detail = typeof untrusted === "string" ? ` (${sanitizeText(untrusted, 80)})` : "";
        throw credentialError(name, why, settings.scope, `${cause}${detail}`, UNTRUSTED_CERTIFICATE_HINT);
      }
      // MSAL found no endpoints for the authority, so no credential was even tried: a wrong secret is not
      // the cause, and the hint for one would mislead.
      if (/endpoints_resolution_error/i.test(cause)) {
        const discoveryOff = settings.disableInstanceDiscovery || signIn?.choice.disableInstanceDiscovery;
        throw credentialError(
          name,
          why,
          settings.scope,
          cause,
          authorityHint(discoveryOff, settings.authorityOverridden === true, signIn?.choice),
        );
      }
      throw credentialError(name, why, settings.scope, cause, hint);
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
        why,
        settings.scope,
        "it returned no usable token (no token string or no expiry)",
        hint,
      );
    }
    return token;
  };
}

/** The credential gave no token before the lookup's deadline (a stalled or unreachable token endpoint). */
export function credentialDeadlineError(name: string, scope: string, deadlineMs: number): CredentialError {
  return credentialError(
    name,
    name,
    scope,
    `it gave no token within the lookup's deadline of ${deadlineMs} ms (GALLERY_LOOKUP_DEADLINE_MS): ` +
      "the token endpoint may be down or unreachable",
  );
}

function credentialError(
  name: string,
  why: string,
  scope: string,
  cause: string,
  hint = SIGN_IN_HINT,
): CredentialError {
  // Trailing dots and spaces dropped by a loop: a pattern anchored at the end would be tried from each
  // position of a long run of them.
  let end = cause.length;
  while (end > 0 && (cause[end - 1] === "." || cause[end - 1].trim() === "")) end -= 1;
  const sentence = cause.slice(0, end);
  return new CredentialError(
    `Could not get an Azure token for ${scope} with ${why}: ${sentence}. ${hint}`,
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
