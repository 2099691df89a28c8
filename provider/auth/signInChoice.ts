// Which sign-in method a lookup uses, decided the way azure-native decides (provider/pkg/provider/
// auth_azidentity.go: readAuthConfig and newSingleMethodAuthCredential). Pure: the sources go in, the
// method, its values and the reason come out. Building the credential is credentialFactory.ts's job.

/**
 * azure-native's sign-in settings: stack config key (namespace `azure-native`) → environment variable.
 * For each, a config key that is present wins over the variable, even when empty (azure-native's getConfig).
 */
export const AZURE_NATIVE_SIGN_IN_SETTINGS = Object.freeze({
  useDefaultAzureCredential: "ARM_USE_DEFAULT_AZURE_CREDENTIAL",
  clientCertificatePath: "ARM_CLIENT_CERTIFICATE_PATH",
  clientCertificatePassword: "ARM_CLIENT_CERTIFICATE_PASSWORD",
  clientSecret: "ARM_CLIENT_SECRET",
  clientId: "ARM_CLIENT_ID",
  tenantId: "ARM_TENANT_ID",
  useOidc: "ARM_USE_OIDC",
  oidcToken: "ARM_OIDC_TOKEN",
  oidcTokenFilePath: "ARM_OIDC_TOKEN_FILE_PATH",
  oidcRequestUrl: "ACTIONS_ID_TOKEN_REQUEST_URL",
  oidcRequestToken: "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
  oidcAudience: "ARM_OIDC_AUDIENCE",
  useMsi: "ARM_USE_MSI",
  msiEndpoint: "ARM_MSI_ENDPOINT",
  disableInstanceDiscovery: "ARM_DISABLE_INSTANCE_DISCOVERY",
});

/** A stack config key of azure-native's sign-in, without the `azure-native:` namespace. */
export type SignInKey = keyof typeof AZURE_NATIVE_SIGN_IN_SETTINGS;

/** Keys whose values are secrets: redacted from every message, never logged. */
export const SECRET_SIGN_IN_KEYS: readonly SignInKey[] = [
  "clientSecret",
  "clientCertificatePassword",
  "oidcToken",
  "oidcRequestToken",
];

/** `AZURE_*` variables read by DefaultAzureCredential's chain; any of them set means the user chose that chain. */
export const AZURE_SIGN_IN_VARIABLES = [
  "AZURE_TOKEN_CREDENTIALS",
  "AZURE_CLIENT_ID",
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PATH",
  "AZURE_FEDERATED_TOKEN_FILE",
  "AZURE_USERNAME",
] as const;

/** Secret `AZURE_*` and managed-identity variables, redacted like the secret keys. */
const SECRET_VARIABLES = [
  "AZURE_CLIENT_SECRET",
  "AZURE_CLIENT_CERTIFICATE_PASSWORD",
  "AZURE_PASSWORD",
  "IDENTITY_HEADER",
  "MSI_SECRET",
] as const;

/** The audience azure-native asks the GitHub Actions token endpoint for, unless `oidcAudience` says otherwise. */
export const GITHUB_OIDC_AUDIENCE = "api://AzureADTokenExchange";

/** Where a lookup's sign-in settings come from. */
export interface SignInSources {
  /** Stack config of namespace `azure-native`, keys without the namespace (as {@link SignInKey}). */
  config: Readonly<Partial<Record<string, string>>>;
  env: Readonly<NodeJS.ProcessEnv>;
}

/** The method, named after the `@azure/identity` credential that implements it. */
export type SignInMethod =
  | "DefaultAzureCredential"
  | "ClientCertificateCredential"
  | "ClientSecretCredential"
  | "ClientAssertionCredential"
  | "ManagedIdentityCredential"
  | "AzureCliCredential";

/** How a client assertion (an OIDC token) is obtained. */
export type OidcSource =
  | { kind: "token"; token: string }
  | { kind: "file"; path: string }
  | { kind: "request"; url: string; requestToken: string; audience: string };

/** The decision, with every value the credential needs and where each came from. */
export interface SignInChoice {
  method: SignInMethod;
  /** In words, for messages: "client secret", "OIDC token file", ... */
  label: string;
  /** Why this method: the setting that selected it ("ARM_CLIENT_SECRET is set"). */
  reason: string;
  tenantId?: string;
  clientId?: string;
  clientSecret?: string;
  certificatePath?: string;
  certificatePassword?: string;
  oidc?: OidcSource;
  /** Setting names the values came from, by value name ("tenantId" → "ARM_TENANT_ID"). */
  from: Record<string, string>;
  /** What must still be set before this method can work (each names the config key and the variable). */
  missing: string[];
  /** Things the user should know (a setting azure-native ignores, a boolean it does not read as true). */
  notes: string[];
  /** azure-native's `disableInstanceDiscovery` / `ARM_DISABLE_INSTANCE_DISCOVERY` is `true`. */
  disableInstanceDiscovery: boolean;
}

