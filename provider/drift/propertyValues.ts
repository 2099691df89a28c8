// Pulumi's serialized property values, as `pulumi stack export` and the self-managed backend write them
// (sdk/go/common/resource/stack/secrets.go and apitype/property-values.json): plain JSON, except objects
// tagged with the signature key, which stand for a secret, an output value, an asset, an archive or a
// resource reference. Pure.

/** The key that marks a special value. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** A secret: `{ciphertext}` as stored, or `{plaintext}` (a JSON text) after `pulumi stack export --show-secrets`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** An output value (schema 4, `outputDependencies`): `{value?, secret?, dependencies?}`. */
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** A resource reference: `{urn, id?, packageVersion?}`. */
export const RESOURCE_REFERENCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";

/**
 * How deep a decoded value may nest: a gallery's deepest output (`identity.userAssignedIdentities[id]`)
 * is 3 levels down; anything far deeper is hostile or broken, and would overflow the stack of whatever
 * walks it next.
 */
export const MAX_VALUE_DEPTH = 64;

/** A decoded property: its plain value, whether any part was secret, and whether any part is unreadable. */
export interface DecodedValue {
  value: unknown;
  /** Some part of it was a secret (decrypted by `--show-secrets`): never print it. */
  secret: boolean;
  /** Some part is ciphertext this tool cannot read, or an output value without a value. */
  encrypted: boolean;
  /** It nests deeper than {@link MAX_VALUE_DEPTH}: `value` is not to be used. */
  tooDeep: boolean;
}

interface DecodeState {
  secret: boolean;
  encrypted: boolean;
  tooDeep: boolean;
}

/** Decodes one stored property value into plain JSON. */
export function decodePropertyValue(raw: unknown): DecodedValue {
  const state: DecodeState = { secret: false, encrypted: false, tooDeep: false };
  const value = decode(raw, state, 0);
  return { value, ...state };
}

/**
 * A dynamic resource's serialized provider text, looked at one level deep only (a string, or a secret
 * or output value holding one). `undefined` when it cannot be read here (absent, ciphertext, an output
 * value without its value); `null` when it can, and is not text, so is no provider this package wrote.
 */
export function providerTextOf(raw: unknown): string | null | undefined {
  if (raw === undefined || typeof raw === "string") return raw;
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return null;
  const obj = raw as Record<string, unknown>;
  const sig = Object.hasOwn(obj, SIG_KEY) ? obj[SIG_KEY] : undefined;
  if (sig === OUTPUT_VALUE_SIG) return Object.hasOwn(obj, "value") ? providerTextOf(obj.value) : undefined;
  if (sig !== SECRET_SIG) return null;
  if (typeof obj.plaintext !== "string") return undefined;
  try {
    const text: unknown = JSON.parse(obj.plaintext);
    return typeof text === "string" ? text : null;
  } catch {
    return undefined;
  }
}

function decode(raw: unknown, state: DecodeState, depth: number): unknown {
  if (raw === null || typeof raw !== "object") return raw;
  if (depth >= MAX_VALUE_DEPTH) {
    state.tooDeep = true;
    return undefined;
  }
  if (Array.isArray(raw)) return raw.map((v) => decode(v, state, depth + 1));
  const obj = raw as Record<string, unknown>;
  switch (Object.hasOwn(obj, SIG_KEY) ? obj[SIG_KEY] : undefined) {
    case undefined:
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, decode(v, state, depth + 1)]));
    case SECRET_SIG:
      state.secret = true;
      if (typeof obj.plaintext === "string") {
        try {
          return decode(JSON.parse(obj.plaintext), state, depth + 1);
        } catch {
          state.encrypted = true;
          return undefined;
        }
      }
      // `ciphertext`, or a secret whose value the export left out: either way not readable here.
      state.encrypted = true;
      return undefined;
    case OUTPUT_VALUE_SIG:
      if (obj.secret === true) state.secret = true;
      if (!("value" in obj)) {
        state.encrypted = true;
        return undefined;
      }
      return decode(obj.value, state, depth + 1);
    case RESOURCE_REFERENCE_SIG:
      // A reference reads as its id (what the engine passes a provider that does not accept references).
      return typeof obj.id === "string" ? obj.id : obj.urn;
    default:
      // Assets and archives never occur in a gallery lookup's properties: keep them as they are.
      return obj;
  }
}
