/**
 * Which proxy a request goes through: the rule of `@azure/core-rest-pipeline`'s `proxyPolicy` (in
 * `@typespec/ts-http-runtime`), which `@azure/identity` applies to its token requests, so that ARM and
 * token requests go the same way. `readProxyRule` reads only the environment it is given.
 *
 * - The proxy is the first non-empty of `HTTPS_PROXY`, `ALL_PROXY`, `HTTP_PROXY`, whatever the target's
 *   scheme; for each name the upper-case variable wins over the lower-case one.
 * - `NO_PROXY` (or `no_proxy`) is a comma-separated list, matched by the library's `proxyPolicy` itself
 *   (see `armPipeline.ts`). The library reads these variables only from `process.env`, and `NO_PROXY`
 *   only once per process; a client reads them from its own `env`, so the reading stays here.
 */
import { SettingsError } from "../errors/SettingsError";

/** The proxy settings read from one environment. */
export interface ProxyRule {
  /** The proxy's URL (http or https, maybe with user and password), or undefined when none is set. */
  proxy?: URL;
  /** Which variable named it: quoted in messages instead of its value. */
  variable?: string;
  noProxy: readonly string[];
}

const PROXY_VARIABLES = ["HTTPS_PROXY", "ALL_PROXY", "HTTP_PROXY"] as const;

function read(env: NodeJS.ProcessEnv, name: string): { name: string; value: string } | undefined {
  if (env[name]) return { name, value: env[name] };
  const lower = name.toLowerCase();
  if (env[lower]) return { name: lower, value: env[lower] };
  return undefined;
}

/**
 * Reads the proxy variables.
 * @throws SettingsError naming the variable (never its value, which may hold a password) when the proxy
 *   URL does not parse or is not http/https.
 */
export function readProxyRule(env: NodeJS.ProcessEnv): ProxyRule {
  const noProxy = (read(env, "NO_PROXY")?.value ?? "")
    .split(",")
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
  let found: { name: string; value: string } | undefined;
  for (const name of PROXY_VARIABLES) {
    found = read(env, name);
    if (found) break;
  }
  if (found === undefined) return { noProxy };
  let proxy: URL;
  try {
    proxy = new URL(found.value);
  } catch {
    throw new SettingsError(
      `${found.name} must be a proxy URL such as http://proxy.contoso.com:8080 (it does not parse).`,
      found.name,
    );
  }
  if (proxy.protocol !== "http:" && proxy.protocol !== "https:") {
    throw new SettingsError(
      `${found.name} must be an http:// or https:// proxy URL (the scheme ${proxy.protocol} is not supported).`,
      found.name,
    );
  }
  return { proxy, variable: found.name, noProxy };
}
