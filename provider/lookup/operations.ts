// The dynamic provider's implementation, loaded at run time inside the provider host by the thin
// methods in provider.ts. Each operation delegates its decisions to the pure functions of ../gallery.
import type * as dynamic from "@pulumi/pulumi/dynamic";
import * as log from "@pulumi/pulumi/log";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { checkedInputs, diffLookup, lookupArgsOf as argsOf, OBSERVED_KEYS } from "../gallery/diff";
import { containsUnknown } from "../gallery/unknowns";
import { requireValidLookupArgs, validateLookupArgs } from "../gallery/validation";
import { galleryResourceId } from "../gallery/galleryId";
import { expandHint } from "../gallery/hints";
import { configureSignIn, type ConfigReader } from "../auth/stackConfig";
import { observedOrRead } from "./prefetch";
import { PROVIDER_KEY } from "./provider";
import { readGallery } from "./readGallery";
import { lookupFailure } from "./checkFailure";

type Props = Record<string, unknown>;

/** The Pulumi id of a lookup: the ARM id the service reported, or the one its arguments spell. */
function idOf(props: Props): string {
  return typeof props.resourceId === "string"
    ? props.resourceId
    : galleryResourceId(requireValidLookupArgs(props));
}

function hasObservation(props: Props): boolean {
  return OBSERVED_KEYS.some((k) => props[k] !== undefined);
}

/** The host's Configure: keeps azure-native's sign-in settings of the stack config for this process. */
export function configure(config: ConfigReader): void {
  configureSignIn(config);
}

/**
 * Validates, then (when every argument is known) looks the gallery up and folds what it saw into the
 * checked inputs: for a dynamic resource the engine shows checked inputs as outputs during preview,
 * so values are known even on a new stack. Bad input and a missing gallery are property failures; a
 * failed sign-in or connection, and a local emulator that has stopped, are the lookup's (shown once).
 */
export async function check(_olds: Props, news: Props): Promise<dynamic.CheckResult> {
  const given = argsOf(news);
  const { args, failures } = validateLookupArgs(given);
  if (!args) return withFailures(given, failures);
  try {
    // What the program's prefetch saw for exactly these arguments, else a GET of Check's own.
    const inputs = checkedInputs(given, await observedOrRead(news, args));
    // A Check can only fail or pass; a value left out for want of an argument is worth a warning.
    const hint = expandHint(inputs);
    if (hint) await log.warn(hint);
    return { inputs };
  } catch (error) {
    const failure = await lookupFailure(error, args);
    if (failure) return { inputs: given, failures: [failure] };
    throw error;
  }
}

/**
 * Check without the GET: the lookup's arguments, and a failure for each that breaks a rule. The plugin's
 * check of a new lookup, whose GET waits for Create (see ../plugin/galleryLookupPlugin.ts).
 */
export function checkArguments(news: Props): dynamic.CheckResult {
  const given = argsOf(news);
  return withFailures(given, validateLookupArgs(given).failures);
}

function withFailures(inputs: Props, failures: dynamic.CheckFailure[]): dynamic.CheckResult {
  return failures.length > 0 ? { inputs, failures } : { inputs };
}

/** Replacement for another gallery, update for other options or drift, nothing otherwise. */
export async function diff(_id: string, olds: Props, news: Props): Promise<dynamic.DiffResult> {
  const { changes, replaces } = diffLookup(olds, news);
  return { changes, replaces, deleteBeforeReplace: false };
}

/** What {@link diffReading} decided, and the observation it folded in when it sent the GET. */
export interface ReadingDiff {
  result: dynamic.DiffResult;
  /** The checked inputs with the fresh observation, for Update: undefined when nothing was sent. */
  observed?: Props;
}

/**
 * Diff for a caller whose Check sent no GET (the plugin's, when the engine runs Diff in parallel): Diff
 * reads the gallery itself and compares what it saw with the stored outputs, so drift is still seen in a
 * plain preview. It sends nothing when an argument is not known yet or another gallery is named: the first
 * is a change whatever ARM says, and the second a replacement, whose Create reads the new gallery.
 */
export async function diffReading(id: string, olds: Props, news: Props): Promise<ReadingDiff> {
  const given = argsOf(news);
  // diffLookup's own replacement rule, so that "another gallery" means here what it means in every diff.
  const elsewhere = diffLookup(olds, given).replaces.length > 0;
  if (containsUnknown(given) || elsewhere) return { result: await diff(id, olds, given) };
  const observed = await observeAgain(given, { warn: true });
  return { result: await diff(id, olds, observed), observed };
}

/** Returns what check observed: no second GET in the same operation. */
export async function create(inputs: Props): Promise<dynamic.CreateResult> {
  // Without an observation (the plugin's new lookup, whose check sends no GET) the GET is create's, and so
  // is check's warning.
  const outs = hasObservation(inputs) ? inputs : await observeAgain(inputs, { warn: true });
  return { id: idOf(outs), outs: strip(outs) };
}

/** Returns what check observed, like create; the id stays the one the engine holds. */
export async function update(_id: string, _olds: Props, news: Props): Promise<dynamic.UpdateResult> {
  const outs = hasObservation(news) ? news : await observeAgain(news);
  return { outs: strip(outs) };
}

/**
 * Refresh: GET again. A 404 answers an empty id, so the engine drops the lookup from state; otherwise
 * the fresh observation becomes both outputs and inputs, so later diffs compare against it.
 */
export async function read(id: string, props: Props = {}): Promise<dynamic.ReadResult> {
  try {
    const outs = await observeAgain(props);
    return { id, props: outs, inputs: outs };
  } catch (error) {
    if (error instanceof GalleryNotFoundError) return { id: "" };
    throw error;
  }
}

async function observeAgain(props: Props, options: { warn?: boolean } = {}): Promise<Props> {
  const given = argsOf(props);
  const observed = checkedInputs(given, await readGallery(requireValidLookupArgs(given)));
  const hint = options.warn ? expandHint(observed) : undefined;
  if (hint) await log.warn(hint);
  return observed;
}

/**
 * The dynamic provider of every GalleryLookup: what the `__provider` text (provider.ts) hands Pulumi's dynamic
 * provider host. The host calls `configure` once per process with the whole stack config, secrets decrypted;
 * only azure-native's sign-in keys are kept, in the host's memory, never in inputs, outputs or state.
 */
export const galleryLookupProvider: dynamic.ResourceProvider = {
  async configure(req: dynamic.ConfigureRequest) {
    configure(req.config);
  },
  check,
  diff,
  create,
  update,
  read,
  async delete() {
    // Nothing to do: a lookup owns nothing in Azure, so destroy and replace send nothing.
  },
};

/** Everything but the engine's own `__provider`, which the host adds back. */
function strip(props: Props): Props {
  const { [PROVIDER_KEY]: _provider, ...rest } = props;
  return rest;
}
