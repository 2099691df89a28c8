// The verdict on one stored lookup against a fresh observation. Pure. It asks the very function the
// dynamic provider's `diff` asks (gallery/diff.ts `diffLookup`), with the same two property bags the
// engine would pass during `pulumi preview`: the stored outputs as `olds`, and as `news` the stored
// inputs (what the program last gave) with the fresh observation folded in, as `check` folds it.
import { checkedInputs, diffLookup, sameValue } from "../gallery/diff";
import type { GalleryObservation } from "../types/lookup";

/** What a withheld secret value reads as, in every format. */
export const WITHHELD = "[secret]";

/** One changed value, at a path of property names from the lookup's outputs. */
export interface DriftChange {
  /** Property names from the lookup's outputs down to the changed value, e.g. `["tags", "env"]`. */
  path: string[];
  /** The value in state; absent when the field was not there. `"[secret]"` when sensitive. */
  before?: unknown;
  /** The value Azure now returns; absent when the field is gone. `"[secret]"` when sensitive. */
  after?: unknown;
  /** The property is a secret in state, or a value holds a secret's: its values are withheld, and a secret property's path stops at the property. */
  sensitive: boolean;
}

/** What the provider's `diff` decides, with the changed values spelled out. */
export interface LookupVerdict {
  /** `diffLookup(...).changes`: what `pulumi preview` would show as an update or replacement. */
  changes: boolean;
  /** The top-level properties `diffLookup` reports as changed. */
  changed: string[];
  /** The changes down to the leaves of objects (arrays compare whole, as `diff` compares them). */
  details: DriftChange[];
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

const ownValue = (bag: Record<string, unknown>, key: string): unknown =>
  Object.hasOwn(bag, key) ? bag[key] : undefined;

/** The differing leaves of two values; objects are walked, everything else compares whole. */
export function leafChanges(
  before: unknown,
  after: unknown,
  path: string[] = [],
): { path: string[]; before?: unknown; after?: unknown }[] {
  if (sameValue(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    // Own keys only: a tag named `constructor` or `toString` is absent on the side that lacks it, not
    // the function Object.prototype holds under that name.
    return keys.flatMap((k) => leafChanges(ownValue(before, k), ownValue(after, k), [...path, k]));
  }
  return [
    {
      path,
      ...(before !== undefined ? { before } : {}),
      ...(after !== undefined ? { after } : {}),
    },
  ];
}

/**
 * Compares a stored lookup with what Azure returns now. `olds` are the stored outputs, `inputs` the
 * stored inputs, `secretKeys` the properties stored as secrets (their values are withheld).
 */
export function lookupVerdict(
  olds: Record<string, unknown>,
  inputs: Record<string, unknown>,
  observed: GalleryObservation,
  secretKeys: readonly string[] = [],
): LookupVerdict {
  const news = checkedInputs(inputs, observed);
  const { changes, changed } = diffLookup(olds, news);
  const details = changed.flatMap((key): DriftChange[] => {
    const before = ownValue(olds, key);
    const after = ownValue(news, key);
    if (!secretKeys.includes(key))
      return leafChanges(before, after, [key]).map((change) => ({ ...change, sensitive: false }));
    // One change for the whole property: the keys of a secret map are as secret as its values.
    return [
      {
        path: [key],
        ...(before !== undefined ? { before: WITHHELD } : {}),
        ...(after !== undefined ? { after: WITHHELD } : {}),
        sensitive: true,
      },
    ];
  });
  return { changes, changed, details };
}
