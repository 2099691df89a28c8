// Entra ID's side: the OpenID metadata MSAL reads and the client-credentials token endpoint, with
// Entra's error shape (`error`, `error_description` starting with the AADSTS code, `error_codes`).
import { type EmulatorResponse, jsonResponse, newGuid, type ParsedRequest } from "./http";
import type { TokenIssuer } from "./tokens";

export interface EntraContext {
  /** `https://127.0.0.1:PORT`, the authority host; the issuer shares its scheme, host and port. */
  authorityHost: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokens: TokenIssuer;
}

export type EntraRoute = "openid" | "instance" | "keys" | "token";

/** Which Entra endpoint a path names, if any. */
export function entraRoute(segments: string[]): EntraRoute | undefined {
  const lower = segments.map((s) => s.toLowerCase()).join("/");
  if (segments.length === 4 && lower.endsWith("/v2.0/.well-known/openid-configuration")) return "openid";
  if (segments.length === 4 && lower.endsWith("/oauth2/v2.0/token")) return "token";
  if (segments.length === 4 && lower.endsWith("/discovery/v2.0/keys")) return "keys";
  if (lower === "common/discovery/instance") return "instance";
  return undefined;
}

function entraError(status: number, error: string, code: number, message: string): EmulatorResponse {
  const traceId = newGuid();
  const correlationId = newGuid();
  const timestamp = new Date()
    .toISOString()
    .replace("T", " ")
    .replace(/\.(\d+)Z$/, "Z");
  return jsonResponse(
    status,
    {
      error,
      error_description: `AADSTS${code}: ${message} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [code],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${code}`,
    },
    { "cache-control": "no-store, no-cache", "x-ms-request-id": traceId },
  );
}

const tenantMatches = (ctx: EntraContext, tenant: string) =>
  tenant.toLowerCase() === ctx.tenantId.toLowerCase();

/** Answers a discovery request (OpenID metadata, instance discovery, keys). */
export function handleDiscovery(route: EntraRoute, req: ParsedRequest, ctx: EntraContext): EmulatorResponse {
  const base = ctx.authorityHost;
  const headers = { "cache-control": "max-age=86400, private", "x-ms-request-id": newGuid() };
  if (route === "instance") {
    // Served for clients that do not disable instance discovery and are pointed here explicitly.
    return jsonResponse(
      200,
      {
        tenant_discovery_endpoint: `${base}/${ctx.tenantId}/v2.0/.well-known/openid-configuration`,
        "api-version": "1.1",
        metadata: [
          {
            preferred_network: new URL(base).host,
            preferred_cache: new URL(base).host,
            aliases: [new URL(base).host],
          },
        ],
      },
      headers,
    );
  }
  const tenant = req.segments[0];
  if (!tenantMatches(ctx, tenant) && !["common", "organizations"].includes(tenant.toLowerCase())) {
    return entraError(
      400,
      "invalid_tenant",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  if (route === "keys") return jsonResponse(200, { keys: [] }, headers);
  const t = tenantMatches(ctx, tenant) ? ctx.tenantId : tenant;
  return jsonResponse(
    200,
    {
      token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ["client_secret_post", "private_key_jwt", "client_secret_basic"],
      jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
      response_modes_supported: ["query", "fragment", "form_post"],
      subject_types_supported: ["pairwise"],
      id_token_signing_alg_values_supported: ["RS256"],
      response_types_supported: ["code", "id_token", "code id_token", "id_token token"],
      scopes_supported: ["openid", "profile", "email", "offline_access"],
      issuer: `${base}/${ctx.tenantId}/v2.0`,
      request_uri_parameter_supported: false,
      userinfo_endpoint: `${base}/oidc/userinfo`,
      authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/${t}/oauth2/v2.0/devicecode`,
      http_logout_supported: true,
      frontchannel_logout_supported: true,
      end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
      claims_supported: ["sub", "iss", "aud", "exp", "iat", "nonce", "tid", "ver", "oid"],
      tenant_region_scope: "NA",
      cloud_instance_name: "microsoftonline.com",
      cloud_graph_host_name: "graph.windows.net",
      msgraph_host: "graph.microsoft.com",
    },
    headers,
  );
}

/** Answers the token endpoint: the client-credentials grant with a client secret. */
export function handleToken(req: ParsedRequest, form: URLSearchParams, ctx: EntraContext): EmulatorResponse {
  if (req.method !== "POST") {
    return entraError(
      400,
      "invalid_request",
      900561,
      "The endpoint only accepts POST requests. Received a GET request.",
    );
  }
  const tenant = req.segments[0];
  if (!tenantMatches(ctx, tenant)) {
    return entraError(
      400,
      "invalid_tenant",
      90002,
      `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
    );
  }
  const grantType = form.get("grant_type") ?? "";
  if (grantType !== "client_credentials") {
    return entraError(
      400,
      "unsupported_grant_type",
      70003,
      `The app requested an unsupported grant type '${grantType}'.`,
    );
  }
  const clientId = form.get("client_id") ?? "";
  if (clientId.toLowerCase() !== ctx.clientId.toLowerCase()) {
    return entraError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${ctx.tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.`,
    );
  }
  if (!form.has("scope")) {
    return entraError(
      400,
      "invalid_request",
      90014,
      "The required field 'scope' is missing from the credential. Ensure that you have all the necessary parameters for the login request.",
    );
  }
  const secret = form.get("client_secret");
  if (secret === null) {
    return entraError(
      401,
      "invalid_client",
      7000216,
      "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type.",
    );
  }
  if (secret !== ctx.clientSecret) {
    return entraError(
      401,
      "invalid_client",
      7000215,
      `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${ctx.clientId}'.`,
    );
  }
  const { token, expiresIn } = ctx.tokens.issue(form.get("claims") ?? undefined);
  return jsonResponse(
    200,
    { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token },
    { "cache-control": "no-store, no-cache", pragma: "no-cache", "x-ms-request-id": newGuid() },
  );
}
