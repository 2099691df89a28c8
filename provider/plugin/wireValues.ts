// Values as the Pulumi engine puts them on the wire to a provider plugin, which the SDK's provider server
// hands over as plain JSON (`Struct.toJavaScript()`): a secret is an object carrying Pulumi's signature
// key, and an unknown is a sentinel string (../gallery/unknowns.ts).

/** The key that marks a special value on the wire, and its value for a secret. */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** A secret on the wire: `{ [SIGNATURE_KEY]: SECRET_SIGNATURE, value }`. */
export interface WireSecret {
  [SIGNATURE_KEY]: typeof SECRET_SIGNATURE;
  value: unknown;
}

/** Whether `value` is a secret wrapper. */
export function isWireSecret(value: unknown): value is WireSecret {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

/** `value` wrapped as a secret (once: a secret is never wrapped twice). */
export function wireSecret(value: unknown): unknown {
  return isWireSecret(value) ? value : { [SIGNATURE_KEY]: SECRET_SIGNATURE, value };
}

/** `value` with every secret wrapper, at any depth, replaced by what it holds; and whether there was one. */
export function unwrapSecrets(value: unknown): { value: unknown; secret: boolean } {
  if (isWireSecret(value)) return { value: unwrapSecrets(value.value).value, secret: true };
  if (Array.isArray(value)) {
    const items = value.map(unwrapSecrets);
    return { value: items.map((i) => i.value), secret: items.some((i) => i.secret) };
  }
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)] as const);
    return {
      value: Object.fromEntries(entries.map(([k, v]) => [k, v.value])),
      secret: entries.some(([, v]) => v.secret),
    };
  }
  return { value, secret: false };
}

/** A property bag with its secrets unwrapped, and the names of the top-level properties that held one. */
export function unwrapProperties(props: Record<string, unknown> | undefined): {
  props: Record<string, unknown>;
  secretKeys: string[];
} {
  const out: Record<string, unknown> = {};
  const secretKeys: string[] = [];
  for (const [key, raw] of Object.entries(props ?? {})) {
    const { value, secret } = unwrapSecrets(raw);
    out[key] = value;
    if (secret) secretKeys.push(key);
  }
  return { props: out, secretKeys };
}

/**
 * Marks outputs secret. Every observed value is derived from all of the arguments (the gallery they name,
 * its id and unique name spell the subscription), so one secret argument makes every property secret;
 * null stays null, so "the gallery has none" stays known and plain.
 */
export function markSecret(props: Record<string, unknown>, anySecret: boolean): Record<string, unknown> {
  if (!anySecret) return props;
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v == null ? v : wireSecret(v)]));
}
