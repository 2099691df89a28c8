// Where ClientAssertionCredential gets its OIDC token (the client assertion) from: a given token, a
// token file, or the GitHub Actions ID-token endpoint, as azure-native's newOidcCredential does.
import { CredentialError } from "../errors/CredentialError";
import { sanitizeText } from "../errors/safeText";
import { readCredentialFile } from "./credentialFile";
import type { OidcSource } from "./signInChoice";

/** A callback for ClientAssertionCredential. `from` names the setting(s) in errors, never their values. */
export function oidcAssertion(source: OidcSource, from: string, ca?: string | Buffer): () => Promise<string> {
  switch (source.kind) {
    case "token":
      return async () => source.token;
    case "file":
      // Read on every call, not once: workload identity and CI runners rotate the file's token.
      return async () => {
        const bytes = await readCredentialFile(source.path);
        if (!Buffer.isBuffer(bytes))
          throw assertionError(`the OIDC token file named by ${from} ${bytes.reason}`);
        const token = bytes.toString("utf8").trim();
        if (token === "") throw assertionError(`the OIDC token file named by ${from} is empty`);
        return token;
      };
    case "request":
      return () => requestGitHubToken(source, from, ca);
  }
}

function assertionError(message: string): CredentialError {
  return new CredentialError(
    `Could not get the OIDC token for the client assertion: ${message}.`,
    "ClientAssertionCredential",
  );
}

/**
 * GitHub Actions' ID-token request: GET the request URL with `audience` added and the request token as
 * bearer; the answer is `{"value": "<JWT>"}`. Sent through `@azure/core-rest-pipeline`, the pipeline
 * `@azure/identity` sends its own token requests through, so it follows the same HTTPS_PROXY/NO_PROXY rule.
 */
async function requestGitHubToken(
  source: Extract<OidcSource, { kind: "request" }>,
  from: string,
  ca: string | Buffer | undefined,
): Promise<string> {
  const rest = require("@azure/core-rest-pipeline") as typeof import("@azure/core-rest-pipeline");
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    throw assertionError(`the token request URL in ${from} is not an absolute URL`);
  }
  url.searchParams.set("audience", source.audience);
  const request = rest.createPipelineRequest({
    url: url.href,
    method: "GET",
    headers: rest.createHttpHeaders({
      accept: "application/json",
      authorization: `Bearer ${source.requestToken}`,
    }),
    timeout: 30_000,
    // The client's extra CA (ArmClient option `ca`), besides Node's roots, as for every other request.
    ...(ca !== undefined
      ? {
          tlsSettings: {
            ca: [...(require("node:tls") as typeof import("node:tls")).rootCertificates, ca.toString()],
          },
        }
      : {}),
  });
  const pipeline = rest.createPipelineFromOptions({ retryOptions: { maxRetries: 2 } });
  let status: number;
  let body: string;
  try {
    const response = await pipeline.sendRequest(rest.createDefaultHttpClient(), request);
    status = response.status;
    body = response.bodyAsText ?? "";
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    throw assertionError(
      `the token request to the URL in ${from} failed (${typeof code === "string" ? sanitizeText(code, 40) : "network error"})`,
    );
  }
  const secrets = [source.requestToken];
  if (status < 200 || status > 299) {
    throw assertionError(
      `the token request to the URL in ${from} answered HTTP ${status}: ${sanitizeText(body, 200, secrets)}`,
    );
  }
  let value: unknown;
  try {
    value = (JSON.parse(body) as { value?: unknown }).value;
  } catch {
    value = undefined;
  }
  if (typeof value !== "string" || value === "") {
    throw assertionError(`the token request to the URL in ${from} answered without a "value"`);
  }
  return value;
}
