import { InvalidArgumentError, type ArgumentFailure } from "../errors/InvalidArgumentError";
import type { GalleryExpand, GallerySelect } from "../lookup/types";
import { CLOUD_NAME_SPELLINGS, cloudFromName, type CloudName } from "./clouds";
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

// ARM's own patterns (GalleryRP.json, Microsoft.Resources). `\w` is ASCII without the `u` flag,
// which is what ARM matches: look-alike Unicode letters are refused here, before any request.
const GALLERY_NAME = /^[^_\W][\w-._]{0,79}(?<![-.])$/;
const RESOURCE_GROUP_NAME = /^[-\w._()]+$/;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const GALLERY_NAME_RULE =
  "must be 1 to 80 characters of letters, digits, '_', '-' and '.', start with a letter or digit, and not end with '-' or '.'";
export const RESOURCE_GROUP_NAME_RULE =
  "must be 1 to 90 characters of letters, digits, '_', '-', '.', '(' and ')', and not end with '.'";
export const SUBSCRIPTION_ID_RULE =
  "must be a subscription id, a GUID such as 00000000-0000-0000-0000-000000000000";
export const NO_SUBSCRIPTION =
  "no subscription given: set the subscriptionId argument, the stack config azure-native:subscriptionId, or the environment variable ARM_SUBSCRIPTION_ID or AZURE_SUBSCRIPTION_ID";

/** Quotes a user's value for a message: JSON-escaped (control characters visible) and cut short. */
export function quoteValue(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > 100 ? `${text.slice(0, 100)}…` : text;
  // JSON escapes only U+0000-U+001F: also make DEL, the C1 controls and the bidi overrides visible,
  // so that a value cannot rewrite or reorder the message on a terminal.
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
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
  select: { rule: (v) => (v === "Permissions" ? undefined : `must be "Permissions" when given`) },
  expand: {
    rule: (v) => (v === "SharingProfile/Groups" ? undefined : `must be "SharingProfile/Groups" when given`),
  },
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
      else valid[property] = property === "environment" ? (cloudFromName(value) as string) : value;
    }
  }
  if (failures.length > 0 || unknown.length > 0) return { failures, unknown };
  return { args: valid as unknown as ValidLookupArgs, failures, unknown };
}

/** {@link validateLookupArgs}, for callers that cannot return failures: throws {@link InvalidArgumentError}. */
export function requireValidLookupArgs(inputs: Record<string, unknown>): ValidLookupArgs {
  const { args, failures } = validateLookupArgs(inputs);
  if (!args) throw new InvalidArgumentError(failures);
  return args;
}
