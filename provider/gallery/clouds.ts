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

/** The cloud a spelling means, case-insensitively, or `undefined` when it names none. */
export function cloudFromName(value: string): CloudName | undefined {
  return CLOUD_ALIASES[value.trim().toLowerCase()];
}
