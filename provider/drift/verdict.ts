// The verdict on one stored lookup against a fresh observation. Pure. It asks the very function the
// dynamic provider's `diff` asks (gallery/diff.ts `diffLookup`), with the same two property bags the
// engine would pass during `pulumi preview`: the stored outputs as `olds`, and as `news` the stored
// inputs (what the program last gave) with the fresh observation folded in, as `check` folds it.
import { checkedInputs, diffLookup, sameValue } from "../gallery/diff";
import type { GalleryObservation } from "../types/lookup";

/** One changed value, at a path of property names from the lookup's outputs. */
export interface DriftChange {
  /** Property names from the lookup's outputs down to the changed value, e.g. `["tags", "env"]`. */
  path: string[];
  /** The value in state; absent when the field was not there. `"[secret]"` when sensitive. */
  before?: unknown;
  /** The value Azure now returns; absent when the field is gone. `"[secret]"` when sensitive. */
  after?: unknown;
  /** The property is a secret in state: its values are withheld. */
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

/** The differing leaves of two values; objects are walked, everything else compares whole. */
export function leafChanges(
  before: unknown,
  after: unknown,
  path: string[] = [],
): { path: string[]; before?: unknown; after?: unknown }[] {
  if (sameValue(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => leafChanges(before[k], after[k], [...path, k]));
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
  const details = changed.flatMap((key) =>
    leafChanges(olds[key], news[key], [key]).map((change): DriftChange => {
      const sensitive = secretKeys.includes(key);
      if (!sensitive) return { ...change, sensitive };
      return {
        path: change.path,
        ...("before" in change ? { before: "[secret]" } : {}),
        ...("after" in change ? { after: "[secret]" } : {}),
        sensitive,
      };
    }),
  );
  return { changes, changed, details };
}
