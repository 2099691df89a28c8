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

/** A decoded property: its plain value, whether any part was secret, and whether any part is unreadable. */
export interface DecodedValue {
  value: unknown;
  /** Some part of it was a secret (decrypted by `--show-secrets`): never print it. */
  secret: boolean;
  /** Some part is ciphertext this tool cannot read, or an output value without a value. */
  encrypted: boolean;
}

/** Decodes one stored property value into plain JSON. */
export function decodePropertyValue(raw: unknown): DecodedValue {
  const state = { secret: false, encrypted: false };
  const value = decode(raw, state);
  return { value, ...state };
}

function decode(raw: unknown, state: { secret: boolean; encrypted: boolean }): unknown {
  if (Array.isArray(raw)) return raw.map((v) => decode(v, state));
  if (raw === null || typeof raw !== "object") return raw;
  const obj = raw as Record<string, unknown>;
  switch (obj[SIG_KEY]) {
    case undefined:
      return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, decode(v, state)]));
    case SECRET_SIG:
      state.secret = true;
      if (typeof obj.plaintext === "string") {
        try {
          return decode(JSON.parse(obj.plaintext), state);
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
      return decode(obj.value, state);
    case RESOURCE_REFERENCE_SIG:
      // A reference reads as its id (what the engine passes a provider that does not accept references).
      return typeof obj.id === "string" ? obj.id : obj.urn;
    default:
      // Assets and archives never occur in a gallery lookup's properties: keep them as they are.
      return obj;
  }
}
