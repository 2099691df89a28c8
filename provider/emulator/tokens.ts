// Opaque bearer tokens: Entra issues them, ARM checks them. Tokens are random, never JWTs, so nothing
// downstream can be tempted to parse them.
import { randomBytes } from "node:crypto";

export type TokenCheck =
  | { ok: true }
  | { ok: false; code: "AuthenticationFailed" | "InvalidAuthenticationToken"; message: string }
  | { ok: false; code: "ExpiredAuthenticationToken"; message: string }
  /** Continuous Access Evaluation: the token lacks claims ARM now requires; `claims` is the challenge (JSON). */
  | { ok: false; code: "InvalidAuthenticationToken"; message: string; claims: string };

/** What the emulator remembers of an issued token. */
interface IssuedToken {
  expiresAt: number;
  /** The client declared the `cp1` capability (CAE): only such tokens get claims challenges, as on Azure. */
  cae: boolean;
  /** The `claims` of the token request (JSON text), if any. */
  claims?: string;
}

/** Reads the `claims` form value of a token request: its JSON, and whether it declares `cp1`. */
function readRequestClaims(claims: string | undefined): { cae: boolean; json?: Record<string, unknown> } {
  if (claims === undefined || claims === "") return { cae: false };
  try {
    const json = JSON.parse(claims) as Record<string, unknown>;
    const values = (json?.access_token as { xms_cc?: { values?: unknown } } | undefined)?.xms_cc?.values;
    return { cae: Array.isArray(values) && values.includes("cp1"), json };
  } catch {
    return { cae: false };
  }
}

/** Whether the claims a token was requested with include every `access_token` claim of the challenge. */
function satisfies(requested: string | undefined, required: string): boolean {
  const have = readRequestClaims(requested).json?.access_token as Record<string, unknown> | undefined;
  const want = (JSON.parse(required) as { access_token?: Record<string, unknown> }).access_token ?? {};
  return Object.entries(want).every(
    ([name, value]) => JSON.stringify(have?.[name]) === JSON.stringify(value),
  );
}

/** ARM's UTC time format in token messages, e.g. `11/25/2025 21:30:00`. */
function armUtc(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export class TokenIssuer {
  private readonly live = new Map<string, IssuedToken>();
  private issued = 0;
  private requiredClaims?: string;
  private readonly requests: { claims?: string }[] = [];

  constructor(
    private readonly prefix: string,
    private readonly lifetimeSeconds: number,
  ) {}

  /**
   * Issues a new token; returns it with its lifetime in seconds.
   * @param claims the token request's `claims` (JSON): `cp1` in `access_token.xms_cc` makes it a CAE token.
   */
  issue(claims?: string): { token: string; expiresIn: number } {
    const token = `${this.prefix}${randomBytes(32).toString("base64url")}`;
    const { cae } = readRequestClaims(claims);
    this.live.set(token, {
      expiresAt: Date.now() + this.lifetimeSeconds * 1000,
      cae,
      ...(claims ? { claims } : {}),
    });
    this.requests.push(claims ? { claims } : {});
    this.issued++;
    return { token, expiresIn: this.lifetimeSeconds };
  }

  /** Checks an `Authorization` header value as ARM's front door does. */
  check(authorization: string | undefined, now = Date.now()): TokenCheck {
    if (authorization === undefined || authorization === "") {
      return {
        ok: false,
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is missing.",
      };
    }
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) {
      return {
        ok: false,
        code: "AuthenticationFailed",
        message: "Authentication failed. The 'Authorization' header is provided in an invalid format.",
      };
    }
    const issued = this.live.get(match[1]);
    if (issued === undefined) {
      return { ok: false, code: "InvalidAuthenticationToken", message: "The access token is invalid." };
    }
    const { expiresAt } = issued;
    if (expiresAt <= now) {
      return {
        ok: false,
        code: "ExpiredAuthenticationToken",
        message: `The access token expiry UTC time '${armUtc(expiresAt)}' is earlier than current UTC time '${armUtc(now)}'.`,
      };
    }
    const required = this.requiredClaims;
    if (required !== undefined && issued.cae && !satisfies(issued.claims, required)) {
      return {
        ok: false,
        code: "InvalidAuthenticationToken",
        message: "The access token has been revoked: claims are required (Continuous Access Evaluation).",
        claims: required,
      };
    }
    return { ok: true };
  }

  /**
   * Continuous Access Evaluation: from now on, CAE tokens (requested with `cp1`) that were not requested
   * with these `access_token` claims are refused with a claims challenge. Tokens without `cp1` stay valid
   * until they expire, as on Azure. `undefined` lifts the requirement.
   */
  requireClaims(claims: string | undefined): void {
    if (claims !== undefined) JSON.parse(claims); // refuse what no client could answer
    this.requiredClaims = claims;
  }

  /** The `claims` of every token request so far, in order (tests check what the client asked for). */
  tokenRequests(): { claims?: string }[] {
    return this.requests.map((r) => ({ ...r }));
  }

  /** Forgets every token issued so far. */
  revokeAll(): void {
    this.live.clear();
  }

  /** Moves every live token's expiry into the past (for ExpiredAuthenticationToken tests). */
  expireAll(): void {
    const past = Date.now() - 1000;
    for (const issued of this.live.values()) issued.expiresAt = past;
  }

  count(): number {
    return this.issued;
  }
}
