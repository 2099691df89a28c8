/** How to get a usable Azure sign-in: appended to credential and 401 errors. */
export const SIGN_IN_HINT =
  "Sign in with `az login` (and `az account set --subscription <id>`), or set AZURE_CLIENT_ID, " +
  "AZURE_TENANT_ID and AZURE_CLIENT_SECRET for a service principal, or pick one credential with " +
  "AZURE_TOKEN_CREDENTIALS (for example AzureCliCredential or EnvironmentCredential).";

/**
 * Makes text from a service or library safe and short enough for an error message: drops control
 * characters and markup, redacts anything that looks like a bearer token or JWT, and truncates.
 */
export function sanitizeText(text: string, max = 200, redact: readonly string[] = []): string {
  let out = text
    .replace(/<[^>]*>/g, " ")
    // eslint-disable-next-line no-control-regex -- stripping control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, " ")
    .replace(/\bbearer\s+\S+/gi, "Bearer [redacted]")
    .replace(/eyJ[\w-]{4,}\.[\w-]*\.?[\w-]*/g, "[redacted]")
    .replace(
      /\b(access_token|client_secret|refresh_token|id_token|assertion)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
      "$1$2[redacted]",
    );
  for (const secret of redact) {
    if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  }
  out = out.replace(/\s+/g, " ").trim();
  return out.length > max ? `${out.slice(0, max)}…` : out;
}
