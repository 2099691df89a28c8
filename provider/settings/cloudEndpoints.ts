import { escapeUnsafe } from "../errors/safeText";
import { SettingsError } from "../errors/SettingsError";
import type { CloudName } from "../types/lookup";
import { CLOUD_NAME_SPELLINGS, cloudFromName } from "../gallery/clouds";

/** Where a cloud's ARM lives, who issues its tokens, and for which audience. */
export interface CloudEndpoints {
  /** ARM endpoint origin, no trailing slash. */
  resourceManagerEndpoint: string;
  /** Entra ID authority host. */
  authorityHost: string;
  /** OAuth scope of ARM tokens. */
  scope: string;
}

/** The public, US Government and China clouds (see ARM-BEHAVIOUR.md). */
export const CLOUDS: Readonly<Record<CloudName, CloudEndpoints>> = Object.freeze({
  public: {
    resourceManagerEndpoint: "https://management.azure.com",
    authorityHost: "https://login.microsoftonline.com",
    scope: "https://management.azure.com/.default",
  },
  usgovernment: {
    resourceManagerEndpoint: "https://management.usgovcloudapi.net",
    authorityHost: "https://login.microsoftonline.us",
    scope: "https://management.usgovcloudapi.net/.default",
  },
  china: {
    resourceManagerEndpoint: "https://management.chinacloudapi.cn",
    authorityHost: "https://login.chinacloudapi.cn",
    scope: "https://management.chinacloudapi.cn/.default",
  },
});

/**
 * Maps a cloud spelling (case-insensitive) to a {@link CloudName}.
 * @param setting the variable or option the value came from, named in the error.
 * @throws SettingsError for an unknown spelling.
 */
export function parseCloudName(value: string, setting: string): CloudName {
  const cloud = cloudFromName(value);
  if (cloud === undefined) {
    throw new SettingsError(
      `${setting} must name an Azure cloud (case-insensitive: ${CLOUD_NAME_SPELLINGS}), not '${truncate(value)}'.`,
      setting,
    );
  }
  return cloud;
}

/** The setting that picked the cloud, so that errors can point at it. */
export type CloudSource = "option" | "ARM_ENVIRONMENT" | "AZURE_ENVIRONMENT" | "default";

/**
 * Picks the cloud: the explicit option, else `ARM_ENVIRONMENT`, else `AZURE_ENVIRONMENT`, else public.
 * Empty variables count as unset (CI systems often export empty strings).
 */
export function resolveCloud(
  option: CloudName | undefined,
  env: NodeJS.ProcessEnv,
): { cloud: CloudName; source: CloudSource } {
  if (option !== undefined) return { cloud: parseCloudName(option, "cloud"), source: "option" };
  for (const variable of ["ARM_ENVIRONMENT", "AZURE_ENVIRONMENT"] as const) {
    const value = env[variable];
    if (value !== undefined && value.trim() !== "") {
      return { cloud: parseCloudName(value, variable), source: variable };
    }
  }
  return { cloud: "public", source: "default" };
}

function truncate(value: unknown): string {
  const text = String(value);
  return escapeUnsafe(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
