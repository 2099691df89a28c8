// Pulumi state documents for the drift tests, in every shape Pulumi writes them (pulumi/pulumi
// sdk/go/common/apitype/core.go): `pulumi stack export` (UntypedDeployment), the self-managed backend's
// checkpoint, secrets as ciphertext or as `--show-secrets` plaintext, schema 4 output values.
import * as fs from "node:fs";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import type { ArmClient } from "#internal/arm/armClient";
import { checkedInputs } from "#internal/gallery/diff";
import type { ValidLookupArgs } from "#internal/gallery/validation";
import { readGallery } from "#internal/lookup/readGallery";
import { OUTPUT_VALUE_SIG, SECRET_SIG, SIG_KEY } from "#internal/drift/propertyValues";
import { GALLERY_LOOKUP_TYPE } from "#internal/drift/recognise";
import { registerUnderMocks } from "./registeredInputs";

export type Json = Record<string, unknown>;

let providerText: string | undefined;

/** The `__provider` text the SDK serializes for a GalleryLookup (made by the SDK, not by hand). */
export async function lookupProviderText(): Promise<string> {
  if (providerText === undefined) {
    const [inputs] = await registerUnderMocks(
      () =>
        new GalleryLookup("p", {
          subscriptionId: "00000000-0000-0000-0000-000000000001",
          resourceGroupName: "rg",
          galleryName: "g",
        }),
    );
    providerText = String(inputs.__provider);
  }
  return providerText;
}

/** A secret as the state stores it: encrypted by the stack's secrets provider. */
export const ciphertext = (text = "v1:Zm9vYmFy:c2VjcmV0"): Json => ({
  [SIG_KEY]: SECRET_SIG,
  ciphertext: text,
});
/** A secret as `pulumi stack export --show-secrets` writes it: its JSON text in `plaintext`. */
export const plaintext = (value: unknown): Json => ({
  [SIG_KEY]: SECRET_SIG,
  plaintext: JSON.stringify(value),
});
/** A schema-4 output value. */
export const outputValue = (value: unknown, secret = false): Json => ({
  [SIG_KEY]: OUTPUT_VALUE_SIG,
  value,
  ...(secret ? { secret: true } : {}),
  dependencies: [],
});

export function stackUrn(project: string, stack: string): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack::${project}-${stack}`;
}

export function lookupUrn(project: string, stack: string, name: string, type = GALLERY_LOOKUP_TYPE): string {
  return `urn:pulumi:${stack}::${project}::pulumi:pulumi:Stack$${type}::${name}`;
}

/** The root stack resource and the default `pulumi-nodejs` provider every Node program's state holds. */
export function baseResources(project: string, stack: string): Json[] {
  return [
    { urn: stackUrn(project, stack), custom: false, type: "pulumi:pulumi:Stack", outputs: {} },
    {
      urn: `urn:pulumi:${stack}::${project}::pulumi:providers:pulumi-nodejs::default`,
      custom: true,
      id: "00000000-0000-0000-0000-00000000abcd",
      type: "pulumi:providers:pulumi-nodejs",
      inputs: {},
      outputs: {},
    },
  ];
}

/** One GalleryLookup resource as the engine stores it after `up`: inputs = args + provider, outputs = args + observation. */
export function lookupResource(options: {
  project: string;
  stack: string;
  name: string;
  inputs: Json;
  outputs: Json;
  provider: unknown;
  type?: string;
  id?: string;
}): Json {
  const type = options.type ?? GALLERY_LOOKUP_TYPE;
  return {
    urn: lookupUrn(options.project, options.stack, options.name, type),
    custom: true,
    id: options.id ?? options.outputs.resourceId ?? "unknown",
    type,
    inputs: { __provider: options.provider, ...options.inputs },
    outputs: { __provider: options.provider, ...options.outputs },
    parent: stackUrn(options.project, options.stack),
    provider: `urn:pulumi:${options.stack}::${options.project}::pulumi:providers:pulumi-nodejs::default::00000000-0000-0000-0000-00000000abcd`,
    propertyDependencies: {},
    dependencies: [],
  };
}

/** A lookup as `pulumi up` leaves it: the gallery read now, outputs = arguments + observation. */
export async function lookupAfterUp(
  client: ArmClient,
  where: { project: string; stack: string; name: string },
  args: ValidLookupArgs,
): Promise<Json> {
  const observed = await readGallery(args, client);
  const inputs = { ...args } as Json;
  return lookupResource({
    ...where,
    inputs,
    outputs: checkedInputs(inputs, observed),
    provider: await lookupProviderText(),
  });
}

const manifest = { time: "2026-11-30T12:00:00Z", magic: "0a1b2c", version: "v3.200.0" };

/** What `pulumi stack export` writes. */
export function exportDocument(resources: Json[], version = 3, secretsProvider = "passphrase"): Json {
  return {
    version,
    ...(version >= 4 ? { features: ["outputDependencies"] } : {}),
    deployment: {
      manifest,
      secrets_providers: { type: secretsProvider, state: { salt: "v1:abc" } },
      resources,
    },
  };
}

/** What the self-managed backend keeps in `.pulumi/stacks/<project>/<stack>.json`. */
export function checkpointDocument(qualifiedStack: string, resources: Json[] | null): Json {
  return {
    version: 3,
    checkpoint: {
      stack: qualifiedStack,
      config: {},
      latest: resources === null ? null : { manifest, secrets_providers: { type: "passphrase" }, resources },
    },
  };
}

/** Writes a document, pretty as Pulumi writes it, gzipped when the name ends in `.gz`. */
export function writeDocument(file: string, doc: Json): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const text = JSON.stringify(doc, null, 4);
  fs.writeFileSync(file, file.endsWith(".gz") ? gzipSync(text) : text);
  return file;
}

/**
 * A gzip file that expands to `expandedBytes` zeros: one 16 MiB member (16 KiB compressed) repeated, as
 * gzip allows, so that 3 GiB cost 3 MB on disk and no time to make.
 */
export function gzipBomb(expandedBytes: number): Buffer {
  const memberBytes = 16 * 1024 * 1024;
  const member = gzipSync(Buffer.alloc(memberBytes), { level: 9 });
  return Buffer.concat(Array.from({ length: Math.ceil(expandedBytes / memberBytes) }, () => member));
}
