// The canaries: values planted where a secret can stand (credential variables, settings, stack config,
// tokens) that must never surface in inputs, outputs, state, messages or logs. One set, so that a scan
// looks for every value any test plants.
import { strict as assert } from "node:assert";

/** The canary values; each names where it is planted. */
export const CANARY = {
  /** A client secret (AZURE_CLIENT_SECRET, the emulator's app, azure-native's clientSecret). */
  clientSecret: "CANARY-client-secret-7f3e91",
  /** A certificate's password (PFX, encrypted PEM). */
  certificatePassword: "CANARY-cert-password-52ab0c",
  /** The managed identity endpoint's header secret. */
  identityHeader: "CANARY-identity-header-d41e",
  /** GitHub Actions' OIDC request token. */
  githubRequestToken: "CANARY-github-request-9c07",
  /** A secret the emulator refuses (a wrong one, that must not be echoed in the refusal). */
  wrongSecret: "CANARY-wrong-secret-1b2c3d",
  /** The azurerm backend's and azure-native's ARM_* secrets. */
  armSecret: "CANARY-arm-secret-0b9c44f2",
  /** A user's password (AZURE_PASSWORD, a proxy's password). */
  password: "CANARY-password-d2e8a913",
  /** A storage account's access key. */
  accessKey: "CANARY-access-key-6c0f5b77",
  /** A secret stack config value or program input. */
  configSecret: "CANARY-config-secret-3c5e8a",
  /** Every token a test or the emulator issues starts with this (see {@link canaryToken}). */
  tokenPrefix: "CANARY-token-3a9e7d10-",
} as const;

/** Every canary, for scans. The token prefix stands for every token made by {@link canaryToken}. */
export const CANARY_VALUES: readonly string[] = Object.values(CANARY);

/** A canary access token: `label` tells tokens apart, the prefix makes every scan find it. */
export const canaryToken = (label: string): string => `${CANARY.tokenPrefix}${label}`;

/**
 * Credential variables of @azure/identity, azure-native and the azurerm backend, each holding a canary.
 * Not ARM_CLIENT_SECRET: it selects azure-native's client-secret sign-in (README: Signing in), which
 * test/engine/signIn.test.ts covers with canaries; these suites exercise the AZURE_* chain.
 */
export const CANARY_ENV: Record<string, string> = {
  AZURE_CLIENT_SECRET: CANARY.clientSecret,
  AZURE_CLIENT_CERTIFICATE_PASSWORD: CANARY.certificatePassword,
  ARM_CLIENT_CERTIFICATE_PASSWORD: CANARY.certificatePassword,
  AZURE_PASSWORD: CANARY.password,
  ARM_ACCESS_KEY: CANARY.accessKey,
  AZURE_STORAGE_KEY: CANARY.accessKey,
  ARM_OIDC_TOKEN: canaryToken("oidc"),
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: CANARY.githubRequestToken,
  AZURE_FEDERATED_TOKEN: canaryToken("federated"),
};

/** Asserts that no canary (secret or token) occurs in `text`; `where` names the place for the failure. */
export function assertNoCanary(text: string, where: string): void {
  for (const canary of CANARY_VALUES) {
    assert.ok(!text.includes(canary), `a canary (${canary.slice(0, 16)}…) leaked into ${where}`);
  }
}
