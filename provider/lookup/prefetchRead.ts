// What a prefetch sends and what it hands to Check, without Pulumi: this module runs on the prefetch thread
// (prefetchThread.ts), which never loads @pulumi/pulumi, as well as in the program's main thread.
import { CredentialError } from "../errors/CredentialError";
import type { GalleryLookupError } from "../errors/GalleryLookupError";
import type { ValidLookupArgs } from "../gallery/validation";
import type { GalleryObservation } from "../types/lookup";
import { readGallery } from "./readGallery";

/** What the GET failed with, enough for Check to fail exactly as if it had sent the GET itself. */
export interface CarriedFailure {
  name: string;
  message: string;
  /** A CredentialError's credential name (for example `ClientSecretCredential`), never a secret. */
  credential?: string;
  status?: number;
  code?: string;
  requestId?: string;
}

/** The internal input: which arguments the GET was for, and what it saw or how it failed. */
export interface Prefetched {
  args: ValidLookupArgs;
  observation?: GalleryObservation;
  failure?: CarriedFailure;
}

/** Galleries - Get for valid arguments, its failure carried as plain data (it crosses threads and gRPC). */
export async function readCarried(args: ValidLookupArgs): Promise<Prefetched> {
  try {
    return { args, observation: await readGallery(args) };
  } catch (error) {
    // Not shown here: Check shows it, once, as the failure of this lookup.
    return { args, failure: carried(error) };
  }
}

function carried(error: unknown): CarriedFailure {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { status, code, requestId } = error as GalleryLookupError;
  return {
    name: error.name,
    message: error.message,
    ...(error instanceof CredentialError ? { credential: error.credential } : {}),
    ...(status !== undefined ? { status } : {}),
    ...(code !== undefined ? { code } : {}),
    ...(requestId !== undefined ? { requestId } : {}),
  };
}
