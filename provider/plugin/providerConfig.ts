// The plugin's own configuration: stack config `azure-gallery-lookup:*`, or an explicit provider
// resource's arguments, with azure-native's key names. The SDK's provider server (`@pulumi/pulumi/provider`)
// answers Configure itself and never hands the request to the provider, so the request is read where gRPC
// decodes it, from the service definition the server registers.
import * as providerService from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { ConfigureRequest, ConfigureResponse } from "@pulumi/pulumi/proto/provider_pb";
import { AZURE_NATIVE_SIGN_IN_SETTINGS } from "../auth/signInChoice";
import type { ConfigReader } from "../auth/stackConfig";
import { UNKNOWN } from "../gallery/unknowns";
import { unwrapSecrets } from "./wireValues";

/** The Pulumi package name: the namespace of the plugin's config and of its tokens. */
export const PACKAGE_NAME = "azure-gallery-lookup";

/** Every key the plugin reads: the sign-in settings, and the subscription and cloud lookups default to. */
export const CONFIG_KEYS: readonly string[] = [
  "subscriptionId",
  "environment",
  ...Object.keys(AZURE_NATIVE_SIGN_IN_SETTINGS),
];

/** The plugin's configuration, keys without namespace, values as strings (`true`, not `true` the boolean). */
export type PluginConfig = Readonly<Partial<Record<string, string>>>;

/**
 * The configuration out of one Configure request. An explicit provider's arguments (`args`) and the stack
 * config (`variables`, keyed `azure-gallery-lookup:config:clientId` or `azure-gallery-lookup:clientId`)
 * carry the same keys; an argument wins. Values the engine does not know yet (a preview) are left out.
 */
export function configFromRequest(
  variables: ReadonlyMap<string, string>,
  args: Record<string, unknown>,
): PluginConfig {
  const out: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const variable =
      variables.get(`${PACKAGE_NAME}:config:${key}`) ?? variables.get(`${PACKAGE_NAME}:${key}`);
    const { value } = unwrapSecrets(args[key]);
    if (typeof value === "string" && value !== UNKNOWN) out[key] = value;
    else if (typeof value === "boolean" || typeof value === "number") out[key] = String(value);
    else if (variable !== undefined) out[key] = variable;
  }
  return out;
}

/** Reads the plugin's config under azure-native's names, for the sign-in code shared with the dynamic face. */
export function asAzureNativeConfig(config: PluginConfig): ConfigReader {
  return {
    get: (key) => (key.startsWith("azure-native:") ? config[key.slice("azure-native:".length)] : undefined),
  };
}

/**
 * Calls `onConfigure` with each Configure request's configuration, as gRPC decodes it and before the
 * server answers. Install once, before `pulumi.provider.main`.
 */
export function watchConfigure(onConfigure: (config: PluginConfig) => void): void {
  const method = configureMethod();
  const decode = method.requestDeserialize;
  method.requestDeserialize = (buffer: Buffer) => {
    const request = decode(buffer);
    const variables = new Map(request.getVariablesMap().getEntryList());
    const args = (request.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
    onConfigure(configFromRequest(variables, args));
    return request;
  };
}

/**
 * Answers every Configure with `supportsPreview`, as the SDK's server does not: only then does the engine
 * send Create during a preview (otherwise it shows a new resource's inputs as its outputs), and the plugin
 * GETs a new lookup in Create, which the engine runs in parallel, not in Check, which it runs one resource
 * at a time (pulumi/pulumi#12351). Install once, before `pulumi.provider.main`.
 */
export function advertisePreview(): void {
  const method = configureMethod();
  const encode = method.responseSerialize;
  method.responseSerialize = (response: ConfigureResponse) => {
    response.setSupportspreview(true);
    return encode(response);
  };
}

/** Configure in the service definition the SDK's server registers, whose (de)serializers gRPC calls. */
function configureMethod(): {
  requestDeserialize: (buffer: Buffer) => ConfigureRequest;
  responseSerialize: (response: ConfigureResponse) => Buffer;
} {
  return (providerService as unknown as Record<string, Record<string, unknown>>).ResourceProviderService
    .configure as ReturnType<typeof configureMethod>;
}
