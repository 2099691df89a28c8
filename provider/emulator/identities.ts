// The emulator's other ways to get a token, each as Azure or GitHub really answer it, on 127.0.0.1:
// - client assertions at the Entra token endpoint (clientAssertion.ts): a certificate-signed JWT or a
//   federated OIDC token from the emulator's own issuer (oidcIssuer.ts);
// - an App Service-style managed identity endpoint (managedIdentity.ts);
// - a GitHub Actions-style ID-token request endpoint (oidcIssuer.ts).
// This file routes the requests to them and records which client id every token was issued to, so tests
// can prove who signed in.
import { randomBytes } from "node:crypto";
import { aadError, createClientAssertions } from "./clientAssertion";
import type { EntraContext } from "./entra";
import { type EmulatorResponse, jsonResponse, newGuid, type ParsedRequest } from "./http";
import { managedIdentity } from "./managedIdentity";
import { createOidcIssuer, githubIdToken } from "./oidcIssuer";

/** Fixed, documented ids of the emulator's extra principals: fake values, never a real tenant's. */
export const IDENTITY_DEFAULTS = {
  certificateClientId: "c2c2c2c2-0000-4000-8000-000000000004",
  federatedClientId: "c3c3c3c3-0000-4000-8000-000000000005",
  federatedSubject: "repo:contoso/gallery-app:ref:refs/heads/main",
  systemIdentityClientId: "c4c4c4c4-0000-4000-8000-000000000006",
  userIdentityClientId: "c5c5c5c5-0000-4000-8000-000000000007",
  /** A second app with a secret: the account a stand-in `az` CLI is signed in as in tests. */
  cliClientId: "c6c6c6c6-0000-4000-8000-000000000008",
} as const;

/** Options of the extra sign-in methods (all optional; secrets default to random values). */
export interface IdentityOptions {
  /** The `X-IDENTITY-HEADER` value the managed identity endpoint demands (IDENTITY_HEADER). */
  identityHeader?: string;
  /** The bearer token the GitHub-style endpoint demands (ACTIONS_ID_TOKEN_REQUEST_TOKEN). */
  githubRequestToken?: string;
}

/** One token the emulator issued: to whom and by which grant. */
export interface TokenGrant {
  clientId: string;
  grant: "client_secret" | "client_certificate" | "federated_token" | "managed_identity";
}

/** The extra principals and endpoints, as tests and users configure them. */
export interface EmulatorIdentities {
  readonly certificateClientId: string;
  readonly federatedClientId: string;
  readonly federatedSubject: string;
  readonly systemIdentityClientId: string;
  readonly userIdentityClientId: string;
  readonly cliClientId: string;
  /** The client secret of {@link cliClientId}. */
  readonly cliClientSecret: string;
  /** The OIDC issuer whose tokens the federated app trusts: `https://127.0.0.1:PORT/oidc`. */
  readonly oidcIssuer: string;
  /** IDENTITY_ENDPOINT and IDENTITY_HEADER of the managed identity endpoint. */
  readonly identityEndpoint: string;
  readonly identityHeader: string;
  /** ACTIONS_ID_TOKEN_REQUEST_URL and ACTIONS_ID_TOKEN_REQUEST_TOKEN of the GitHub-style endpoint. */
  readonly githubRequestUrl: string;
  readonly githubRequestToken: string;
  /**
   * The certificate registered on the certificate app: PEM certificate and PKCS#8 private key (made on
   * first call, then the same one).
   */
  clientCertificate(): Promise<{ cert: string; key: string }>;
  /** Mints an OIDC token from the emulator's issuer (default: the federated subject and Entra's audience). */
  issueOidcToken(claims?: { subject?: string; audience?: string; lifetimeSeconds?: number }): string;
  /** Every token issued so far, in order. */
  grants(): TokenGrant[];
}

type Route = "msi" | "github" | "oidc-config" | "oidc-keys";

/** The journal kind of an identity route: token endpoints are `token`, issuer metadata is `discovery`. */
export function identityRoute(segments: string[]): "token" | "discovery" | undefined {
  const route = routeOf(segments);
  if (route === undefined) return undefined;
  return route === "oidc-config" || route === "oidc-keys" ? "discovery" : "token";
}

function routeOf(segments: string[]): Route | undefined {
  const path = segments.map((s) => s.toLowerCase()).join("/");
  if (path === "msi/token") return "msi";
  if (path === "github/token") return "github";
  if (path === "oidc/.well-known/openid-configuration") return "oidc-config";
  if (path === "oidc/keys") return "oidc-keys";
  return undefined;
}

