// The provider plugin's face: `azure-gallery-lookup:index:GalleryLookup` and `getGallery` over the same
// core as the dynamic provider (../lookup/operations.ts, ../lookup/getGallery.ts). What differs is only
// what a plugin must do for itself: unwrap the engine's secret wrappers and mark secret again what was
// derived from a secret, and fill in the subscription and cloud here, in check, since a generated SDK
// runs none of our code in the program.
// And when to GET. The engine runs Check one resource at a time (pulumi/pulumi#12351) but Create in
// parallel, and sends Create in a preview too, because the plugin answers Configure with supportsPreview
// (advertisePreview in providerConfig.ts). So a new lookup's check only validates, and its Create GETs, in a
// preview and in an up: N new lookups overlap, and each still sends one GET per operation. A lookup already
// in the state GETs in Check as the dynamic face does, so that Diff sees drift. The engine runs Diff one at a
// time too, unless PULUMI_PARALLEL_DIFF is set, and then it runs Diffs in parallel: so when the plugin sees
// that variable (the engine's environment is its own), a lookup in the state GETs in Diff instead, and
// Update returns what Diff saw. The price: a preview's diff of a drifted lookup names no property, since the
// engine shows a diff of the inputs, which then hold only the arguments.
import type * as provider from "@pulumi/pulumi/provider";
import { InvalidArgumentError } from "../errors/InvalidArgumentError";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { lookupArgsOf } from "../gallery/diff";
import { containsUnknown } from "../gallery/unknowns";
import { requireValidLookupArgs, validateLookupArgs } from "../gallery/validation";
import { resolveDefaults } from "../lookup/defaults";
import { getGallery } from "../lookup/getGallery";
import * as operations from "../lookup/operations";
import { lookupFailure } from "../lookup/checkFailure";
import { notFoundFailure } from "../lookup/readGallery";
import type { GalleryLookupPlainArgs } from "../types/lookup";
import { PACKAGE_NAME, type PluginConfig } from "./providerConfig";
import { GALLERY_LOOKUP_TOKEN, GET_GALLERY_TOKEN } from "./tokens";
import { markSecret, unwrapProperties } from "./wireValues";

type Props = Record<string, unknown>;

/** The reason a lookup fails its check when no subscription is given anywhere the plugin looks. */
export const NO_PLUGIN_SUBSCRIPTION = `no subscription given: set the subscriptionId argument, the provider's subscriptionId (stack config ${PACKAGE_NAME}:subscriptionId), or the environment variable ARM_SUBSCRIPTION_ID or AZURE_SUBSCRIPTION_ID`;

/**
 * The lookup's arguments with the subscription and cloud filled in as azure-native fills them: the
 * argument, then the provider's configuration, then the environment.
 */
export function withPluginDefaults(props: Props, config: PluginConfig, env: NodeJS.ProcessEnv): Props {
  return resolveDefaults(lookupArgsOf(props), {
    configSubscriptionId: config.subscriptionId,
    configEnvironment: config.environment,
    env,
  });
}

/** Drops `undefined` at any depth: a protobuf Struct cannot hold it. */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, plain(v)]),
    );
  }
  return value;
}

/**
 * Whether the engine runs Diff in parallel: PULUMI_PARALLEL_DIFF read as the engine reads a boolean ("1" or
 * "true" in any case; anything else is false).
 */
export function engineDiffsInParallel(env: NodeJS.ProcessEnv): boolean {
  const value = env.PULUMI_PARALLEL_DIFF;
  return value === "1" || value?.toLowerCase() === "true";
}

/**
 * A failed GET in Create or Diff, worded as check words it: a 404 as the failure of the argument that names
 * what is missing, a failed sign-in or connection as the lookup's failure (a stopped local emulator named).
 * The SDK's server shows an error's message only, once.
 */
async function asLookupError(error: unknown, props: Props): Promise<unknown> {
  const { args } = validateLookupArgs(lookupArgsOf(props));
  const failure = args ? await lookupFailure(error, args) : undefined;
  if (!failure) return error;
  return new Error(failure.property ? `${failure.property}: ${failure.reason}` : failure.reason);
}

function requireLookupType(urn: string): void {
  const type = urn.split("::")[2]?.split("$").pop();
  if (type !== GALLERY_LOOKUP_TOKEN) throw new Error(`${PACKAGE_NAME} has no resource type ${type ?? urn}`);
}

/** Where the plugin's provider gets its configuration and environment: injected so that tests can give their own. */
export interface PluginSources {
  config(): PluginConfig;
  env: NodeJS.ProcessEnv;
}

