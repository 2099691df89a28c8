import { escapeUnsafe, redactSecrets } from "../errors/safeText";

/** How to get a usable Azure sign-in: appended to credential and 401 errors. */
export const SIGN_IN_HINT =
  "Sign in with `az login` (and `az account set --subscription <id>`), or set AZURE_CLIENT_ID, " +
  "AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal, or pick one credential with " +
  "AZURE_TOKEN_CREDENTIALS (for example AzureCliCredential or EnvironmentCredential).";

/** What to do when a server's certificate is not trusted: a sign-in would not help. */
export const UNTRUSTED_CERTIFICATE_HINT =
  "The server's TLS certificate is not trusted, so nothing was sent: for the local emulator or a " +
  "TLS-inspecting proxy, start Node with NODE_EXTRA_CA_CERTS=<its ca.pem> (the emulator prints it as " +
  "caCertFile), or pass its CA as the ArmClient option `ca`.";

const CERTIFICATE_ERROR =
  /CERT_|_CERT\b|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT|self[- ]signed certificate|unable to verify the first certificate|certificate has expired|issuer certificate/i;

/** Whether a network error's code or message says the server's certificate was not trusted. */
export function isCertificateError(code: string, message = ""): boolean {
  return CERTIFICATE_ERROR.test(code) || CERTIFICATE_ERROR.test(message);
}

/**
 * Makes text from a service or library safe and short enough for an error message: escapes control
 * and bidi characters (one rule, {@link escapeUnsafe}), drops markup, redacts anything that looks like a bearer token or JWT, and truncates.
 */
export function sanitizeText(text: string, max = 200, redact: readonly string[] = []): string {
  let out = redactSecrets(text, redact)
    .replace(/<[^>]*>/g, " ")
    .replace(/[\t\n\v\f\r]/g, " ")
    .replace(/\bbearer\s+\S+/gi, "Bearer [redacted]")
    .replace(/eyJ[\w-]{4,}\.[\w-]*\.?[\w-]*/g, "[redacted]")
    .replace(
      /\b(access_token|client_secret|refresh_token|id_token|assertion)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
      "$1$2[redacted]",
    );
  out = out.replace(/\s+/g, " ").trim();
  return escapeUnsafe(out.length > max ? `${out.slice(0, max)}…` : out);
}
