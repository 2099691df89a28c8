import { settingNames, type SignInChoice } from "./signInChoice";

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

/**
 * What to do when MSAL cannot resolve the authority's endpoints (`endpoints_resolution_error`): with
 * instance discovery on, an authority Microsoft's discovery does not know; with it off, an authority that
 * does not serve its OpenID metadata. Names settings, never their values.
 * @param discoveryOff whether instance discovery was switched off (`undefined`: not known, an injected credential).
 */
export function authorityHint(
  discoveryOff: boolean | undefined,
  authorityOverridden: boolean,
  choice?: SignInChoice,
): string {
  const authority = authorityOverridden ? "the authority in AZURE_AUTHORITY_HOST" : "the cloud's authority";
  const lead =
    `The identity library could not resolve the endpoints of ${authority} (endpoints_resolution_error), ` +
    "so no credential was tried: this is not a wrong secret.";
  const tenant = choice?.from.tenantId ?? (choice ? settingNames("tenantId") : "your tenant ID setting");
  const metadata =
    `${authority} must serve <authority>/<tenant>/v2.0/.well-known/openid-configuration for the tenant in ` +
    `${tenant}, and be reachable (network, HTTPS_PROXY and NO_PROXY).`;
  if (discoveryOff === true) return `${lead} With instance discovery off, ${metadata}`;
  return (
    `${lead} For an authority that Microsoft's instance discovery does not know (a custom AZURE_AUTHORITY_HOST, ` +
    "the local emulator, Azure Stack), turn instance discovery off: GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY=true, " +
    `or azure-native's ${settingNames("disableInstanceDiscovery")} set to true (@azure/identity's ` +
    `disableInstanceDiscovery option). Otherwise ${metadata}`
  );
}

const CERTIFICATE_ERROR =
  /CERT_|_CERT\b|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ERR_TLS_CERT|self[- ]signed certificate|unable to verify the first certificate|certificate has expired|issuer certificate/i;

/** Whether a network error's code or message says the server's certificate was not trusted. */
export function isCertificateError(code: string, message = ""): boolean {
  return CERTIFICATE_ERROR.test(code) || CERTIFICATE_ERROR.test(message);
}

/** What to set or check when the chosen sign-in method fails: names settings, never their values. */
export function signInHintFor(choice: SignInChoice): string {
  const from = (name: string, fallback: string) => choice.from[name] ?? fallback;
  const notes = choice.notes.length > 0 ? ` Note: ${choice.notes.join("; ")}.` : "";
  let hint: string;
  switch (choice.method) {
    case "ClientSecretCredential":
      hint =
        `Check the client secret in ${from("clientSecret", "ARM_CLIENT_SECRET")} (the secret's value, not its ID), ` +
        `the client ID in ${from("clientId", settingNames("clientId"))} and the tenant ID in ${from("tenantId", settingNames("tenantId"))}.`;
      break;
    case "ClientCertificateCredential":
      hint =
        `Check that ${from("certificatePath", "ARM_CLIENT_CERTIFICATE_PATH")} names a readable PEM (certificate and ` +
        `private key) or PFX file, that ${settingNames("clientCertificatePassword")} opens it when it is encrypted, and ` +
        `that the certificate is registered on the app in ${from("clientId", settingNames("clientId"))}.`;
      break;
    case "ClientAssertionCredential":
      hint =
        choice.oidc?.kind === "request"
          ? `Check ${from("oidc", "ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN")} (GitHub Actions sets them ` +
            "when the job has `permissions: id-token: write`) and that the app has a federated credential for this " +
            "workflow's subject with audience api://AzureADTokenExchange."
          : `Check the OIDC token from ${from("oidc", settingNames("oidcToken"))}: it must be current (such tokens live ` +
            "minutes) and match a federated credential of the app (issuer, subject, audience).";
      break;
    case "ManagedIdentityCredential":
      hint =
        "A managed identity is available only where Azure provides one (a VM, App Service, Functions, Container " +
        `Apps, an AKS pod); for a user-assigned identity set its client ID in ${settingNames("clientId")}; to sign ` +
        `in another way, unset ${choice.reason.replace(/ is true$/, "")}.`;
      break;
    case "AzureCliCredential":
      hint =
        "Sign in with `az login` (and `az account set --subscription <id>`), or configure an azure-native sign-in " +
        `method (${settingNames("clientSecret")}, ${settingNames("useOidc")}, ${settingNames("useMsi")}, ...).`;
      break;
    case "DefaultAzureCredential":
      hint = `${SIGN_IN_HINT} azure-native's settings work too: ${settingNames("clientSecret")}, ${settingNames("useOidc")}, ${settingNames("useMsi")}, ... (README: Signing in).`;
      break;
  }
  return hint + notes;
}
