/** Names of the Azure clouds this package knows. */
export type CloudName = "public" | "usgovernment" | "china";

/** The names Pulumi, Terraform and the Azure CLI use for each cloud, lower-cased. */
const CLOUD_ALIASES: Record<string, CloudName> = {
  public: "public",
  azurecloud: "public",
  azurepubliccloud: "public",
  usgovernment: "usgovernment",
  azureusgovernment: "usgovernment",
  azureusgovernmentcloud: "usgovernment",
  china: "china",
  azurechinacloud: "china",
};

/** The accepted spellings, for error messages. */
export const CLOUD_NAMES_ACCEPTED =
  "public, usgovernment or china (or AzureCloud, AzureUSGovernment, AzureChinaCloud)";

/** The cloud a name means, case-insensitively, or `undefined` when it names none. */
export function parseCloudName(value: string): CloudName | undefined {
  return CLOUD_ALIASES[value.trim().toLowerCase()];
}
