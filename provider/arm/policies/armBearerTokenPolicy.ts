import type { AccessToken, TokenCredential } from "@azure/identity";
import {
  bearerTokenAuthenticationPolicy,
  type PipelinePolicy,
  type PipelineRequest,
} from "@azure/core-rest-pipeline";
import { createAbortablePromise } from "@azure/core-util";
import { credentialDeadlineError, type AcquireToken } from "../../auth/credential";
import { logger } from "../logger";
import { lookupName } from "../lookupRequest";
import { noteRenewal, type TokenRenewal } from "./tokenRenewal";

/** What the policy signs requests with. */
export interface ArmTokenSource {
  /** Fetches a token: `{}` any valid one, `claims` for a CAE challenge, `bypassCache` past every cache. */
  acquire: AcquireToken;
  /** The credential's name, for messages. */
  credentialName: () => string;
  scope: string;
  deadlineMs: number;
}

/**
 * The library's `bearerTokenAuthenticationPolicy` (its token cycler: one token shared, refreshed before
 * it expires; and its Continuous Access Evaluation flow: a claims challenge earns one token with those
 * claims), with two challenge callbacks of ours:
 * - `authorizeRequest` never sends a token ARM refused: once one was replaced, the replacement goes out,
 *   and a credential that hangs fails the lookup at its deadline instead of holding it;
 * - `authorizeRequestOnChallenge`: after a plain 401 (revoked, or expired on the server's side) one token
 *   from past every cache, from a fresh credential; lookups refused the same token share that renewal,
 *   and a credential that hands back the refused token ends the lookup (sending it again would earn the
 *   same 401).
 *
 * A final 401 leaves with what the policy knows of it ({@link noteRenewal}): `bypassCache` or `sameToken`
 * after a plain 401, or `claims` when the library met a claims challenge (`insufficient_claims`), sent a
 * token with those claims, and was refused again.
 *
 * Settings allow plain http only to loopback (an emulator); the library refuses a bearer token over any
 * http URL, so such a request is shown to it as https and restored before it is sent. And the library
 * meets only a 401 that carries a `WWW-Authenticate` challenge, as ARM's always does: one without is
 * given a plain one.
 */
export function armBearerTokenPolicy(source: ArmTokenSource): PipelinePolicy {
  const replacements = new Map<string, Promise<AccessToken>>();
  // This policy's own memory of each lookup: ARM gets exactly one fresh token per lookup.
  const renewals = new WeakMap<PipelineRequest, TokenRenewal>();
  const withinDeadline = <T>(promise: Promise<T>, request: PipelineRequest): Promise<T> =>
    raceSignal(promise, request, () =>
      credentialDeadlineError(source.credentialName(), source.scope, source.deadlineMs),
    );

  let cached = false;
  const credential: TokenCredential = {
    getToken: (_scopes, options) => {
      const why = options?.claims
        ? "with the claims ARM challenged for"
        : cached
          ? "the cached one expires soon"
          : "none cached";
      cached = true;
      // The library hands over the options of the lookup that asked first: its deadline ends the request.
      const abortSignal = options?.abortSignal;
      return logged(
        source.acquire({
          ...(options?.claims ? { claims: options.claims } : {}),
          ...(abortSignal !== undefined ? { abortSignal } : {}),
        }),
        why,
      );
    },
  };
  const bearer = bearerTokenAuthenticationPolicy({
    credential,
    scopes: source.scope,
    logger,
    challengeCallbacks: {
      async authorizeRequest({ request, scopes, getAccessToken }) {
        let token = await withinDeadline(
          getAccessToken(scopes, { enableCae: true, abortSignal: request.abortSignal }),
          request,
        );
        const replacement = token === null ? undefined : replacements.get(token.token);
        if (replacement !== undefined) token = await withinDeadline(replacement, request);
        if (token !== null) request.headers.set("Authorization", `Bearer ${token.token}`);
      },
      async authorizeRequestOnChallenge({ request }) {
        // ARM gets exactly one fresh token per lookup: a second refusal is not transient.
        if (renewals.has(request)) return false;
        const refused = (request.headers.get("Authorization") ?? "").replace(/^Bearer /, "");
        let renewal = replacements.get(refused);
        if (renewal === undefined) {
          logger.warning(
            `${lookupName(request)}: ARM refused the token (HTTP 401); requesting a new one past every token cache`,
          );
          renewal = logged(
            source.acquire({
              bypassCache: true,
              ...(request.abortSignal !== undefined ? { abortSignal: request.abortSignal } : {}),
            }),
            "past every cache, after ARM refused the last one",
          );
          replacements.set(refused, renewal);
          renewal.catch(() => replacements.delete(refused));
        }
        const token = await withinDeadline(renewal, request);
        if (token.token === refused) {
          renewals.set(request, "sameToken");
          return false;
        }
        renewals.set(request, "bypassCache");
        request.headers.set("Authorization", `Bearer ${token.token}`);
        return true;
      },
    },
  });

  return {
    name: "armBearerTokenPolicy",
    async sendRequest(request, next) {
      const url = request.url;
      const plainHttp = url.startsWith("http://");
      if (plainHttp) request.url = `https://${url.slice("http://".length)}`;
      // Whether the answer before this send was a claims challenge: the library answers it itself.
      let challenged = false;
      let claimsRefused = false;
      const response = await bearer.sendRequest(request, async (shown) => {
        if (plainHttp) shown.url = url;
        const answer = await next(shown);
        claimsRefused = challenged && answer.status === 401;
        challenged = answer.status === 401 && isClaimsChallenge(answer.headers.get("www-authenticate"));
        // ARM's 401 always carries a challenge; one without (a gateway, a test double) is met the same way.
        if (answer.status === 401 && !answer.headers.has("www-authenticate")) {
          answer.headers.set("www-authenticate", 'Bearer error="invalid_token"');
        }
        return answer;
      });
      if (response.status === 401) {
        const renewal = renewals.get(request) ?? (claimsRefused ? "claims" : undefined);
        if (renewal !== undefined) noteRenewal(response, renewal);
      }
      return response;
    },
  };
}
/** A challenge the library meets itself (Continuous Access Evaluation): `insufficient_claims` with claims. */
function isClaimsChallenge(header: string | undefined): boolean {
  return header !== undefined && /error="insufficient_claims"/.test(header) && /claims="[^"]+"/.test(header);
}

/** Logs an acquisition, why and how long the token lasts; never the token. */
function logged(pending: Promise<AccessToken>, why: string): Promise<AccessToken> {
  logger.info(`token: requesting an ARM token (${why})`);
  return pending.then(
    (token) => {
      logger.info(
        `token: obtained, valid for ${Math.round((token.expiresOnTimestamp - Date.now()) / 1000)} s`,
      );
      return token;
    },
    (error: unknown) => {
      logger.info(`token: the credential failed (${error instanceof Error ? error.name : "error"})`);
      throw error;
    },
  );
}

/** `promise`, or `timedOut()` thrown once the request's signal aborts (the lookup's deadline). */
async function raceSignal<T>(
  promise: Promise<T>,
  request: PipelineRequest,
  timedOut: () => Error,
): Promise<T> {
  const { abortSignal } = request;
  if (abortSignal === undefined) return promise;
  try {
    return await createAbortablePromise<T>((resolve, reject) => void promise.then(resolve, reject), {
      abortSignal,
    });
  } catch (error) {
    // The library's AbortError, at the deadline: say which wait it ended.
    if (abortSignal.aborted && error instanceof Error && error.name === "AbortError") throw timedOut();
    throw error;
  }
}
