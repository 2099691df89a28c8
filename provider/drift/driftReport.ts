// The drift report: what `checkDrift` returns and `--json` prints (schema in docs/drift.md). Kept apart
// from the check so that the renderings, the GitHub output and the CLI read the shape without the engine.
import { GalleryLookupError } from "../errors/GalleryLookupError";
import type { DriftChange } from "./verdict";

/** The version of the report's schema (docs/drift.md). A minor bump adds fields; a major one changes them. */
export const DRIFT_FORMAT_VERSION = "1.1";

/** What became of one lookup. */
export type LookupStatus = "in_sync" | "drifted" | "deleted" | "failed" | "unreadable" | "ignored";

/** An error, as safe to print as the package's errors are. */
export interface DriftError {
  /** The error class: `AuthorizationFailedError`, `ThrottledError`, `GalleryNotFoundError`, ... */
  name: string;
  message: string;
  /** ARM's error code, when there was one. */
  code?: string;
  /** HTTP status, when there was an answer. */
  status?: number;
  /** `x-ms-request-id`: quote it to Azure support. */
  requestId?: string;
}

/** The verdict on one lookup: one entry per GalleryLookup found. */
export interface LookupDriftEntry {
  /** `project/stack`. */
  stack: string;
  /** The state file or backend file the lookup was read from (`-` for stdin). */
  source: string;
  urn: string;
  /** The gallery's ARM id (as stored; else as its arguments spell it). */
  galleryId: string;
  status: LookupStatus;
  /** What changed (drifted) or was there before (deleted); empty otherwise. */
  changes: DriftChange[];
  /** Changes under an ignored field. */
  ignoredChanges: DriftChange[];
  /** Why the lookup failed, was deleted, or is unreadable. */
  error?: DriftError;
  /** What to do about an unreadable or failed lookup. */
  remedy?: string;
  /** Fields of this entry from which a secret value was withheld (`"[secret]"`); absent when none. */
  sensitiveFields?: ("galleryId" | "error.message")[];
}

/** One state source read. */
export interface DriftSourceEntry {
  source: string;
  /** GalleryLookups found in it. */
  lookups: number;
  /** Why it could not be read. */
  error?: string;
  /** Why it was not read at all: a symbolic link or a special file in a backend folder. */
  skipped?: string;
}

/** The result of {@link checkDrift}, and the `--json` output (schema in docs/drift.md). */
export interface DriftReport {
  formatVersion: typeof DRIFT_FORMAT_VERSION;
  /** When the galleries were read (ISO 8601). */
  checkedAt: string;
  /** 0 no drift, 2 drift found, 1 error (a source unread or skipped, a lookup that failed, or one unreadable with `unreadable: "error"`). */
  exitCode: 0 | 1 | 2;
  summary: Record<LookupStatus, number> & {
    lookups: number;
    stacks: number;
    /** Distinct galleries read: one GET each (plus the retries the client needed). */
    galleries: number;
  };
  sources: DriftSourceEntry[];
  lookups: LookupDriftEntry[];
  /** Things worth knowing that are not a lookup's verdict. */
  warnings: string[];
}

/** An error as the report shows it: the package's own fields when it is one of ours, else its name and text. */
export function errorEntry(error: unknown): DriftError {
  if (error instanceof GalleryLookupError) {
    return {
      name: error.name,
      message: error.message,
      ...(error.code !== undefined ? { code: error.code } : {}),
      ...(error.status !== undefined ? { status: error.status } : {}),
      ...(error.requestId !== undefined ? { requestId: error.requestId } : {}),
    };
  }
  return {
    name: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
  };
}
