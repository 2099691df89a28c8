import { Config } from "@pulumi/pulumi/config";
import { readArmSettings } from "../settings/settings";
import { cloudFromName } from "../gallery/clouds";

/** Where a lookup's defaults come from besides its own arguments. */
export interface DefaultSources {
  /** Stack config `azure-native:subscriptionId`. */
  configSubscriptionId?: string;
  /** Stack config `azure-native:environment`. */
  configEnvironment?: string;
  env: NodeJS.ProcessEnv;
}

/**
 * Fills in `subscriptionId` and `environment` the way azure-native does: the argument, then the stack
 * config, then the environment variables. Pure. Values are resolved in the program and travel as
 * inputs because they say which gallery the lookup is (its id, its diff); sign-in settings, which must
 * not, reach the provider host through its `configure` hook instead (see ../auth/stackConfig.ts).
 */
export function resolveDefaults<T extends { subscriptionId?: unknown; environment?: unknown }>(
  args: T,
  sources: DefaultSources,
): T {
  const firstSet = (...values: (string | undefined)[]) => values.find((v) => v !== undefined && v !== "");
  const subscriptionId =
    args.subscriptionId ??
    firstSet(
      sources.configSubscriptionId,
      sources.env.ARM_SUBSCRIPTION_ID,
      sources.env.AZURE_SUBSCRIPTION_ID,
    );
  const environment =
    args.environment ??
    firstSet(sources.configEnvironment, sources.env.ARM_ENVIRONMENT, sources.env.AZURE_ENVIRONMENT);
  // A bad ARM_ENVIRONMENT/AZURE_ENVIRONMENT is a setting, not an argument: report it as a SettingsError
  // naming the variable, together with every other bad setting.
  const fromVariable = args.environment === undefined && !firstSet(sources.configEnvironment);
  if (fromVariable && typeof environment === "string" && !cloudFromName(environment))
    readArmSettings({ env: sources.env });
  const resolved = { ...args };
  if (subscriptionId !== undefined) resolved.subscriptionId = subscriptionId;
  if (environment !== undefined) resolved.environment = environment;
  return resolved;
}

/**
 * {@link resolveDefaults} from this process: its stack config (inside a Pulumi program) and `env`, the
 * environment of the ArmClient the lookup goes through (default `process.env`).
 */
export function withProgramDefaults<T extends { subscriptionId?: unknown; environment?: unknown }>(
  args: T,
  env: NodeJS.ProcessEnv = process.env,
): T {
  return resolveDefaults(args, { ...stackConfigDefaults(), env });
}

/** Stack config `azure-native:*`, when running inside a Pulumi program; nothing otherwise. */
function stackConfigDefaults(): Pick<DefaultSources, "configSubscriptionId" | "configEnvironment"> {
  try {
    const config = new Config("azure-native");
    return {
      configSubscriptionId: config.get("subscriptionId"),
      configEnvironment: config.get("environment"),
    };
  } catch {
    return {};
  }
}
