/**
 * The one escaping rule for text that reaches a message: control characters (C0, DEL, C1), bidi
 * controls and invisible format characters become visible `\uXXXX` escapes, so that no value from a
 * user or a server can rewrite, hide or reorder a message on a terminal or in a log.
 */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

/** Escapes control, bidi and invisible characters as `\uXXXX`. */
export function escapeUnsafe(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Replaces every occurrence of each secret (4 characters or more) by `[redacted]`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= 4 && out.includes(secret)) out = out.split(secret).join("[redacted]");
  }
  return out;
}

/**
 * How much of a text {@link sanitizeText} reads beyond the `max` characters it keeps: room for markup
 * and whitespace it drops, so that an excerpt of an HTML page still shows its text. Everything past it
 * is never scanned, so a 4 MiB answer costs what a short one does.
 */
const READ_AHEAD = 4096;

/**
 * Makes text from a service or library safe and short enough for an error message: escapes control
 * and bidi characters (one rule, {@link escapeUnsafe}), drops markup, redacts anything that looks like
 * a bearer token or JWT, and truncates. The text is cut to a window first, and every pattern runs in
 * time linear in what it reads (no pattern can rescan the text from each position): a gateway's answer
 * of any size and shape costs at most the window. `redact` is applied to the whole text before the cut
 * (one linear search per value), so a value straddling the window's end is not shown in part.
 */
export function sanitizeText(text: string, max = 200, redact: readonly string[] = []): string {
  const redacted = redactSecrets(text, redact);
  const window = redacted.length > max + READ_AHEAD ? redacted.slice(0, max + READ_AHEAD) : redacted;
  let out = window
    // `<` ends a candidate too, so that a run of `<` without `>` is not scanned to its end from each `<`.
    .replace(/<[^<>]*>/g, " ")
    .replace(/[\t\n\v\f\r]/g, " ")
    .replace(/\bbearer\s+\S+/gi, "Bearer [redacted]")
    // A JWT, or the part of one the window kept: after `eyJ` every match succeeds, so none is rescanned.
    .replace(/eyJ[\w-]{4,}(?:\.[\w-]*){0,2}/g, "[redacted]")
    .replace(
      /\b(access_token|client_secret|refresh_token|id_token|assertion)(["']?\s*[:=]\s*["']?)[^\s"'&,}]+/gi,
      "$1$2[redacted]",
    );
  out = out.replace(/\s+/g, " ").trim();
  return escapeUnsafe(out.length > max ? `${out.slice(0, max)}…` : out);
}
