// The emulator's other ways to get a token, each as Azure or GitHub really answer it, on 127.0.0.1:
// - client assertions at the Entra token endpoint: a certificate-signed JWT (RFC 7523, as MSAL makes it
//   for ClientCertificateCredential) or a federated OIDC token from the emulator's own issuer;
// - an App Service-style managed identity endpoint (IDENTITY_ENDPOINT + IDENTITY_HEADER);
// - a GitHub Actions-style ID-token request endpoint (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN).
// It records which client id every token was issued to, so tests can prove who signed in.
import {
  createHash,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  verify,
  X509Certificate,
  constants,
  type KeyObject,
} from "node:crypto";
import type { EntraContext } from "./entra";
import { type EmulatorResponse, jsonResponse, newGuid, type ParsedRequest } from "./http";

/** The audience GitHub's token must carry for Entra's token exchange. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

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

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");
const json = (part: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Entra's error shape, short form (entra.ts has the full one for the secret grant). */
function aadError(status: number, error: string, code: number, message: string): EmulatorResponse {
  return jsonResponse(
    status,
    { error, error_description: `AADSTS${code}: ${message} Trace ID: ${newGuid()}`, error_codes: [code] },
    { "cache-control": "no-store, no-cache", "x-ms-request-id": newGuid() },
  );
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
  const issuer = `${origin}/oidc`;
  const identityHeader = options.identityHeader ?? randomBytes(16).toString("hex");
  const githubRequestToken = options.githubRequestToken ?? randomBytes(24).toString("base64url");
  const cliClientSecret = randomBytes(18).toString("base64url");
  const granted: TokenGrant[] = [];
  let issuerKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;
  let certificate: Promise<{ cert: string; key: string }> | undefined;
  let certificateThumbprints: { sha1: string; sha256: string; publicKey: KeyObject } | undefined;

  const oidcKey = () => {
    if (issuerKey === undefined) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      issuerKey = { ...pair, kid: randomBytes(8).toString("hex") };
    }
    return issuerKey;
  };

  const issueToken = (clientId: string, grant: TokenGrant["grant"]) => {
    granted.push({ clientId, grant });
    return entra.tokens.issue();
  };

  function issueOidcToken(
    claims: { subject?: string; audience?: string; lifetimeSeconds?: number } = {},
  ): string {
    const key = oidcKey();
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: key.kid }));
    const payload = b64url(
      JSON.stringify({
        iss: issuer,
        sub: claims.subject ?? ids.federatedSubject,
        aud: claims.audience ?? TOKEN_EXCHANGE_AUDIENCE,
        iat: now,
        nbf: now,
        exp: now + (claims.lifetimeSeconds ?? 300),
        jti: newGuid(),
      }),
    );
    const signature = sign("sha256", Buffer.from(`${header}.${payload}`), key.privateKey);
    return `${header}.${payload}.${b64url(signature)}`;
  }

  async function clientCertificate(): Promise<{ cert: string; key: string }> {
    certificate ??= (async () => {
      const { generate } = require("selfsigned") as typeof import("selfsigned");
      const now = Date.now();
      const made = await generate([{ name: "commonName", value: "gallery-lookup emulator client" }], {
        keyType: "rsa",
        keySize: 2048,
        algorithm: "sha256",
        notBeforeDate: new Date(now - 60_000),
        notAfterDate: new Date(now + 2 * 86_400_000),
      });
      const x509 = new X509Certificate(made.cert);
      certificateThumbprints = {
        sha1: createHash("sha1").update(x509.raw).digest("base64url"),
        sha256: createHash("sha256").update(x509.raw).digest("base64url"),
        publicKey: x509.publicKey,
      };
      return { cert: made.cert, key: made.private };
    })();
    return certificate;
  }

  /** Checks a client assertion as Entra does; returns the refusal, or undefined when it is good. */
  function checkAssertion(assertion: string, clientId: string, tenant: string): EmulatorResponse | undefined {
    const parts = assertion.split(".");
    const header = parts.length === 3 ? json(parts[0]) : undefined;
    const claims = parts.length === 3 ? json(parts[1]) : undefined;
    if (header === undefined || claims === undefined) {
      return aadError(400, "invalid_request", 50027, "JWT token is invalid or malformed.");
    }
    const data = Buffer.from(`${parts[0]}.${parts[1]}`);
    const signature = Buffer.from(parts[2], "base64url");
    const now = Math.floor(Date.now() / 1000);
    const exp = typeof claims.exp === "number" ? claims.exp : 0;
    if (exp <= now)
      return aadError(400, "invalid_client", 700024, "Client assertion is not within its valid time range.");
    const lower = clientId.toLowerCase();

    if (lower === ids.federatedClientId) {
      const key = issuerKey;
      const good =
        key !== undefined &&
        header.alg === "RS256" &&
        header.kid === key.kid &&
        verify("sha256", data, key.publicKey, signature);
      if (!good || claims.iss !== issuer) {
        return aadError(
          400,
          "invalid_client",
          700211,
          `No matching federated identity record found for presented assertion issuer '${String(claims.iss)}'.`,
        );
      }
      if (claims.sub !== ids.federatedSubject) {
        return aadError(
          400,
          "invalid_client",
          700213,
          `No matching federated identity record found for presented assertion subject '${String(claims.sub)}'.`,
        );
      }
      if (claims.aud !== TOKEN_EXCHANGE_AUDIENCE) {
        return aadError(
          400,
          "invalid_client",
          700212,
          `No matching federated identity record found for presented assertion audience '${String(claims.aud)}'.`,
        );
      }
      return undefined;
    }

    if (lower === ids.certificateClientId) {
      const thumbs = certificateThumbprints;
      const thumbMatches =
        thumbs !== undefined && (header["x5t#S256"] === thumbs.sha256 || header.x5t === thumbs.sha1);
      if (!thumbMatches) {
        return aadError(
          401,
          "invalid_client",
          700027,
          "The certificate with identifier used to sign the client assertion is not registered on application.",
        );
      }
      const publicKey = createPublicKey(thumbs.publicKey.export({ type: "spki", format: "pem" }));
      const good =
        header.alg === "PS256"
          ? verify(
              "sha256",
              data,
              {
                key: publicKey,
                padding: constants.RSA_PKCS1_PSS_PADDING,
                saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
              },
              signature,
            )
          : header.alg === "RS256" && verify("sha256", data, publicKey, signature);
      if (!good)
        return aadError(401, "invalid_client", 700027, "Client assertion failed signature validation.");
      const audience = `${entra.authorityHost}/${tenant}/oauth2/v2.0/token`;
      if (claims.aud !== audience) {
        return aadError(
          401,
          "invalid_client",
          700016,
          `The audience claim of the client assertion must be the token endpoint.`,
        );
      }
      if (claims.iss !== clientId || claims.sub !== clientId) {
        return aadError(
          401,
          "invalid_client",
          700021,
          "The iss and sub claims of the client assertion must be the client id.",
        );
      }
      return undefined;
    }
    return aadError(
      400,
      "unauthorized_client",
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${entra.tenantId}'.`,
    );
  }

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

  /** App Service's managed identity endpoint, api-version 2019-08-01. */
  function managedIdentity(req: ParsedRequest): EmulatorResponse {
    const header = req.headers["x-identity-header"];
    if (header !== identityHeader) {
      return jsonResponse(401, {
        statusCode: 401,
        message: "Unauthorized: the X-IDENTITY-HEADER is missing or wrong.",
      });
    }
    if (req.query["api-version"] !== "2019-08-01" || !req.query.resource) {
      return jsonResponse(400, {
        statusCode: 400,
        message: "api-version 2019-08-01 and resource are required.",
      });
    }
    const requested = req.query.client_id ?? req.query.clientid;
    let clientId: string = ids.systemIdentityClientId;
    if (requested !== undefined && requested !== "") {
      if (requested.toLowerCase() !== ids.userIdentityClientId) {
        return jsonResponse(400, {
          statusCode: 400,
          message: "No user-assigned identity with this client id is assigned to this resource.",
        });
      }
      clientId = ids.userIdentityClientId;
    } else if (req.query.mi_res_id !== undefined || req.query.principal_id !== undefined) {
      return jsonResponse(400, {
        statusCode: 400,
        message: "Only client_id identifies a user-assigned identity here.",
      });
    }
    const { token, expiresIn } = issueToken(clientId, "managed_identity");
    return jsonResponse(200, {
      access_token: token,
      expires_on: String(Math.floor(Date.now() / 1000) + expiresIn),
      resource: req.query.resource,
      token_type: "Bearer",
      client_id: clientId,
    });
  }

  /** GitHub Actions' ID-token endpoint: a bearer request token in, `{"value": JWT}` for `audience` out. */
  function github(req: ParsedRequest): EmulatorResponse {
    const auth = req.headers.authorization;
    if (auth !== `Bearer ${githubRequestToken}`) {
      return jsonResponse(401, { message: "Bad credentials" });
    }
    const audience = req.query.audience;
    return jsonResponse(200, { count: 1, value: issueOidcToken(audience ? { audience } : {}) });
  }

  function discovery(route: Route): EmulatorResponse {
    if (route === "oidc-keys") {
      const key = oidcKey();
      return jsonResponse(200, {
        keys: [{ ...key.publicKey.export({ format: "jwk" }), kid: key.kid, use: "sig", alg: "RS256" }],
      });
    }
    return jsonResponse(200, {
      issuer,
      jwks_uri: `${issuer}/keys`,
      subject_types_supported: ["public"],
      response_types_supported: ["id_token"],
      id_token_signing_alg_values_supported: ["RS256"],
      claims_supported: ["sub", "aud", "exp", "iat", "iss", "jti", "nbf"],
    });
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
      if (route === "msi") return managedIdentity(req);
      if (route === "github") return github(req);
      if (route !== undefined) return discovery(route);
      return undefined;
    },
  };
}
