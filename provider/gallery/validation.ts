import { InvalidArgumentError, type ArgumentFailure } from "../errors/InvalidArgumentError";
import type { GalleryExpand, GallerySelect } from "../types/lookup";
import type { CloudName } from "../types/lookup";
import { CLOUD_NAME_SPELLINGS, cloudFromName } from "./clouds";
import { escapeUnsafe } from "../errors/safeText";
import { UNKNOWN } from "./unknowns";

/** Arguments after validation: every identifying field present and well-formed. */
export interface ValidLookupArgs {
  subscriptionId: string;
  resourceGroupName: string;
  galleryName: string;
  select?: GallerySelect;
  expand?: GalleryExpand;
  environment?: CloudName;
}

/** The outcome of {@link validateLookupArgs}. */
export interface LookupArgsValidation {
  /** The arguments, when all are known and valid. */
  args?: ValidLookupArgs;
  /** One entry per broken rule; empty when none. */
  failures: ArgumentFailure[];
  /** Names of the arguments whose values are not known yet (the engine's unknown sentinel). */
  unknown: string[];
}

/** The argument names GalleryLookup accepts; anything else in the inputs is ignored. */
export const LOOKUP_ARG_NAMES = [
  "subscriptionId",
  "resourceGroupName",
  "galleryName",
  "select",
  "expand",
  "environment",
] as const;

// Gallery names: GalleryRP.json's pattern as the official SDK applies it (JavaScript's ASCII `\w`;
// the naming rules say alphanumerics): look-alike Unicode letters are refused before any request.
const GALLERY_NAME = /^[^_\W][\w-._]{0,79}(?<![-.])$/;
// Resource groups: ARM's `^[-\w\._\(\)]+$` is matched by .NET, whose `\w` is Unicode (letters, marks,
// digits, connectors): `rg-Müller-表` is a valid resource group.
const RESOURCE_GROUP_NAME = /^[-\p{L}\p{Mn}\p{Nd}\p{Pc}._()]+$/u;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GALLERY_NAME_RULE =
  "must be 1 to 80 characters of letters, digits, '_', '-' and '.', start with a letter or digit, and not end with '-' or '.'";
export const RESOURCE_GROUP_NAME_RULE =
  "must be 1 to 90 characters of letters and digits (any script), '_', '-', '.', '(' and ')', and not end with '.'";
/** `select` and `expand` values, canonical spelling; ARM reads them without regard to case. */
export const SELECT_VALUE = "Permissions";
export const EXPAND_VALUE = "SharingProfile/Groups";
export const SUBSCRIPTION_ID_RULE =
  "must be a subscription id, a GUID such as 00000000-0000-0000-0000-000000000000";
export const NO_SUBSCRIPTION =
  "no subscription given: set the subscriptionId argument, the stack config azure-native:subscriptionId, or the environment variable ARM_SUBSCRIPTION_ID or AZURE_SUBSCRIPTION_ID";

/** Quotes a user's value for a message: JSON-escaped (control characters visible) and cut short. */
export function quoteValue(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  // JSON escapes only U+0000-U+001F: the shared rule makes DEL, C1 and bidi controls visible too.
  return escapeUnsafe(JSON.stringify(cut));
}

type Rule = (value: string) => string | undefined;

const RULES: Record<(typeof LOOKUP_ARG_NAMES)[number], { required?: string; rule: Rule }> = {
  subscriptionId: {
    required: NO_SUBSCRIPTION,
    rule: (v) => (GUID.test(v) ? undefined : SUBSCRIPTION_ID_RULE),
  },
  resourceGroupName: {
    required: "is required: the name of the resource group that holds the gallery",
    rule: (v) =>
      v.length <= 90 && RESOURCE_GROUP_NAME.test(v) && !v.endsWith(".")
        ? undefined
        : RESOURCE_GROUP_NAME_RULE,
  },
  galleryName: {
    required: "is required: the name of the gallery",
    rule: (v) => (GALLERY_NAME.test(v) ? undefined : GALLERY_NAME_RULE),
  },
  select: { rule: (v) => (sameText(v, SELECT_VALUE) ? undefined : `must be "${SELECT_VALUE}" when given`) },
  expand: { rule: (v) => (sameText(v, EXPAND_VALUE) ? undefined : `must be "${EXPAND_VALUE}" when given`) },
  environment: {
    rule: (v) =>
      cloudFromName(v) ? undefined : `must name an Azure cloud (case-insensitive: ${CLOUD_NAME_SPELLINGS})`,
  },
};

/**
 * Checks the lookup's arguments against ARM's rules. Pure: never throws, never sends anything.
 * Unknown values are neither failures nor arguments; `args` is set only when everything is known and valid.
 */
export function validateLookupArgs(inputs: Record<string, unknown>): LookupArgsValidation {
  const failures: ArgumentFailure[] = [];
  const unknown: string[] = [];
  const valid: Record<string, string> = {};
  for (const property of LOOKUP_ARG_NAMES) {
    const value = inputs[property];
    const { required, rule } = RULES[property];
    if (value === UNKNOWN) {
      unknown.push(property);
    } else if (value === undefined || value === null || value === "") {
      if (required) failures.push({ property, reason: required });
    } else if (typeof value !== "string") {
      failures.push({ property, reason: `must be a string (got ${typeof value})` });
    } else {
      const broken = rule(value);
      if (broken) failures.push({ property, reason: `${broken} (got ${quoteValue(value)})` });
      else valid[property] = canonical(property, value);
    }
  }
  if (failures.length > 0 || unknown.length > 0) return { failures, unknown };
  return { args: valid as unknown as ValidLookupArgs, failures, unknown };
}

/** Case-insensitive comparison, as ARM compares names and query values. */
export function sameText(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** The value to keep: the canonical spelling of a cloud, `select` or `expand`; names as given. */
function canonical(property: (typeof LOOKUP_ARG_NAMES)[number], value: string): string {
  if (property === "environment") return cloudFromName(value) as string;
  if (property === "select") return SELECT_VALUE;
  if (property === "expand") return EXPAND_VALUE;
  return value;
}

/** Why a plain call cannot use Pulumi's unknown value. */
export const UNKNOWN_VALUE_REASON =
  `is Pulumi's unknown value (${UNKNOWN}), which stands for a value not known yet during a preview: ` +
  "pass the Output itself to GalleryLookup or getGalleryOutput, which wait until it is known";

/**
 * {@link validateLookupArgs}, for callers that cannot return failures or wait for unknown values:
 * throws {@link InvalidArgumentError}, naming an unknown value as such.
 */
export function requireValidLookupArgs(inputs: Record<string, unknown>): ValidLookupArgs {
  const { args, failures, unknown } = validateLookupArgs(inputs);
  if (!args) {
    throw new InvalidArgumentError([
      ...failures,
      ...unknown.map((property) => ({ property, reason: UNKNOWN_VALUE_REASON })),
    ]);
  }
  return args;
}
