// The emulator's own OIDC issuer, as GitHub Actions runs one: the ID tokens a workflow is handed, the
// discovery document and keys Entra reads to trust them, and the request endpoint a workflow asks
// (ACTIONS_ID_TOKEN_REQUEST_URL/_TOKEN). Its signing key is made on first use: RSA key generation is slow.
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from "node:crypto";
import { jsonResponse, newGuid, type EmulatorResponse, type ParsedRequest } from "./http";

/** The audience GitHub's token must carry for Entra's token exchange. */
export const TOKEN_EXCHANGE_AUDIENCE = "api://AzureADTokenExchange";

/** The issuer's routes under `/oidc`. */
export type OidcRoute = "oidc-config" | "oidc-keys";

/** The claims a test may set on a minted token. */
export interface OidcClaims {
  subject?: string;
  audience?: string;
  lifetimeSeconds?: number;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString("base64url");

/** The issuer at `${origin}/oidc`; `defaultSubject` is the subject the federated app trusts. */
export function createOidcIssuer(origin: string, defaultSubject: string) {
  const issuer = `${origin}/oidc`;
  let issuerKey: { privateKey: KeyObject; publicKey: KeyObject; kid: string } | undefined;

  const oidcKey = () => {
    if (issuerKey === undefined) {
      const pair = generateKeyPairSync("rsa", { modulusLength: 2048 });
      issuerKey = { ...pair, kid: randomBytes(8).toString("hex") };
    }
    return issuerKey;
  };

  function issueOidcToken(claims: OidcClaims = {}): string {
    const key = oidcKey();
    const now = Math.floor(Date.now() / 1000);
    const header = b64url(JSON.stringify({ alg: "RS256", typ: "JWT", kid: key.kid }));
    const payload = b64url(
      JSON.stringify({
        iss: issuer,
        sub: claims.subject ?? defaultSubject,
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

  function discovery(route: OidcRoute): EmulatorResponse {
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

  return {
    issuer,
    /** The signing key, or undefined before the first token: then no assertion can be one of ours. */
    signingKey: () => issuerKey,
    issueOidcToken,
    discovery,
  };
}

/** GitHub Actions' ID-token endpoint: a bearer request token in, `{"value": JWT}` for `audience` out. */
export function githubIdToken(
  req: ParsedRequest,
  githubRequestToken: string,
  issueOidcToken: (claims?: OidcClaims) => string,
): EmulatorResponse {
  const auth = req.headers.authorization;
  if (auth !== `Bearer ${githubRequestToken}`) {
    return jsonResponse(401, { message: "Bad credentials" });
  }
  const audience = req.query.audience;
  return jsonResponse(200, { count: 1, value: issueOidcToken(audience ? { audience } : {}) });
}
