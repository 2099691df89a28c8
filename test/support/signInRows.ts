// The rows of the README's "Signing in" table as settings a user of azure-native already has: each
// how, the environment and stack config it sets, and the principal and grant the emulator must see.
// test/engine/signIn.test.ts proves every row; signInProxy.test.ts sends one row per method through a proxy.
import { IDENTITY_DEFAULTS } from "#internal/emulator/identities";
import { CANARY, secretValue, type Props, type SignInRig } from "./signInRig";

/** One way to sign in: what a user sets, and whom the emulator must see the token issued to. */
export interface SignInRow {
  how: string;
  env: (rig: SignInRig) => NodeJS.ProcessEnv;
  config?: (rig: SignInRig) => Props;
  principal: (rig: SignInRig) => string;
  grant: string;
}

/** A service principal's tenant and client id, as azure-native's ARM_* variables. */
export const sp = (rig: SignInRig, clientId: string) => ({
  ARM_TENANT_ID: rig.azure.tenantId,
  ARM_CLIENT_ID: clientId,
});
/** The emulator's authority is not one Entra knows: skip instance discovery. */
export const noDiscovery = { ARM_DISABLE_INSTANCE_DISCOVERY: "true" };

export const SIGN_IN_ROWS: SignInRow[] = [
  {
    how: "client secret in ARM_* variables",
    env: (r) => ({ ...sp(r, r.azure.clientId), ARM_CLIENT_SECRET: CANARY.clientSecret, ...noDiscovery }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "client secret in stack config (azure-native:clientSecret as a secret), nothing in the environment",
    env: () => ({}),
    config: (r) => ({
      "azure-native:clientId": r.azure.clientId,
      "azure-native:tenantId": r.azure.tenantId,
      "azure-native:clientSecret": secretValue(CANARY.clientSecret),
      "azure-native:disableInstanceDiscovery": "true",
      "engine-test:unrelated": secretValue("CANARY-unrelated-config"),
    }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "client certificate, PEM with certificate and key",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pem,
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
  {
    how: "client certificate, PEM with an encrypted key and its password",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.encryptedPem,
      ARM_CLIENT_CERTIFICATE_PASSWORD: CANARY.certificatePassword,
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
  {
    how: "client certificate, PFX with password (password as a stack config secret)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pfx,
      ...noDiscovery,
    }),
    config: () => ({ "azure-native:clientCertificatePassword": secretValue(CANARY.certificatePassword) }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
  {
    how: "OIDC with a given token (ARM_USE_OIDC + ARM_OIDC_TOKEN, as Pulumi ESC's azure-login exports)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.federatedClientId),
      ARM_USE_OIDC: "true",
      ARM_OIDC_TOKEN: r.azure.identities.issueOidcToken(),
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
    grant: "federated_token",
  },
  {
    how: "OIDC with a token file (azure-native:useOidc + azure-native:oidcTokenFilePath)",
    env: (r) => sp(r, IDENTITY_DEFAULTS.federatedClientId),
    config: (r) => ({
      "azure-native:useOidc": "true",
      "azure-native:oidcTokenFilePath": r.files.oidcTokenFile,
      "azure-native:disableInstanceDiscovery": "true",
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
    grant: "federated_token",
  },
  {
    how: "OIDC in GitHub Actions (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN, audience api://AzureADTokenExchange)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.federatedClientId),
      ARM_USE_OIDC: "true",
      ACTIONS_ID_TOKEN_REQUEST_URL: r.azure.identities.githubRequestUrl,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: CANARY.githubRequestToken,
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.federatedClientId,
    grant: "federated_token",
  },
  {
    how: "system-assigned managed identity (ARM_USE_MSI, App Service endpoint)",
    env: (r) => ({
      ARM_USE_MSI: "true",
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
    grant: "managed_identity",
  },
  {
    how: "user-assigned managed identity (azure-native:useMsi + azure-native:clientId)",
    env: (r) => ({
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    config: () => ({
      "azure-native:useMsi": "true",
      "azure-native:clientId": IDENTITY_DEFAULTS.userIdentityClientId,
    }),
    principal: () => IDENTITY_DEFAULTS.userIdentityClientId,
    grant: "managed_identity",
  },
  {
    how: "Azure CLI: azure-native settings that select no method (ARM_TENANT_ID only)",
    env: (r) => ({ ARM_TENANT_ID: r.azure.tenantId, AZURE_TOKEN_CREDENTIALS: undefined }),
    principal: () => IDENTITY_DEFAULTS.cliClientId,
    grant: "client_secret",
  },
  {
    how: "AZURE_* variables (DefaultAzureCredential's EnvironmentCredential), as before",
    env: (r) => ({
      AZURE_TENANT_ID: r.azure.tenantId,
      AZURE_CLIENT_ID: r.azure.clientId,
      AZURE_CLIENT_SECRET: CANARY.clientSecret,
      AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential",
      GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY: "true",
    }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "nothing set, on an App Service-style host: DefaultAzureCredential's managed identity link",
    // IDENTITY_ENDPOINT makes the managed identity link use that endpoint, never the metadata address.
    env: (r) => ({
      AZURE_TOKEN_CREDENTIALS: undefined,
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
    grant: "managed_identity",
  },
  {
    how: "azure-native:useDefaultAzureCredential, the chain narrowed to managed identity",
    env: (r) => ({
      AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential",
      IDENTITY_ENDPOINT: r.azure.identities.identityEndpoint,
      IDENTITY_HEADER: CANARY.identityHeader,
    }),
    config: () => ({ "azure-native:useDefaultAzureCredential": "true" }),
    principal: () => IDENTITY_DEFAULTS.systemIdentityClientId,
    grant: "managed_identity",
  },
  // Precedence conflicts, resolved as azure-native resolves them.
  {
    how: "conflict: ARM_* client secret and AZURE_* client secret of another app → ARM_* (azure-native's)",
    env: (r) => ({
      ...sp(r, r.azure.clientId),
      ARM_CLIENT_SECRET: CANARY.clientSecret,
      AZURE_TENANT_ID: r.azure.tenantId,
      AZURE_CLIENT_ID: IDENTITY_DEFAULTS.cliClientId,
      AZURE_CLIENT_SECRET: CANARY.wrongSecret,
      ...noDiscovery,
    }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "conflict: stack config client secret and a wrong ARM_CLIENT_SECRET → the stack config",
    env: (r) => ({ ...sp(r, r.azure.clientId), ARM_CLIENT_SECRET: CANARY.wrongSecret, ...noDiscovery }),
    config: () => ({ "azure-native:clientSecret": secretValue(CANARY.clientSecret) }),
    principal: (r) => r.azure.clientId,
    grant: "client_secret",
  },
  {
    how: "conflict: a certificate and a secret both set → the certificate (azure-native checks it first)",
    env: (r) => ({
      ...sp(r, IDENTITY_DEFAULTS.certificateClientId),
      ARM_CLIENT_CERTIFICATE_PATH: r.files.pem,
      ARM_CLIENT_SECRET: CANARY.wrongSecret,
      ARM_USE_MSI: "true",
      ...noDiscovery,
    }),
    principal: () => IDENTITY_DEFAULTS.certificateClientId,
    grant: "client_certificate",
  },
];
