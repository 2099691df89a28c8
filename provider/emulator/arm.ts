// ARM's side: Galleries - Get, with the front door's checks in ARM's order (method, token, throttle,
// path, subscription, resource group, api-version, resource) and ARM's error codes and messages.
import { armError, type EmulatorResponse, newGuid, type ParsedRequest, routingRequestId } from "./http";
import type { GalleryStore } from "./store";
import type { SubscriptionThrottle } from "./throttle";
import type { TokenIssuer } from "./tokens";

export interface ArmContext {
  store: GalleryStore;
  tokens: TokenIssuer;
  throttle: SubscriptionThrottle;
  apiVersions: readonly string[];
  /** Where the `WWW-Authenticate` challenge sends clients: the emulator's own authority, never Microsoft's. */
  authorityHost: string;
  tenantId: string;
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** True when `$expand` asks for groups, or `$select=Permissions` (the live service then returns them too). */
export function wantsGroups(query: Map<string, string>): boolean {
  const expand = query.get("$expand");
  if (expand?.split(",").some((e) => e.trim().toLowerCase() === "sharingprofile/groups")) return true;
  return query.get("$select")?.trim().toLowerCase() === "permissions";
}

function header(req: ParsedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Answers one request addressed to ARM. Every answer carries ARM's id and rate headers. */
export function handleArm(req: ParsedRequest, ctx: ArmContext): EmulatorResponse {
  const requestId = newGuid();
  const seg = req.segments;
  const subscription = seg.length >= 2 && seg[0].toLowerCase() === "subscriptions" ? seg[1] : undefined;
  let gateway = false;
  let remaining: number | undefined;
  let region = "westus";

  const answer = ((): EmulatorResponse => {
    if (req.method !== "GET") {
      return armError(
        405,
        "MethodNotAllowed",
        `The requested resource does not support http method '${req.method}'. The emulator serves Galleries - Get only.`,
        { allow: "GET" },
      );
    }
    const auth = ctx.tokens.check(header(req, "authorization"));
    if (!auth.ok) {
      gateway = true;
      // A CAE claims challenge as ARM sends it: the claims base64-encoded, error="insufficient_claims".
      const challenge =
        "claims" in auth
          ? `Bearer realm="", authorization_uri="${ctx.authorityHost}/${ctx.tenantId}", ` +
            `error="insufficient_claims", claims="${Buffer.from(auth.claims).toString("base64")}"`
          : `Bearer authorization_uri="${ctx.authorityHost}/${ctx.tenantId}", error="invalid_token", ` +
            `error_description="${auth.message.replace(/"/g, "'")}"`;
      return armError(401, auth.code, auth.message, { "www-authenticate": challenge });
    }
    if (subscription !== undefined) {
      const decision = ctx.throttle.take(subscription);
      remaining = decision.remaining;
      if (!decision.allowed) {
        gateway = true;
        return armError(429, "TooManyRequests", "The request is being throttled.", {
          "retry-after": String(decision.retryAfterSeconds),
        });
      }
    }
    const apiVersion = req.queryLower.get("api-version");
    if (apiVersion === undefined || apiVersion === "") {
      gateway = true;
      return armError(
        400,
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
      );
    }
    if (subscription === undefined) {
      return armError(404, "NotFound", `The requested path '${req.path}' was not found.`);
    }
    if (!GUID.test(subscription)) {
      gateway = true;
      return armError(
        400,
        "InvalidSubscriptionId",
        `The provided subscription identifier '${subscription}' is malformed or invalid.`,
      );
    }
    if (!ctx.store.hasSubscription(subscription)) {
      return armError(404, "SubscriptionNotFound", `The subscription '${subscription}' could not be found.`);
    }
    const isGalleryPath =
      seg.length === 8 &&
      seg[2].toLowerCase() === "resourcegroups" &&
      seg[4].toLowerCase() === "providers" &&
      seg[5].toLowerCase() === "microsoft.compute" &&
      seg[6].toLowerCase() === "galleries";
    if (!isGalleryPath) {
      // What ARM says for a route it cannot resolve to a resource type; the emulator knows only one.
      const providers = seg.findIndex((s) => s.toLowerCase() === "providers");
      if (providers > 0 && seg.length > providers + 2) {
        return armError(
          404,
          "InvalidResourceType",
          `The resource type '${seg[providers + 2]}' could not be found in the namespace '${seg[providers + 1]}' for api version '${apiVersion}'.`,
        );
      }
      return armError(404, "NotFound", `The requested path '${req.path}' was not found.`);
    }
    const [, , , resourceGroup, , , , name] = seg;
    const location = ctx.store.resourceGroupLocation(subscription, resourceGroup);
    if (location === undefined) {
      return armError(404, "ResourceGroupNotFound", `Resource group '${resourceGroup}' could not be found.`);
    }
    region = location;
    if (!ctx.apiVersions.includes(apiVersion)) {
      gateway = true;
      return armError(
        400,
        "NoRegisteredProviderFound",
        `No registered resource provider found for location '${location}' and API version '${apiVersion}' for type 'galleries'. The supported api-versions are '${ctx.apiVersions.join(", ")}'. The supported locations are '${location}'.`,
      );
    }
    const body = ctx.store.body(subscription, resourceGroup, name, wantsGroups(req.queryLower));
    if (!body) {
      return armError(
        404,
        "ResourceNotFound",
        `The Resource 'Microsoft.Compute/galleries/${name}' under resource group '${resourceGroup}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`,
      );
    }
    return { status: 200, headers: { "content-type": "application/json; charset=utf-8" }, body };
  })();

  const clientCorrelation = header(req, "x-ms-correlation-request-id");
  Object.assign(answer.headers, {
    "cache-control": "no-cache",
    pragma: "no-cache",
    expires: "-1",
    "x-content-type-options": "nosniff",
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": gateway
      ? requestId
      : clientCorrelation && GUID.test(clientCorrelation)
        ? clientCorrelation
        : newGuid(),
    "x-ms-routing-request-id": routingRequestId(region, requestId),
    "x-ms-ratelimit-remaining-subscription-reads": String(remaining ?? ctx.throttle.peek(subscription)),
  });
  if (gateway) answer.headers["x-ms-failure-cause"] = "gateway";
  return answer;
}

/** The standard ARM headers alone, for fault answers that replace the whole response. */
export function armHeaders(ctx: ArmContext, subscription: string | undefined): Record<string, string> {
  const requestId = newGuid();
  return {
    "cache-control": "no-cache",
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": requestId,
    "x-ms-routing-request-id": routingRequestId("westus", requestId),
    "x-ms-ratelimit-remaining-subscription-reads": String(ctx.throttle.peek(subscription)),
  };
}
