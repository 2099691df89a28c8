import { SettingsError } from "../errors/SettingsError";
import type { CloudName } from "../types/lookup";
import { CLOUDS, resolveCloud, type CloudSource } from "./cloudEndpoints";

/** Everything the ARM client reads from its environment, validated. Read once per client. */
export interface ArmSettings {
  cloud: CloudName;
  /** Which setting picked {@link cloud}. */
  cloudSource: CloudSource;
  /** ARM origin, no trailing slash: the cloud's, or `AZURE_RESOURCE_MANAGER_ENDPOINT`. */
  endpoint: string;
  /** True when `AZURE_RESOURCE_MANAGER_ENDPOINT` replaced the cloud's endpoint. */
  endpointOverridden: boolean;
  /** Entra authority: `AZURE_AUTHORITY_HOST` or the cloud's. */
  authorityHost: string;
  /** True when `AZURE_AUTHORITY_HOST` replaced the cloud's authority. */
  authorityOverridden: boolean;
  /** Token scope: always the cloud's, even with an endpoint override (emulators accept any scope). */
  scope: string;
  maxRetries: number;
  attemptTimeoutMs: number;
  deadlineMs: number;
  maxResponseBytes: number;
  /** Passed to DefaultAzureCredential: needed for non-Microsoft authority hosts (a local emulator). */
  disableInstanceDiscovery: boolean;
}

/**
 * Node's longest timer, 2^31-1 ms (about 24.8 days): a `setTimeout` or `AbortSignal.timeout` asked for
 * longer fires after 1 ms instead. Every duration a user can set (flags, settings, emulator options) is
 * held to it.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Why `ms`, a duration called `name`, cannot be a timer's delay; undefined when it can. */
export function durationProblem(name: string, ms: number, min = 0): string | undefined {
  if (Number.isSafeInteger(ms) && ms >= min && ms <= MAX_TIMER_MS) return undefined;
  return `${name} must be a whole number of milliseconds from ${min} to ${MAX_TIMER_MS} (about 24.8 days, Node's longest timer)`;
}

/** Defaults of the numeric settings. */
export const SETTING_DEFAULTS = Object.freeze({
  maxRetries: 4,
  attemptTimeoutMs: 15_000,
  deadlineMs: 120_000,
  maxResponseBytes: 4 * 1024 * 1024,
});

interface IntegerRule {
  variable: string;
  key: "maxRetries" | "attemptTimeoutMs" | "deadlineMs" | "maxResponseBytes";
  min: number;
  max: number;
}

// Every `…_MS` maximum is within MAX_TIMER_MS (test/unit/settings.test.ts holds them to it).
export const INTEGER_RULES: readonly IntegerRule[] = [
  { variable: "GALLERY_LOOKUP_MAX_RETRIES", key: "maxRetries", min: 0, max: 20 },
  { variable: "GALLERY_LOOKUP_ATTEMPT_TIMEOUT_MS", key: "attemptTimeoutMs", min: 1, max: 600_000 },
  { variable: "GALLERY_LOOKUP_DEADLINE_MS", key: "deadlineMs", min: 1, max: 3_600_000 },
  {
    variable: "GALLERY_LOOKUP_MAX_RESPONSE_BYTES",
    key: "maxResponseBytes",
    min: 1024,
    max: 256 * 1024 * 1024,
  },
];

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);

interface Failure {
  variable: string;
  reason: string;
}

/**
 * Reads and validates every setting at once, so that one error lists all that is wrong.
 * @throws SettingsError naming each bad variable and its rule; never echoes the value of a URL
 *   (it may hold credentials).
 */
