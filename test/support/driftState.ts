// Pulumi state documents for the drift tests, in every shape Pulumi writes them (pulumi/pulumi
// sdk/go/common/apitype/core.go): `pulumi stack export` (UntypedDeployment), the self-managed backend's
// checkpoint, secrets as ciphertext or as `--show-secrets` plaintext, schema 4 output values.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gzipSync } from "node:zlib";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import type { ArmClient } from "#internal/arm/armClient";
import { checkedInputs } from "#internal/gallery/diff";
import type { ValidLookupArgs } from "#internal/gallery/validation";
import { readGallery } from "#internal/lookup/readGallery";
import { OUTPUT_VALUE_SIG, SECRET_SIG, SIG_KEY } from "#internal/drift/propertyValues";
import { GALLERY_LOOKUP_TYPE } from "#internal/drift/recognise";
import type { EmulatorHandle } from "#internal/emulator/index";
import { registerUnderMocks } from "./registeredInputs";
import { emulatorClient, startCanaryEmulator } from "./reliability";

export type Json = Record<string, unknown>;

let providerText: string | undefined;

/** The `__provider` text a GalleryLookup registers (as the SDK sends it to the engine, not written here). */
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

/** The gallery the hand-written state documents name (no emulator behind it), and what `up` observed of it. */
export const STATE_SUB = "00000000-0000-0000-0000-000000000001";
export const STATE_ARGS = { subscriptionId: STATE_SUB, resourceGroupName: "rg", galleryName: "g1" };
export const STATE_OBSERVED = {
  resourceId: `/subscriptions/${STATE_SUB}/resourceGroups/rg/providers/Microsoft.Compute/galleries/g1`,
  tags: { a: "1" },
};

/** A dynamic-provider lookup `p/dev/l` of STATE_ARGS after `up`, with `provider` as its serialized provider. */
export function storedLookup(
  provider: unknown,
  extra: Partial<Parameters<typeof lookupResource>[0]> = {},
): Json {
  return lookupResource({
    project: "p",
    stack: "dev",
    name: "l",
    inputs: STATE_ARGS,
    outputs: { ...STATE_ARGS, ...STATE_OBSERVED },
    provider,
    ...extra,
  });
}

/** A lookup as `pulumi up` leaves it: the gallery read now, outputs = arguments + observation. */
export async function lookupAfterUp(
  client: ArmClient,
  where: { project: string; stack: string; name: string },
  args: LookupArgs,
): Promise<Json> {
  const observed = await readGallery(args as ValidLookupArgs, client);
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

/** Lookup arguments as a test writes them (`expand` may be one the validation refuses). */
export type LookupArgs = {
  subscriptionId: string;
  resourceGroupName: string;
  galleryName: string;
  expand?: string;
};

/** What a drift suite shares: the emulator (canary secrets), a client to it, a temporary folder. */
export interface DriftRig {
  readonly azure: EmulatorHandle;
  readonly client: ArmClient;
  /** The suite's folder, or with `folderPerTest` the current test's (new and empty). */
  readonly dir: string;
  /** Arguments naming `galleryName` in the emulator's subscription and resource group. */
  args(galleryName: string, extra?: Partial<LookupArgs>): LookupArgs;
  /** Serves a gallery `name` in the emulator's resource group with these fields. */
  seedGallery(name: string, fields?: { tags?: Record<string, string>; properties?: object }): void;
  /** A stack's resources as `pulumi up` leaves them: the base resources, then each lookup read now. */
  stackResources(
    project: string,
    stack: string,
    lookups: [name: string, args: LookupArgs][],
  ): Promise<Json[]>;
}

/**
 * Registers the hooks of a drift suite (call it inside `describe`): the emulator and client start once;
 * with `folderPerTest` each test gets a new folder and a clear journal and fault list.
 */
export function useDriftRig(options: { folderPerTest?: boolean; prefix?: string } = {}): DriftRig {
  let azure: EmulatorHandle | undefined;
  let client: ArmClient | undefined;
  let dir: string | undefined;
  const prefix = path.join(os.tmpdir(), options.prefix ?? "gallery-lookup-drift-");
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the drift rig's ${what} is used outside its hooks`);
    return value;
  };
  before(async () => {
    azure = await startCanaryEmulator();
    client = emulatorClient(azure);
    if (!options.folderPerTest) dir = fs.mkdtempSync(prefix);
  });
  after(async () => {
    client?.close();
    await azure?.close();
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });
  if (options.folderPerTest) {
    beforeEach(() => {
      dir = fs.mkdtempSync(prefix);
      azure?.clearJournal();
      azure?.clearFaults();
    });
    afterEach(() => {
      if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
      dir = undefined;
    });
  }
  const rig: DriftRig = {
    get azure() {
      return need(azure, "emulator");
    },
    get client() {
      return need(client, "client");
    },
    get dir() {
      return need(dir, "folder");
    },
    args: (galleryName, extra = {}) => ({
      subscriptionId: rig.azure.subscriptionId,
      resourceGroupName: rig.azure.resourceGroupName,
      galleryName,
      ...extra,
    }),
    seedGallery: (name, fields = {}) =>
      rig.azure.putGallery({
        subscriptionId: rig.azure.subscriptionId,
        resourceGroupName: rig.azure.resourceGroupName,
        gallery: { name, location: "westus", ...fields },
      }),
    async stackResources(project, stack, lookups) {
      const resources = baseResources(project, stack);
      for (const [name, args] of lookups) {
        resources.push(await lookupAfterUp(rig.client, { project, stack, name }, args));
      }
      return resources;
    },
  };
  return rig;
}
