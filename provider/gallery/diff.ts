import type { GalleryObservation } from "../types/lookup";
import { UNKNOWN } from "./unknowns";
import { LOOKUP_ARG_NAMES } from "./validation";

/** Arguments that name a different gallery when they change: a change replaces the lookup. */
export const IDENTIFYING_ARGS = [
  "subscriptionId",
  "resourceGroupName",
  "galleryName",
  "environment",
] as const;

/** Arguments that change what is asked for, not which gallery: a change updates the lookup. */
export const OPTION_ARGS = ["select", "expand"] as const;

/** Every observed output, compared for drift. */
export const OBSERVED_KEYS: readonly (keyof GalleryObservation)[] = [
  "resourceId",
  "name",
  "type",
  "location",
  "tags",
  "description",
  "provisioningState",
  "uniqueName",
  "identity",
  "principalId",
  "sharingProfile",
  "permissions",
  "sharedSubscriptionIds",
  "sharedTenantIds",
  "communityGalleryInfo",
  "communityPublicNames",
  "sharingStatus",
  "softDeletePolicy",
  "systemData",
];

/** What {@link diffLookup} decides, in the shape of Pulumi's `DiffResult`. */
export interface LookupDiff {
  changes: boolean;
  replaces: string[];
  /** The properties that differ (identifying, options, or observed drift), for messages and tests. */
  changed: string[];
}

/** Deep equality of JSON values; object key order does not matter. */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  // A value the gallery lacks is stored as null since check folds it so (older states left it out).
  if (a == null && b == null) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameValue(v, b[i]))
    );
  }
  if (a === null || b === null || typeof a !== "object" || typeof b !== "object") return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  return (
    ka.length === kb.length &&
    ka.every((k) => sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}

/** ARM names and ids compare without regard to letter case. */
export function sameArmName(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  return a === b || (a == null && b == null);
}

/**
 * Compares the stored outputs with the newly checked inputs (which carry a fresh observation).
 * Pure. A different gallery (by name, case-insensitively) or cloud is a replacement; other option
 * changes and drift in what was observed are an update; drift never replaces. A value not known yet
 * counts as a change, so a preview never claims "no changes" it cannot know.
 */
export function diffLookup(olds: Record<string, unknown>, news: Record<string, unknown>): LookupDiff {
  const replaces = IDENTIFYING_ARGS.filter(
    (key) => news[key] === UNKNOWN || !sameArmName(olds[key], news[key]),
  );
  const options = OPTION_ARGS.filter((key) => news[key] === UNKNOWN || !sameValue(olds[key], news[key]));
  const drift = OBSERVED_KEYS.filter((key) => !sameValue(olds[key], news[key]));
  const changed = [...replaces, ...options, ...drift];
  return { changes: changed.length > 0, replaces, changed };
}

/** The lookup's own arguments out of a property bag (drops `__provider` and the observed outputs). */
export function lookupArgsOf(props: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(LOOKUP_ARG_NAMES.filter((k) => props[k] != null).map((k) => [k, props[k]]));
}

/** Every output of a lookup that is not one of the arguments that pick the gallery. */
const FOLDED_KEYS = [...OPTION_ARGS, "environment", ...OBSERVED_KEYS] as const;

/**
 * The checked inputs `check` returns and `diff` then receives as `news`: the program's arguments with a
 * fresh observation folded in. The drift check builds its `news` here too, so it cannot disagree with `diff`.
 * An output with no value is null, not left out: during a preview the engine shows a key missing from the
 * checked inputs as unknown (seen under the real Pulumi CLI), and null keeps "the gallery has none" known.
 */
export function checkedInputs(
  inputs: Record<string, unknown>,
  observed: GalleryObservation,
): Record<string, unknown> {
  const folded: Record<string, unknown> = { ...lookupArgsOf(inputs), ...observed };
  for (const key of FOLDED_KEYS) folded[key] ??= null;
  return folded;
}