export function readArmSettings(input: { cloud?: CloudName; env: NodeJS.ProcessEnv }): ArmSettings {
  const { env } = input;
  const failures: Failure[] = [];
  const { cloud, source } = catchInto(failures, () => resolveCloud(input.cloud, env)) ?? {
    cloud: "public" as CloudName,
    source: "default" as CloudSource,
  };
  const endpoints = CLOUDS[cloud];

  const numbers: Record<IntegerRule["key"], number> = { ...SETTING_DEFAULTS };
  for (const rule of INTEGER_RULES) {
    const raw = nonEmpty(env[rule.variable]);
    if (raw === undefined) continue;
    const value = /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
    if (!(value >= rule.min && value <= rule.max)) {
      failures.push({
        variable: rule.variable,
        reason: `must be a whole number from ${rule.min} to ${rule.max} (default ${SETTING_DEFAULTS[rule.key]})`,
      });
    } else {
      numbers[rule.key] = value;
    }
  }

  let endpoint = endpoints.resourceManagerEndpoint;
  const endpointRaw = nonEmpty(env.AZURE_RESOURCE_MANAGER_ENDPOINT);
  if (endpointRaw !== undefined) {
    const checked = checkEndpoint(endpointRaw);
    if (typeof checked === "string") endpoint = checked;
    else failures.push({ variable: "AZURE_RESOURCE_MANAGER_ENDPOINT", reason: checked.reason });
  }

  let authorityHost = endpoints.authorityHost;
  const authorityRaw = nonEmpty(env.AZURE_AUTHORITY_HOST);
  if (authorityRaw !== undefined) {
    const checked = checkAuthorityHost(authorityRaw);
    if (typeof checked === "string") authorityHost = checked;
    else failures.push({ variable: "AZURE_AUTHORITY_HOST", reason: checked.reason });
  }

  let disableInstanceDiscovery = false;
  const discoveryRaw = nonEmpty(env.GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY);
  if (discoveryRaw !== undefined) {
    const lowered = discoveryRaw.toLowerCase();
    if (lowered === "true" || lowered === "1") disableInstanceDiscovery = true;
    else if (lowered !== "false" && lowered !== "0") {
      failures.push({
        variable: "GALLERY_LOOKUP_DISABLE_INSTANCE_DISCOVERY",
        reason: "must be true or false (or 1 or 0)",
      });
    }
  }

  if (failures.length > 0) {
    throw new SettingsError(
      `Invalid gallery-lookup settings: ${failures.map((f) => `${f.variable} ${f.reason}`).join("; ")}.`,
      failures.map((f) => f.variable).join(", "),
    );
  }
  return {
    cloud,
    cloudSource: source,
    endpoint,
    endpointOverridden: endpointRaw !== undefined,
    authorityHost,
    authorityOverridden: authorityRaw !== undefined,
    scope: endpoints.scope,
    ...numbers,
    disableInstanceDiscovery,
  };
}

/**
 * Validates an ARM endpoint override. Returns its origin, or why it is refused. The reason never
 * contains the value itself.
 */
export function checkEndpoint(raw: string): string | { reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: "must be an absolute URL such as https://management.azure.com (it does not parse)" };
  }
  if (url.username !== "" || url.password !== "") {
    return { reason: "must not contain a user name or password" };
  }
  if (url.protocol === "http:") {
    if (!LOOPBACK_HOSTS.has(url.hostname)) {
      return { reason: "must use https (http is allowed only for 127.0.0.1, ::1 or localhost)" };
    }
  } else if (url.protocol !== "https:") {
    return { reason: "must use https (http is allowed only for 127.0.0.1, ::1 or localhost)" };
  }
  if (url.pathname !== "/") return { reason: "must have no path other than /" };
  // `new URL` drops an empty "?" or "#", so look at the raw text as well.
  if (url.search !== "" || raw.includes("?")) return { reason: "must have no query" };
  if (url.hash !== "" || raw.includes("#")) return { reason: "must have no fragment" };
  return url.origin;
}

/** Entra authorities must be https (MSAL refuses anything else); returns the origin or why it is refused. */
export function checkAuthorityHost(raw: string): string | { reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { reason: "must be an absolute https URL such as https://login.microsoftonline.com" };
  }
  if (url.username !== "" || url.password !== "")
    return { reason: "must not contain a user name or password" };
  if (url.protocol !== "https:") return { reason: "must use https (the identity library refuses http)" };
  return url.href.replace(/\/+$/, "");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value.trim();
}

function catchInto<T>(failures: Failure[], fn: () => T): T | undefined {
  try {
    return fn();
  } catch (error) {
    if (error instanceof SettingsError) {
      failures.push({
        variable: error.setting,
        reason: error.message.replace(/^\S+ /, "").replace(/\.$/, ""),
      });
      return undefined;
    }
    throw error;
  }
}
