// Overlapping lookups (issue 26). Pulumi's engine calls each resource's Check one after the other
// (pulumi/pulumi#12351), so a GET sent from Check queues behind every other lookup's. The program, though,
// knows every lookup's arguments long before the engine checks the first: the constructor starts the GET at
// once in the program's own process, on its prefetch thread (prefetchThread.ts: one client, one token and one
// pacer for every lookup of the program), and hands what it saw to Check as one internal input. Check uses it
// when it was made for exactly the arguments Check validated, and reads for itself otherwise. argsOf() keeps
// only the lookup's arguments, so the internal input never reaches the checked inputs, the state or a diff.
import { isSecret, output, unsecret, type Output } from "@pulumi/pulumi/output";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { getMonitor } from "@pulumi/pulumi/runtime/settings";
import { ConnectionError } from "../errors/ConnectionError";
import { CredentialError } from "../errors/CredentialError";
import { GalleryLookupError } from "../errors/GalleryLookupError";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { lookupArgsOf } from "../gallery/diff";
import { validateLookupArgs, type ValidLookupArgs } from "../gallery/validation";
import type { GalleryLookupArgs, GalleryObservation } from "../types/lookup";
import type { CarriedFailure, Prefetched } from "./prefetchRead";
import { readOnPrefetchThread, startPrefetchThread } from "./prefetchThread";
import { startProviderHost } from "./providerHost";
import { readGallery } from "./readGallery";

/** The internal input that carries a prefetched observation from the program to Check. */
export const PREFETCHED_KEY = "__galleryLookupPrefetched";

const MATCHED_ARGS = [
  "subscriptionId",
  "resourceGroupName",
  "galleryName",
  "environment",
  "select",
  "expand",
] as const;

/**
 * Program side: the internal input for a lookup whose arguments (defaults already filled in) are `args`,
 * or undefined to send none. The GET starts as soon as every argument is known. Nothing is sent, and the
 * input stays unknown, while an argument is unknown; when any argument is secret the input is left out, so
 * no value derived from a secret ever travels in plain text, and Check reads for itself as before. Under
 * Pulumi's mocks (a unit test of the user's program) nothing is sent at all.
 */
export function prefetchedInput(args: GalleryLookupArgs): Output<Prefetched | undefined> | undefined {
  if (!underEngine()) return undefined;
  // The lookup registers when its GET answers: the engine starts the provider host meanwhile, not then,
  // and the GETs' work runs beside the program's main thread.
  startProviderHost();
  startPrefetchThread();
  const all = output(args);
  // unsecret: the input must never be a secret itself; whether an argument was one is asked of `all`.
  return unsecret(all).apply(async (plain) => ((await isSecret(all)) ? undefined : prefetch(plain)));
}

/**
 * Check side: the observation for `args`, from the internal input of `news` when it was made for exactly
 * these arguments (the same failure, rebuilt, when its GET failed), else from a GET of Check's own.
 */
export async function observedOrRead(
  news: Record<string, unknown>,
  args: ValidLookupArgs,
): Promise<GalleryObservation> {
  const carried = news[PREFETCHED_KEY] as Prefetched | undefined;
  if (!isPrefetched(carried) || !MATCHED_ARGS.every((k) => carried.args[k] === args[k]))
    return readGallery(args);
  if (carried.failure) throw rebuilt(carried.failure, args);
  return carried.observation as GalleryObservation;
}

/** Inside a Pulumi program run by the engine (not its mocks, not a plain script). */
function underEngine(): boolean {
  try {
    const monitor: unknown = getMonitor();
    return monitor !== undefined && !(monitor instanceof MockMonitor);
  } catch {
    return false;
  }
}

async function prefetch(plain: Record<string, unknown>): Promise<Prefetched | undefined> {
  // Arguments that break a rule send nothing here either: Check reports them, once.
  const { args } = validateLookupArgs(lookupArgsOf(plain));
  return args ? readOnPrefetchThread(args) : undefined;
}

function rebuilt(failure: CarriedFailure, args: ValidLookupArgs): Error {
  const details = { status: failure.status, code: failure.code, requestId: failure.requestId };
  // A 404 becomes the check failure of the argument that names what is missing, as a GET of Check's would.
  // The classes Check tells apart are rebuilt as themselves: a sign-in or connection failure becomes the
  // lookup's check failure (checkFailure.ts), shown once, exactly as when Check's own GET fails.
  let error: GalleryLookupError;
  if (failure.name === GalleryNotFoundError.name)
    error = new GalleryNotFoundError(failure.message, args, details);
  else if (failure.name === CredentialError.name)
    error = new CredentialError(failure.message, failure.credential ?? "", details);
  else if (failure.name === ConnectionError.name) error = new ConnectionError(failure.message, details);
  else error = new GalleryLookupError(failure.message, details);
  error.name = failure.name;
  return error;
}

function isPrefetched(value: unknown): value is Prefetched {
  if (typeof value !== "object" || value === null) return false;
  const { args, observation, failure } = value as Partial<Prefetched>;
  return (
    typeof args === "object" &&
    args !== null &&
    (typeof observation === "object") !== (typeof failure === "object") &&
    (observation ?? failure) !== null
  );
}