interface Setting {
  value: string;
  /** `stack config azure-native:clientId` or `ARM_CLIENT_ID`. */
  from: string;
}

/** Names a setting both ways, for "what to set" messages. */
export function settingNames(key: SignInKey): string {
  return `stack config azure-native:${key} or ${AZURE_NATIVE_SIGN_IN_SETTINGS[key]}`;
}

/** azure-native's getConfig: the config key when present (even empty), else the variable. */
function read(sources: SignInSources, key: SignInKey): Setting | undefined {
  const configValue = sources.config[key];
  if (configValue !== undefined) return { value: configValue, from: `stack config azure-native:${key}` };
  const variable = AZURE_NATIVE_SIGN_IN_SETTINGS[key];
  const envValue = sources.env[variable];
  return envValue === undefined ? undefined : { value: envValue, from: variable };
}

const nonEmpty = (s: Setting | undefined): s is Setting => s !== undefined && s.value !== "";

type ValueField = "tenantId" | "clientId" | "clientSecret" | "certificatePath" | "certificatePassword";

/** Puts a setting's value into the choice and remembers where it came from; false when unset. */
function take(choice: SignInChoice, field: ValueField, setting: Setting | undefined): boolean {
  if (!nonEmpty(setting)) return false;
  choice[field] = setting.value;
  choice.from[field] = setting.from;
  return true;
}

/**
 * azure-native reads a switch as on only when it is exactly `true`. Anything else that looks meant as
 * true (`1`, `True`, `yes`) is off there too; say so rather than silently differ or silently agree.
 */
function isOn(setting: Setting | undefined, notes: string[]): boolean {
  if (setting === undefined) return false;
  if (setting.value === "true") return true;
  if (/^(1|yes|on|true)$/i.test(setting.value.trim())) {
    notes.push(
      `${setting.from} is '${setting.value}', which azure-native (and so this lookup) does not read as true: set it to exactly true`,
    );
  }
  return false;
}

/**
 * Chooses the sign-in method from azure-native's settings, in azure-native's order: Default Azure
 * Credential, client certificate, client secret, OIDC, managed identity. When none of them is selected:
 * any `AZURE_*` sign-in variable picks DefaultAzureCredential (its chain reads them); otherwise, if
 * azure-native's settings are there but select nothing, the Azure CLI (azure-native's own fallback);
 * with no setting at all, DefaultAzureCredential, whose chain ends with the Azure CLI.
 */
