// azure-native's sign-in settings from the stack config, without them ever becoming resource inputs.
// In the dynamic provider host, the engine sends the whole stack config (namespaced, secrets decrypted)
// in its Configure call, and the host hands it to the provider's `configure` hook (see provider.ts).
// In the program itself (getGallery), the Pulumi runtime holds the same config.
import { AZURE_NATIVE_SIGN_IN_SETTINGS, type SignInKey } from "./signInChoice";

/** What the dynamic provider's `configure` hook receives: `get("azure-native:clientId")`. */
export interface ConfigReader {
  get(key: string): string | undefined;
}

const KEYS = Object.keys(AZURE_NATIVE_SIGN_IN_SETTINGS) as SignInKey[];

let configured: Partial<Record<SignInKey, string>> | undefined;

/** azure-native's sign-in keys out of a config reader, namespace dropped; absent keys stay absent. */
export function readSignInConfig(config: ConfigReader): Partial<Record<SignInKey, string>> {
  const out: Partial<Record<SignInKey, string>> = {};
  for (const key of KEYS) {
    const value = config.get(`azure-native:${key}`);
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

/** Called by the provider's `configure` hook: from now on this process signs in with that config. */
export function configureSignIn(config: ConfigReader): void {
  configured = readSignInConfig(config);
}

/**
 * Signs in with config read elsewhere: the program's prefetch thread gets the program's own, read on its
 * main thread (a worker has no Pulumi runtime to read it from).
 */
export function useSignInConfig(values: Partial<Record<SignInKey, string>>): void {
  configured = { ...values };
}

/**
 * The sign-in config of this process: what `configure` received, else the Pulumi program's own stack
 * config (getGallery runs in the program), else nothing.
 */
export function currentSignInConfig(): Partial<Record<SignInKey, string>> {
  if (configured !== undefined) return configured;
  try {
    // Loaded lazily: outside a Pulumi program (a script, the CLI) there is simply no config.
    const { getConfig } =
      require("@pulumi/pulumi/runtime/config") as typeof import("@pulumi/pulumi/runtime/config");
    // runtime.getConfig, not Config.get: the latter warns on every secret key it is asked for.
    return readSignInConfig({ get: (key) => getConfig(key) });
  } catch {
    return {};
  }
}
