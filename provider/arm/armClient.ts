// CONTRACT STUB — to be implemented (see the ARM client task). The exported names and signatures are fixed:
// provider/lookup/* codes against them.
import type { TokenCredential } from "@azure/identity";
import type { ArmGallery } from "../gallery/armGallery";
import type { GalleryExpand, GalleryReference, GallerySelect } from "../lookup/types";

/** Names of the Azure clouds this package knows. */
export type CloudName = "public" | "usgovernment" | "china";

export interface ArmClientOptions {
  /** Which cloud: picks ARM endpoint, Entra authority and token scope. Default `public`. */
  cloud?: CloudName;
  /** Environment to read settings from. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Credential to use instead of the lazily created DefaultAzureCredential (tests inject a fake one). */
  credential?: TokenCredential;
  /** Extra CA certificate(s) to trust, PEM (a local emulator, a TLS-inspecting proxy). */
  ca?: string | Buffer;
}

export interface GetGalleryOptions {
  select?: GallerySelect;
  expand?: GalleryExpand;
}

export class ArmClient {
  constructor(_options: ArmClientOptions = {}) {}

  /** Galleries - Get. Resolves to the parsed body of a 200; rejects with one of the package's errors. */
  async getGallery(_ref: GalleryReference, _options: GetGalleryOptions = {}): Promise<ArmGallery> {
    throw new Error("not implemented");
  }
}

/** The process-wide client for a cloud, created on first use from the environment. */
export function defaultArmClient(_cloud: CloudName = "public"): ArmClient {
  throw new Error("not implemented");
}

/** Replaces (or, with `undefined`, forgets) the process-wide client of a cloud. For tests and embedding. */
export function setDefaultArmClient(_client: ArmClient | undefined, _cloud: CloudName = "public"): void {}