/** The `pulumi.provider.Provider` of the plugin. */
export function galleryLookupPlugin(
  version: string,
  schema: string,
  sources: PluginSources,
): provider.Provider {
  // What Diff read for each lookup, by URN, for the Update that follows it in the same operation: one GET.
  const readInDiff = new Map<string, { args: string; observed: Props }>();
  const argsKey = (props: Props) => JSON.stringify(lookupArgsOf(props));
  return {
    version,
    schema,

    async check(urn, _olds: Props, news: Props) {
      requireLookupType(urn);
      const { props, secretKeys } = unwrapProperties(news);
      const given = withPluginDefaults(props, sources.config(), sources.env);
      const olds = unwrapProperties(_olds).props;
      // No olds: a new lookup, whose GET is Create's. Diffs in parallel: the GET is Diff's.
      const result =
        Object.keys(olds).length === 0 || engineDiffsInParallel(sources.env)
          ? operations.checkArguments(given)
          : await operations.check(olds, given);
      const failures = result.failures?.map((f) =>
        f.property === "subscriptionId" && given.subscriptionId === undefined
          ? { property: f.property, reason: NO_PLUGIN_SUBSCRIPTION }
          : f,
      );
      return { inputs: plain(markSecret(result.inputs as Props, secretKeys.length > 0)), failures };
    },

    async diff(id, urn, _olds: Props, _news: Props) {
      requireLookupType(urn);
      const olds = unwrapProperties(_olds).props;
      const news = unwrapProperties(_news).props;
      // Whatever an earlier Diff of this lookup read is not this one's.
      readInDiff.delete(urn);
      let result;
      if (!engineDiffsInParallel(sources.env)) result = await operations.diff(id, olds, news);
      else {
        let read;
        try {
          read = await operations.diffReading(id, olds, news);
        } catch (error) {
          throw await asLookupError(error, news);
        }
        if (read.observed) readInDiff.set(urn, { args: argsKey(news), observed: read.observed });
        result = read.result;
      }
      return { changes: result.changes, replaces: result.replaces, deleteBeforeReplace: false };
    },

    async create(urn, inputs: Props) {
      requireLookupType(urn);
      const { props, secretKeys } = unwrapProperties(inputs);
      const secret = secretKeys.length > 0;
      // In a preview an argument may not be known yet: nothing is sent, and the outputs stay unknown.
      if (containsUnknown(lookupArgsOf(props))) return { id: "", outs: plain(markSecret(props, secret)) };
      let created;
      try {
        // The observation check folded in (a replacement), else the GET of a new lookup.
        created = await operations.create(props);
      } catch (error) {
        throw await asLookupError(error, props);
      }
      return { id: created.id, outs: plain(markSecret(created.outs as Props, secret)) };
    },

    async update(id, urn, olds: Props, news: Props) {
      requireLookupType(urn);
      const { props, secretKeys } = unwrapProperties(news);
      const secret = secretKeys.length > 0;
      // In a preview an argument may not be known yet: nothing is sent, and the outputs stay unknown.
      if (containsUnknown(lookupArgsOf(props))) return { outs: plain(markSecret(props, secret)) };
      const read = readInDiff.get(urn);
      readInDiff.delete(urn);
      const observed = read?.args === argsKey(props) ? read.observed : props;
      const updated = await operations.update(id, unwrapProperties(olds).props, observed);
      return { outs: plain(markSecret(updated.outs as Props, secret)) };
    },

    async read(id, urn, stored: Props = {}) {
      requireLookupType(urn);
      const { props, secretKeys } = unwrapProperties(stored);
      const result = await operations.read(id, props);
      if (!result.id) return { id: "" };
      const secret = secretKeys.length > 0;
      return {
        id: result.id,
        props: plain(markSecret(result.props as Props, secret)),
        inputs: plain(markSecret(result.inputs as Props, secret)),
      };
    },

    async delete() {
      // A lookup owns nothing in Azure: destroy and replace send nothing.
    },

    async invoke(token, inputs: Props) {
      if (token !== GET_GALLERY_TOKEN) throw new Error(`${PACKAGE_NAME} has no function ${token}`);
      const { props, secretKeys } = unwrapProperties(inputs);
      const given = withPluginDefaults(props, sources.config(), sources.env);
      if (given.subscriptionId === undefined)
        return { failures: [{ property: "subscriptionId", reason: NO_PLUGIN_SUBSCRIPTION }] };
      try {
        const result = await getGallery(given as unknown as GalleryLookupPlainArgs);
        return { outputs: plain(markSecret(result as unknown as Props, secretKeys.length > 0)) };
      } catch (error) {
        if (error instanceof InvalidArgumentError) return { failures: error.failures };
        const failure =
          error instanceof GalleryNotFoundError
            ? notFoundFailure(error, requireValidLookupArgs(given))
            : undefined;
        if (failure) return { failures: [failure] };
        throw error;
      }
    },
  };
}
