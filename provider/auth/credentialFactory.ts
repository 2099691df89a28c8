// Builds the `@azure/identity` credential for a sign-in choice. Every method gets the authority host and
// instance-discovery setting of the client's settings, so AZURE_AUTHORITY_HOST and the cloud work with each.
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/identity";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { CredentialError } from "../errors/CredentialError";
import { readCredentialFile } from "./credentialFile";
import { chainFromEnv } from "./environmentChain";
import { oidcAssertion } from "./oidcAssertion";
import { tokenRequestBoundsPolicy } from "./tokenRequestBounds";
import { isPem, pfxToPem } from "./pfx";
import { describeSignIn, type SignInChoice } from "./signInChoice";
import { signInHintFor } from "./signInHint";

/** What the factory needs from the ARM client's settings. */
export interface FactorySettings {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
  /** The client's extra CA (ArmClient option `ca`): trusted by token requests as by ARM requests. */
  ca?: string | Buffer;
}

type Identity = typeof import("@azure/identity");

/** The options every credential gets. */
interface CommonOptions {
  authorityHost: string;
  disableInstanceDiscovery: boolean;
  additionalPolicies: { policy: PipelinePolicy; position: "perCall" }[];
}

/**
 * The credential for `choice`. `@azure/identity` is required here, not at the top, so that loading the
 * package (every `pulumi preview`) does not load the identity library and MSAL.
 * @throws CredentialError naming the method, why it was chosen and what is missing, when a setting it
 *   needs is not set.
 */
export function createCredential(
  choice: SignInChoice,
  settings: FactorySettings,
  env: NodeJS.ProcessEnv = process.env,
): TokenCredential {
  if (choice.missing.length > 0) {
    throw new CredentialError(
      `Sign-in with ${describeSignIn(choice)} needs ${choice.missing.join("; and ")}.` +
        (choice.notes.length > 0 ? ` Note: ${choice.notes.join("; ")}.` : ""),
      choice.method,
    );
  }
  const identity = require("@azure/identity") as Identity;
  // Token requests end at the lookup's deadline, and their log never shows a proxy password.
  const additionalPolicies = [{ policy: tokenRequestBoundsPolicy(), position: "perCall" as const }];
  const common: CommonOptions = {
    authorityHost: settings.authorityHost,
    disableInstanceDiscovery: settings.disableInstanceDiscovery || choice.disableInstanceDiscovery,
    additionalPolicies: [...additionalPolicies, ...(trustOptions(settings.ca).additionalPolicies ?? [])],
  };
  const tenantId = choice.tenantId ?? "";
  const clientId = choice.clientId ?? "";
  switch (choice.method) {
    case "ClientSecretCredential":
      return new identity.ClientSecretCredential(tenantId, clientId, choice.clientSecret ?? "", common);
    case "ClientCertificateCredential":
      return certificateCredential(identity, choice, common);
    case "ClientAssertionCredential":
      return ownErrorsKept(
        (getAssertion) => new identity.ClientAssertionCredential(tenantId, clientId, getAssertion, common),
        oidcAssertion(choice.oidc!, choice.from.oidc ?? "the OIDC settings", settings.ca),
      );
    case "ManagedIdentityCredential":
      return choice.clientId !== undefined
        ? new identity.ManagedIdentityCredential({ clientId: choice.clientId, additionalPolicies })
        : new identity.ManagedIdentityCredential({ additionalPolicies });
    case "AzureCliCredential":
      return new identity.AzureCliCredential();
    case "DefaultAzureCredential":
      // DefaultAzureCredential reads process.env: a client with an env of its own gets the chain from that env.
      return env === process.env
        ? new identity.DefaultAzureCredential(common)
        : chainFromEnv(identity, env, common);
  }
}

/**
 * The identity library's token requests trusting `ca` besides Node's roots, through the TLS settings of
 * each request (the pipeline keeps one agent per settings object, so the object is made once).
 */
function trustOptions(ca: string | Buffer | undefined): {
  additionalPolicies?: { position: "perCall"; policy: PipelinePolicy }[];
} {
  if (ca === undefined) return {};
  const tls = require("node:tls") as typeof import("node:tls");
  const tlsSettings = { ca: [...tls.rootCertificates, ca.toString()] };
  return {
    additionalPolicies: [
      {
        position: "perCall",
        policy: {
          name: "galleryLookupTrustedCa",
          sendRequest: (request, next) => {
            request.tlsSettings ??= tlsSettings;
            return next(request);
          },
        },
      },
    ],
  };
}

/** The last own error each assertion callback threw, by the credential it belongs to. */
const lastOwnError = new WeakMap<TokenCredential, { error?: CredentialError }>();

/**
 * The identity library rewraps an error thrown by the assertion callback in a class of its own, keeping
 * only the message; the callback's own error is remembered so that {@link ownErrorBehind} can hand it back.
 */
function ownErrorsKept(
  make: (getAssertion: () => Promise<string>) => TokenCredential,
  getAssertion: () => Promise<string>,
): TokenCredential {
  const slot: { error?: CredentialError } = {};
  const credential = make(async () => {
    slot.error = undefined;
    try {
      return await getAssertion();
    } catch (error) {
      if (error instanceof CredentialError) slot.error = error;
      throw error;
    }
  });
  lastOwnError.set(credential, slot);
  return credential;
}

/**
 * The package's own error behind a credential's failure (an unreadable token file, a failed OIDC token
 * request), when the identity library rewrapped it; otherwise `error` itself. Its wording is the
 * package's, and the outside text in it is sanitized already.
 */
export function ownErrorBehind(credential: TokenCredential | undefined, error: unknown): unknown {
  const own = credential === undefined ? undefined : lastOwnError.get(credential)?.error;
  return own !== undefined && error instanceof Error && error.message.includes(own.message) ? own : error;
}

/**
 * The certificate file is read once, on the first token request, and handed to ClientCertificateCredential
 * in memory: PEM as it is (the credential decrypts the key with the password), a PFX converted to PEM.
 */
function certificateCredential(
  identity: Identity,
  choice: SignInChoice,
  common: CommonOptions,
): TokenCredential {
  const path = choice.certificatePath ?? "";
  const setting = choice.from.certificatePath ?? "ARM_CLIENT_CERTIFICATE_PATH";
  const password = choice.certificatePassword;
  let inner: Promise<TokenCredential> | undefined;
  const load = async (): Promise<TokenCredential> => {
    const bytes = await readCredentialFile(path);
    if (!Buffer.isBuffer(bytes)) {
      throw new CredentialError(
        `The certificate file named by ${setting} ${bytes.reason}. ${signInHintFor(choice)}`,
        choice.method,
      );
    }
    const tenantId = choice.tenantId ?? "";
    const clientId = choice.clientId ?? "";
    // PEM goes over in memory too, so that the file is read once, by the checked read above.
    const certificate = isPem(bytes)
      ? {
          certificate: bytes.toString("utf8"),
          ...(password !== undefined ? { certificatePassword: password } : {}),
        }
      : { certificate: await pfxToPem(bytes, password, setting) };
    return new identity.ClientCertificateCredential(tenantId, clientId, certificate, common);
  };
  return {
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
      inner ??= load();
      // A failed load is not kept: the next call reads the file again (it may have been fixed or rotated).
      const credential = await inner.catch((error: unknown) => {
        inner = undefined;
        throw error;
      });
      return credential.getToken(scopes, options);
    },
  };
}
