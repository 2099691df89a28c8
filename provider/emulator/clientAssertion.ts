// Client assertions at the Entra token endpoint, checked as Entra checks them: a certificate-signed JWT
// (RFC 7523, as MSAL makes it for ClientCertificateCredential) or a federated OIDC token from the
// emulator's own issuer. Each refusal carries the AADSTS code Entra gives, so sign-in errors read true.
import { createHash, createPublicKey, verify, X509Certificate, constants, type KeyObject } from "node:crypto";
import type { EntraContext } from "./entra";
import { jsonResponse, newGuid, type EmulatorResponse } from "./http";
import { TOKEN_EXCHANGE_AUDIENCE } from "./oidcIssuer";

const json = (part: string): Record<string, unknown> | undefined => {
  try {
    const value = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as unknown;
    return value !== null && typeof value === "object" ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
};

/** Entra's error shape, short form (entra.ts has the full one for the secret grant). */
export function aadError(status: number, error: string, code: number, message: string): EmulatorResponse {
  return jsonResponse(
    status,
    { error, error_description: `AADSTS${code}: ${message} Trace ID: ${newGuid()}`, error_codes: [code] },
    { "cache-control": "no-store, no-cache", "x-ms-request-id": newGuid() },
  );
}

/** The apps that sign in with an assertion, and the one subject the federated app trusts. */
export interface AssertionApps {
  certificateClientId: string;
  federatedClientId: string;
  federatedSubject: string;
}

/**
 * The certificate app's certificate (made on first call) and the check of an assertion.
 * `issuerSigningKey` is the emulator's OIDC signing key, undefined until it has signed a token.
 */
export function createClientAssertions(
  entra: EntraContext,
  ids: AssertionApps,
  issuer: string,
  issuerSigningKey: () => { publicKey: KeyObject; kid: string } | undefined,
) {
  let certificate: Promise<{ cert: string; key: string }> | undefined;
  let certificateThumbprints: { sha1: string; sha256: string; publicKey: KeyObject } | undefined;

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
      const key = issuerSigningKey();
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

  return { clientCertificate, checkAssertion };
}
