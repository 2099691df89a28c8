import type { CloudName } from "../types/lookup";

// Spellings used by the Azure CLI, Terraform/Pulumi (`ARM_ENVIRONMENT`) and the SDKs, compared lower-cased.
const CLOUD_ALIASES: Readonly<Record<string, CloudName>> = {
  public: "public",
  azurecloud: "public",
  azurepubliccloud: "public",
  usgovernment: "usgovernment",
  azureusgovernment: "usgovernment",
  azureusgovernmentcloud: "usgovernment",
  china: "china",
  azurechinacloud: "china",
};

/** The accepted spellings, for error messages and docs. */
export const CLOUD_NAME_SPELLINGS =
  "public, AzureCloud, AzurePublicCloud, usgovernment, AzureUSGovernment, AzureUSGovernmentCloud, china, AzureChinaCloud";

/**
 * The cloud a spelling means, case-insensitively, or `undefined` when it names none (or is no string).
 * An own-key lookup: a plain index would find "constructor" and "__proto__" on Object.prototype.
 */
export function cloudFromName(value: unknown): CloudName | undefined {
  if (typeof value !== "string") return undefined;
  const key = value.trim().toLowerCase();
  return Object.hasOwn(CLOUD_ALIASES, key) ? CLOUD_ALIASES[key] : undefined;
}
