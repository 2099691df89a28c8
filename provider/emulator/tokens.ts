// Opaque bearer tokens: Entra issues them, ARM checks them. Tokens are random, never JWTs, so nothing
// downstream can be tempted to parse them.
import { randomBytes } from "node:crypto";

export type TokenCheck =
  | { ok: true }
  | { ok: false; code: "AuthenticationFailed" | "InvalidAuthenticationToken"; message: string }
  | { ok: false; code: "ExpiredAuthenticationToken"; message: string };

/** ARM's UTC time format in token messages, e.g. `11/25/2025 21:30:00`. */
function armUtc(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getUTCMonth() + 1}/${d.getUTCDate()}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}

export class TokenIssuer {
  private readonly live = new Map<string, number>();
  private issued = 0;

  constructor(
    private readonly prefix: string,
    private readonly lifetimeSeconds: number,
  ) {}

  /** Issues a new token; returns it with its lifetime in seconds. */
  issue(): { token: string; expiresIn: number } {
    const token = `${this.prefix}${randomBytes(32).toString("base64url")}`;
    this.live.set(token, Date.now() + this.lifetimeSeconds * 1000);
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
    const expiresAt = this.live.get(match[1]);
    if (expiresAt === undefined) {
      return { ok: false, code: "InvalidAuthenticationToken", message: "The access token is invalid." };
    }
    if (expiresAt <= now) {
      return {
        ok: false,
        code: "ExpiredAuthenticationToken",
        message: `The access token expiry UTC time '${armUtc(expiresAt)}' is earlier than current UTC time '${armUtc(now)}'.`,
      };
    }
    return { ok: true };
  }

  /** Forgets every token issued so far. */
  revokeAll(): void {
    this.live.clear();
  }

  /** Moves every live token's expiry into the past (for ExpiredAuthenticationToken tests). */
  expireAll(): void {
    const past = Date.now() - 1000;
    for (const token of this.live.keys()) this.live.set(token, past);
  }

  count(): number {
    return this.issued;
  }
}
