// Reads the GalleryLookups out of one Pulumi state document. Pure: text in, records out.
//
// Two document shapes carry a deployment (pulumi/pulumi sdk/go/common/apitype/core.go):
//  - `pulumi stack export`: an UntypedDeployment `{version, features?, deployment: DeploymentV3}`;
//  - the self-managed backend's `.pulumi/stacks/<project>/<stack>.json[.gz]`: a VersionedCheckpoint
//    `{version, checkpoint: {stack, config, latest: DeploymentV3 | null}}`.
// A deployment holds `resources: ResourceV3[]` ({urn, custom, delete, id, type, inputs, outputs, ...}).
// Schema versions 1 to 3 share the fields read here; 4 is 3 plus named `features` (output values among
// them), which the value decoder understands. Newer versions are refused rather than misread.
import { isObject } from "@azure/core-util";
import { StateFormatError } from "../errors/StateFormatError";
import { OBSERVED_KEYS } from "../gallery/diff";
import { LOOKUP_ARG_NAMES } from "../gallery/validation";
import { decodePropertyValue, MAX_VALUE_DEPTH, providerTextOf } from "./propertyValues";
import { PROVIDER_KEY, recogniseResource } from "./recognise";

/** The newest deployment and checkpoint schema this reader knows. */
export const NEWEST_SCHEMA_VERSION = 4;

/** One GalleryLookup as the state holds it, reduced to what the drift check needs. */
export interface StoredLookup {
  /** `project/stack`, from the URN. */
  stack: string;
  /** Where it was read from (a path, `-` for stdin). */
  source: string;
  urn: string;
  /** The resource id in state: the gallery's ARM id. */
  id?: string;
  /** The lookup's arguments as last given by the program (the engine's stored inputs). */
  inputs: Record<string, unknown>;
  /** The arguments and the observation after the last `up` or `refresh` (the stored outputs). */
  outputs: Record<string, unknown>;
  /** Properties stored as secrets: their values must never be printed. */
  secretKeys: string[];
  /** Properties the check needs whose values are encrypted, so cannot be read here. */
  encryptedKeys: string[];
  /** Why the stored properties cannot be read at all (nested too deep), when they cannot. */
  unreadable?: string;
}

/** What one state document holds. */
export interface StateDocument {
  /** The lookups, in the order of the state. */
  lookups: StoredLookup[];
  /** Resources in the deployment. */
  resources: number;
  /** Dynamic resources of the generic type whose serialized provider is encrypted: possibly lookups. */
  unrecognised: string[];
}

export { StateFormatError };

const KEPT = new Set<string>([...LOOKUP_ARG_NAMES, ...OBSERVED_KEYS]);

type Json = Record<string, unknown>;

function checkVersion(source: string, version: unknown, what: string): void {
  if (version === undefined) return;
  if (typeof version !== "number" || !Number.isInteger(version) || version < 1) {
    throw new StateFormatError(
      source,
      `${what} "version" must be a positive integer (got ${JSON.stringify(version)})`,
    );
  }
  if (version > NEWEST_SCHEMA_VERSION) {
    throw new StateFormatError(
      source,
      `${what} schema version ${version} is newer than this tool reads (1 to ${NEWEST_SCHEMA_VERSION}): update pulumi-azure-gallery-lookup`,
    );
  }
}

/** The deployment inside a document, or null for a stack that was never deployed. */
export function deploymentOf(doc: unknown, source: string): Json | null {
  if (!isObject(doc)) throw new StateFormatError(source, "is not a JSON object, so not Pulumi state");
  if ("checkpoint" in doc) {
    checkVersion(source, doc.version, "checkpoint");
    const checkpoint = doc.checkpoint;
    if (!isObject(checkpoint)) throw new StateFormatError(source, `"checkpoint" must be an object`);
    if (checkpoint.latest === undefined || checkpoint.latest === null) return null;
    if (!isObject(checkpoint.latest))
      throw new StateFormatError(source, `"checkpoint.latest" must be an object`);
    return checkpoint.latest;
  }
  if ("deployment" in doc) {
    checkVersion(source, doc.version, "deployment");
    if (doc.deployment === undefined || doc.deployment === null) return null;
    if (!isObject(doc.deployment)) throw new StateFormatError(source, `"deployment" must be an object`);
    return doc.deployment;
  }
  // The bare deployment (`pulumi stack export | jq .deployment`).
  if ("resources" in doc || "manifest" in doc) return doc;
  throw new StateFormatError(
    source,
    "is not Pulumi state: expected the output of `pulumi stack export` ({version, deployment}) or a self-managed backend checkpoint ({version, checkpoint})",
  );
}