export function chooseSignIn(sources: SignInSources): SignInChoice {
  const notes: string[] = [];
  const s = (key: SignInKey) => read(sources, key);
  const disableDiscovery = s("disableInstanceDiscovery");
  const base = (method: SignInMethod, label: string, reason: string): SignInChoice => ({
    method,
    label,
    reason,
    from: {},
    missing: [],
    notes,
    disableInstanceDiscovery: isOn(disableDiscovery, notes),
  });
  /** Client and tenant, as every service-principal method needs them. */
  const principal = (choice: SignInChoice, what: string): SignInChoice => {
    for (const key of ["tenantId", "clientId"] as const) {
      if (!take(choice, key, s(key))) {
        choice.missing.push(
          `${key === "tenantId" ? "a tenant ID" : "a client ID"} (${settingNames(key)}) for ${what}`,
        );
      }
    }
    return choice;
  };

  const useDefault = s("useDefaultAzureCredential");
  if (isOn(useDefault, notes)) {
    return base("DefaultAzureCredential", "Default Azure Credential chain", `${useDefault!.from} is true`);
  }

  const certificatePath = s("clientCertificatePath");
  if (nonEmpty(certificatePath)) {
    const choice = principal(
      base("ClientCertificateCredential", "client certificate", `${certificatePath.from} is set`),
      "a client certificate",
    );
    take(choice, "certificatePath", certificatePath);
    take(choice, "certificatePassword", s("clientCertificatePassword"));
    return choice;
  }

  const secret = s("clientSecret");
  if (nonEmpty(secret)) {
    const choice = principal(
      base("ClientSecretCredential", "client secret", `${secret.from} is set`),
      "a client secret",
    );
    take(choice, "clientSecret", secret);
    return choice;
  }

  const useOidc = s("useOidc");
  if (isOn(useOidc, notes)) {
    return chooseOidc(
      principal(base("ClientAssertionCredential", "OIDC", `${useOidc!.from} is true`), "OIDC"),
      s,
    );
  }

  const useMsi = s("useMsi");
  if (isOn(useMsi, notes)) {
    const clientId = s("clientId");
    const userAssigned = nonEmpty(clientId);
    const choice = base(
      "ManagedIdentityCredential",
      userAssigned ? "user-assigned managed identity" : "system-assigned managed identity",
      `${useMsi!.from} is true`,
    );
    take(choice, "clientId", clientId);
    const endpoint = s("msiEndpoint");
    if (nonEmpty(endpoint)) {
      notes.push(
        `${endpoint.from} is not used, as in azure-native since it moved to azidentity: the managed identity ` +
          "endpoint comes from the variables the hosting service sets (IDENTITY_ENDPOINT and IDENTITY_HEADER, " +
          "MSI_ENDPOINT, IMDS_ENDPOINT, or AZURE_POD_IDENTITY_AUTHORITY_HOST)",
      );
    }
    return choice;
  }

  const azureVariable = AZURE_SIGN_IN_VARIABLES.find((v) => (sources.env[v] ?? "").trim() !== "");
  if (azureVariable !== undefined) {
    return base(
      "DefaultAzureCredential",
      "Default Azure Credential chain",
      `no azure-native sign-in method is configured and ${azureVariable} is set`,
    );
  }
  const present = (Object.keys(AZURE_NATIVE_SIGN_IN_SETTINGS) as SignInKey[])
    .map((key) => s(key))
    .find(nonEmpty);
  if (present !== undefined) {
    return base(
      "AzureCliCredential",
      "Azure CLI",
      `${present.from} is set but no azure-native sign-in method is, so azure-native (and this lookup) uses the Azure CLI`,
    );
  }
  return base(
    "DefaultAzureCredential",
    "Default Azure Credential chain",
    "no azure-native sign-in setting (stack config azure-native:* or ARM_*) and no AZURE_* sign-in variable is set",
  );
}

function chooseOidc(choice: SignInChoice, s: (key: SignInKey) => Setting | undefined): SignInChoice {
  const use = (label: string, oidc: OidcSource, from: string): SignInChoice => {
    choice.label = label;
    choice.oidc = oidc;
    choice.from.oidc = from;
    return choice;
  };
  const token = s("oidcToken");
  if (nonEmpty(token)) return use("OIDC token", { kind: "token", token: token.value }, token.from);
  const file = s("oidcTokenFilePath");
  if (nonEmpty(file)) return use("OIDC token file", { kind: "file", path: file.value }, file.from);
  const url = s("oidcRequestUrl");
  const requestToken = s("oidcRequestToken");
  if (nonEmpty(url) && nonEmpty(requestToken)) {
    const audience = s("oidcAudience");
    return use(
      "OIDC token request (GitHub Actions)",
      {
        kind: "request",
        url: url.value,
        requestToken: requestToken.value,
        audience: nonEmpty(audience) ? audience.value : GITHUB_OIDC_AUDIENCE,
      },
      `${url.from} and ${requestToken.from}`,
    );
  }
  choice.missing.push(
    `an OIDC token: ${settingNames("oidcToken")}, a token file (${settingNames("oidcTokenFilePath")}), ` +
      `or a token request URL and token (${settingNames("oidcRequestUrl")}, and ${settingNames("oidcRequestToken")}; ` +
      "GitHub Actions sets both when the job has `permissions: id-token: write`)",
  );
  return choice;
}

/** Every secret among the sources, to redact from messages (shorter than 4 characters are not redacted). */
export function signInSecrets(sources: SignInSources): string[] {
  const values: (string | undefined)[] = [];
  for (const key of SECRET_SIGN_IN_KEYS) {
    values.push(sources.config[key], sources.env[AZURE_NATIVE_SIGN_IN_SETTINGS[key]]);
  }
  for (const variable of SECRET_VARIABLES) values.push(sources.env[variable]);
  return values.filter((v): v is string => typeof v === "string" && v.trim().length >= 4);
}

/** "ClientSecretCredential (client secret, chosen because ARM_CLIENT_SECRET is set)". */
export function describeSignIn(choice: SignInChoice): string {
  return `${choice.method} (${choice.label}, chosen because ${choice.reason})`;
}