/**
 * The identity side of one emulator. `handleSecretGrant` answers grants this module does not handle
 * (the client secret, and every refusal of those), so that one place records every token issued.
 */
export function createIdentities(
  origin: string,
  entra: EntraContext,
  handleSecretGrant: (req: ParsedRequest, form: URLSearchParams) => EmulatorResponse,
  options: IdentityOptions = {},
) {
  const ids = IDENTITY_DEFAULTS;
  const identityHeader = options.identityHeader ?? randomBytes(16).toString("hex");
  const githubRequestToken = options.githubRequestToken ?? randomBytes(24).toString("base64url");
  const cliClientSecret = randomBytes(18).toString("base64url");
  const granted: TokenGrant[] = [];
  const oidc = createOidcIssuer(origin, ids.federatedSubject);
  const issuer = oidc.issuer;
  const { issueOidcToken } = oidc;
  const { clientCertificate, checkAssertion } = createClientAssertions(entra, ids, issuer, oidc.signingKey);

  const issueToken = (clientId: string, grant: TokenGrant["grant"]) => {
    granted.push({ clientId, grant });
    return entra.tokens.issue();
  };

  function tokenGrant(req: ParsedRequest, form: URLSearchParams): EmulatorResponse {
    const assertion = form.get("client_assertion");
    if (assertion === null) {
      const cli = (form.get("client_id") ?? "").toLowerCase() === ids.cliClientId;
      if (
        cli &&
        req.method === "POST" &&
        form.get("client_secret") === cliClientSecret &&
        form.has("scope")
      ) {
        const { token, expiresIn } = issueToken(ids.cliClientId, "client_secret");
        return jsonResponse(200, { token_type: "Bearer", expires_in: expiresIn, access_token: token });
      }
      const response = handleSecretGrant(req, form);
      if (response.status === 200)
        granted.push({ clientId: form.get("client_id") ?? "", grant: "client_secret" });
      return response;
    }
    const tenant = req.segments[0] ?? "";
    if (req.method !== "POST" || tenant.toLowerCase() !== entra.tenantId.toLowerCase()) {
      return handleSecretGrant(req, form);
    }
    if (form.get("client_assertion_type") !== "urn:ietf:params:oauth:client-assertion-type:jwt-bearer") {
      return aadError(
        400,
        "invalid_request",
        90014,
        "The required field 'client_assertion_type' is missing or wrong.",
      );
    }
    if (form.get("grant_type") !== "client_credentials" || !form.has("scope")) {
      return aadError(
        400,
        "invalid_request",
        90014,
        "The request needs grant_type=client_credentials and a scope.",
      );
    }
    const clientId = form.get("client_id") ?? "";
    const refusal = checkAssertion(assertion, clientId, tenant);
    if (refusal) return refusal;
    const kind = clientId.toLowerCase() === ids.federatedClientId ? "federated_token" : "client_certificate";
    const { token, expiresIn } = issueToken(clientId.toLowerCase(), kind);
    return jsonResponse(
      200,
      { token_type: "Bearer", expires_in: expiresIn, ext_expires_in: expiresIn, access_token: token },
      { "cache-control": "no-store, no-cache", "x-ms-request-id": newGuid() },
    );
  }

  const identities: EmulatorIdentities = {
    ...ids,
    oidcIssuer: issuer,
    identityEndpoint: `${origin}/msi/token`,
    identityHeader,
    githubRequestUrl: `${origin}/github/token`,
    githubRequestToken,
    cliClientSecret,
    clientCertificate,
    issueOidcToken,
    grants: () => granted.map((g) => ({ ...g })),
  };

  return {
    identities,
    /** Answers a request when it is for one of the identity routes or the token endpoint; else undefined. */
    answer(
      req: ParsedRequest,
      form: URLSearchParams | undefined,
      isTokenEndpoint: boolean,
    ): EmulatorResponse | undefined {
      if (isTokenEndpoint) return tokenGrant(req, form ?? new URLSearchParams());
      const route = routeOf(req.segments);
      if (route === "msi") return managedIdentity(req, identityHeader, ids, issueToken);
      if (route === "github") return githubIdToken(req, githubRequestToken, issueOidcToken);
      if (route !== undefined) return oidc.discovery(route);
      return undefined;
    },
  };
}