/** `project/stack` out of `urn:pulumi:<stack>::<project>::<type>::<name>`. */
export function stackOfUrn(urn: string): string {
  const parts = urn.split("::");
  const stack = parts[0]?.startsWith("urn:pulumi:") ? parts[0].slice("urn:pulumi:".length) : "";
  return parts.length >= 4 && stack ? `${parts[1]}/${stack}` : "(unknown stack)";
}

function decodeBag(bag: unknown, secret: Set<string>, encrypted: Set<string>, tooDeep: Set<string>): Json {
  const out: Json = {};
  if (!isObject(bag)) return out;
  for (const [key, raw] of Object.entries(bag)) {
    if (!KEPT.has(key)) continue;
    const decoded = decodePropertyValue(raw);
    if (decoded.secret) secret.add(key);
    if (decoded.tooDeep) tooDeep.add(key);
    // Nulls are kept: the provider's diff sees them too, and a stored null differs from an absent field.
    if (decoded.encrypted) encrypted.add(key);
    else if (decoded.value !== undefined && !decoded.tooDeep) out[key] = decoded.value;
  }
  return out;
}

/** Parses a state document (JSON text) and returns its GalleryLookups. */
export function readStateDocument(text: string, source: string): StateDocument {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    throw new StateFormatError(source, `is not valid JSON (${(error as Error).message})`);
  }
  return lookupsInDeployment(deploymentOf(doc, source), source);
}

/** The GalleryLookups of a deployment. Resources pending deletion (`delete: true`) are skipped. */
export function lookupsInDeployment(deployment: Json | null, source: string): StateDocument {
  const result: StateDocument = { lookups: [], resources: 0, unrecognised: [] };
  if (deployment === null || deployment.resources === undefined || deployment.resources === null)
    return result;
  if (!Array.isArray(deployment.resources))
    throw new StateFormatError(source, `"resources" must be an array`);
  result.resources = deployment.resources.length;
  for (const resource of deployment.resources) {
    if (!isObject(resource) || resource.delete === true) continue;
    const inputs = isObject(resource.inputs) ? resource.inputs : {};
    const outputs = isObject(resource.outputs) ? resource.outputs : {};
    // Only the provider's text is looked at, never decoded in depth: an odd `__provider` of another
    // resource must not make the whole stack unreadable.
    const kind = recogniseResource(
      resource.custom,
      resource.type,
      providerTextOf(Object.hasOwn(inputs, PROVIDER_KEY) ? inputs[PROVIDER_KEY] : outputs[PROVIDER_KEY]),
    );
    // Never String() a value of unknown shape: a deeply nested array overflows the stack in join().
    const urn = typeof resource.urn === "string" ? resource.urn : "";
    if (kind === "dynamic-unrecognised") result.unrecognised.push(urn || "(a resource without a URN)");
    if (kind !== "lookup") continue;
    const secret = new Set<string>();
    const encrypted = new Set<string>();
    const lookup: StoredLookup = {
      stack: stackOfUrn(urn),
      source,
      urn,
      inputs: {},
      outputs: {},
      secretKeys: [],
      encryptedKeys: [],
    };
    const tooDeep = new Set<string>();
    lookup.inputs = decodeBag(inputs, secret, encrypted, tooDeep);
    lookup.outputs = decodeBag(outputs, secret, encrypted, tooDeep);
    // This lookup cannot be judged; the others of the stack still can.
    if (tooDeep.size > 0)
      lookup.unreadable = `${[...tooDeep].sort().join(", ")}: nested deeper than ${MAX_VALUE_DEPTH} levels, which no gallery's properties are`;
    lookup.secretKeys = [...secret].sort();
    lookup.encryptedKeys = [...encrypted].sort();
    if (typeof resource.id === "string" && resource.id !== "") lookup.id = resource.id;
    result.lookups.push(lookup);
  }
  return result;
}
