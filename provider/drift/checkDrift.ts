// The drift check over Pulumi state: read the sources one at a time (only the lookups are kept, so
// memory does not grow with the size or number of stacks), read each distinct gallery once through the
// package's ARM client (its credential, token cache and process-wide pacer), and judge every lookup with
// the provider's own diff. Sends GET only; opens no file for writing.
// The report's shape lives in driftReport.ts and the worker pool in galleryReader.ts: this file is the steps.
import type { ArmClient } from "../arm/armClient";
import { GalleryLookupError } from "../errors/GalleryLookupError";
import { GalleryNotFoundError } from "../errors/GalleryNotFoundError";
import { lookupArgsOf } from "../gallery/diff";
import { galleryResourceId } from "../gallery/galleryId";
import { quoteValue, validateLookupArgs } from "../gallery/validation";
import {
  DRIFT_FORMAT_VERSION,
  errorEntry,
  type DriftReport,
  type DriftSourceEntry,
  type LookupDriftEntry,
  type LookupStatus,
} from "./driftReport";
import { galleryKey, GalleryReader, type GalleryRead } from "./galleryReader";
import { SecretValues, withScrubbedLog } from "./redact";
import {
  backendSources,
  DEFAULT_MAX_STATE_BYTES,
  exportFileSource,
  MAX_STATE_BYTES_LIMIT,
  type StateSource,
} from "./sources";
import { lookupName } from "./render";
import { readStateDocument, type StoredLookup } from "./state";
import { globMatcher } from "./glob";
import { PULUMI_SOURCE_PREFIX, pulumiStackSources, type PulumiStacksOptions } from "./pulumiStacks";
import { lookupVerdict, WITHHELD, type DriftChange } from "./verdict";

/** Options of {@link checkDrift}. */
export interface DriftCheckOptions {
  /** Files written by `pulumi stack export`, one stack each, plain or gzipped; `-` reads `stdin`. */
  files?: readonly string[];
  /** A self-managed backend: `file://<folder>` (or the folder) that `pulumi login` was given. */
  backend?: string;
  /** Stacks of `backend` to check (`stack`, `project/stack`); default all. */
  stacks?: readonly string[];
  /** Stacks read through the user's own Pulumi CLI (`pulumi stack export`), any backend it is logged in to. */
  pulumi?: PulumiStacksOptions;
  /**
   * Changed fields teams accept: a path of output names joined with `.` (`sharingStatus`, `tags.costCenter`).
   * A change at or below an ignored path does not count as drift; it is still listed as ignored.
   */
  ignoreFields?: readonly string[];
  /** Lookups not to check: globs (`*`) matched case-insensitively against URN, gallery id, `project/stack` or name. */
  ignoreLookups?: readonly string[];
  /** Whether a lookup that cannot be read from state fails the run (`error`, default) or is only reported (`warn`). */
  unreadable?: "error" | "warn";
  /** Galleries read at once. Default 32; ARM's bucket is paced by the process-wide pacer either way. */
  concurrency?: number;
  /** The ARM client to use for every gallery. Default: the package's process-wide client of each lookup's cloud. */
  client?: ArmClient;
  /** Called after each gallery read, with how many of how many are done. */
  onProgress?: (done: number, total: number) => void;
  /** Standard input, for `-`. Default `process.stdin`. */
  stdin?: NodeJS.ReadableStream;
  /**
   * Bytes of JSON text one state source may hold, after decompression: a larger one is a source error and
   * the rest are still checked. Default 256 MiB ({@link DEFAULT_MAX_STATE_BYTES}), at most 512 MiB.
   */
  maxStateBytes?: number;
}

export const ENCRYPTED_REMEDY =
  "its arguments or stored outputs are secrets encrypted by the stack's secrets provider, which this command does not decrypt: " +
  "run `pulumi stack export --show-secrets --file state.json` with the stack's credentials and check that file (keep it out of logs and artifacts)";

const INVALID_REMEDY =
  "the stored arguments do not name a gallery; run `pulumi up` or `pulumi refresh` for this stack so that its state holds the lookup's arguments";

const MALFORMED_REMEDY =
  "the stored properties are not what this package writes; run `pulumi refresh` for this stack so that its state holds what the provider returns";

const ENCRYPTED_REMEDY_VIA_CLI =
  "its arguments or stored outputs are secrets encrypted by the stack's secrets provider: run the check again with --show-secrets " +
  "(checkDrift's pulumi.showSecrets), in an environment where the Pulumi CLI can decrypt them (the passphrase, or the key vault's credentials)";

function pathMatcher(fields: readonly string[]): (path: string[]) => boolean {
  const split = fields.map((f) => f.split("."));
  return (path) => split.some((f) => f.length <= path.length && f.every((seg, i) => seg === path[i]));
}

/** A validation failure's reason, without the value it quotes when that value is a secret. */
function withoutSecretValue(
  failure: { property: string; reason: string },
  args: Record<string, unknown>,
  secretKeys: readonly string[],
): string {
  if (!secretKeys.includes(failure.property)) return failure.reason;
  const quoted = ` (got ${quoteValue(args[failure.property])})`;
  // The quote may be cut short, so the value is not reliably found in it: the rule is kept, the value dropped.
  return failure.reason.endsWith(quoted)
    ? `${failure.reason.slice(0, -quoted.length)} (got a secret value, withheld)`
    : failure.reason;
}

/** Why a source could not be read, naming it: the state errors name it already, anything else is prefixed. */
function sourceErrorText(name: string, error: unknown): string {
  if (error instanceof GalleryLookupError) return error.message;
  return `${name}: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Withholds every secret value of the run from an entry's texts: its gallery id and error (a secret
 * subscription id is part of both, and of ARM's 404 text), and any change whose value holds one (a
 * plain `name` output equal to a secret `galleryName`).
 */
function withholdSecrets(entry: LookupDriftEntry, secrets: SecretValues): void {
  const sensitiveFields: NonNullable<LookupDriftEntry["sensitiveFields"]> = [];
  const galleryId = secrets.scrub(entry.galleryId);
  if (galleryId !== entry.galleryId) {
    entry.galleryId = galleryId;
    sensitiveFields.push("galleryId");
  }
  if (entry.error) {
    const message = secrets.scrub(entry.error.message);
    if (message !== entry.error.message) {
      entry.error.message = message;
      sensitiveFields.push("error.message");
    }
  }
  const withhold = (change: DriftChange): DriftChange =>
    change.sensitive ||
    !(secrets.reveals(change.before) || secrets.reveals(change.after) || secrets.reveals(change.path))
      ? change
      : {
          path: change.path.map((segment) => secrets.scrub(segment)),
          ...("before" in change ? { before: WITHHELD } : {}),
          ...("after" in change ? { after: WITHHELD } : {}),
          sensitive: true,
        };
  entry.changes = entry.changes.map(withhold);
  entry.ignoredChanges = entry.ignoredChanges.map(withhold);
  if (sensitiveFields.length > 0) entry.sensitiveFields = sensitiveFields;
}

/** The verdict on one lookup whose gallery was read. */
function judge(
  lookup: StoredLookup,
  read: GalleryRead,
  ignored: (path: string[]) => boolean,
): Omit<LookupDriftEntry, "stack" | "source" | "urn" | "galleryId"> {
  if (read.error instanceof GalleryNotFoundError) {
    const before = lookup.outputs.resourceId ?? lookup.id;
    const sensitive = lookup.secretKeys.includes("resourceId");
    return {
      status: "deleted",
      changes: [
        {
          path: ["resourceId"],
          ...(before !== undefined ? { before: sensitive ? WITHHELD : before } : {}),
          sensitive,
        },
      ],
      ignoredChanges: [],
      error: errorEntry(read.error),
    };
  }
  if (read.error !== undefined || read.observation === undefined) {
    return {
      status: "failed",
      changes: [],
      ignoredChanges: [],
      error: errorEntry(read.error),
      remedy:
        "the gallery could not be read now, so its drift is unknown: see the error, then run the check again",
    };
  }
  const verdict = lookupVerdict(lookup.outputs, lookup.inputs, read.observation, lookup.secretKeys);
  const changes = verdict.details.filter((c) => !ignored(c.path));
  const ignoredChanges = verdict.details.filter((c) => ignored(c.path));
  return { status: verdict.changes && changes.length > 0 ? "drifted" : "in_sync", changes, ignoredChanges };
}

/**
 * Checks every GalleryLookup in the given Pulumi state for drift: reads each distinct gallery once
 * (GET only) and compares it with the stored observation through the provider's own `diff`. Never
 * writes to Azure or to the state. Resolves to a report; rejects only on bad options.
 *
 * @example
 * ```ts
 * const report = await checkDrift({ files: ["prod.json"], ignoreFields: ["sharingStatus"] });
 * for (const l of report.lookups) if (l.status === "drifted") console.log(l.urn, l.changes);
 * process.exitCode = report.exitCode;
 * ```
 */
export async function checkDrift(options: DriftCheckOptions): Promise<DriftReport> {
  const maxStateBytes = options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
  if (!Number.isInteger(maxStateBytes) || maxStateBytes < 1 || maxStateBytes > MAX_STATE_BYTES_LIMIT) {
    throw new Error(
      `maxStateBytes must be a whole number of bytes from 1 to ${MAX_STATE_BYTES_LIMIT} (512 MiB) (got ${String(options.maxStateBytes)})`,
    );
  }
  const sourceOptions = { maxStateBytes, ...(options.stdin ? { stdin: options.stdin } : {}) };
  const sources: StateSource[] = (options.files ?? []).map((f) => exportFileSource(f, sourceOptions));
  if (options.backend !== undefined)
    sources.push(...(await backendSources(options.backend, options.stacks ?? [], sourceOptions)));
  else if ((options.stacks ?? []).length > 0)
    throw new Error("stacks: naming stacks needs a backend (`--backend file://<folder>`)");
  if (options.pulumi !== undefined)
    sources.push(...(await pulumiStackSources(options.pulumi, sourceOptions)));
  if (sources.length === 0) throw new Error("no state given: name export files (`-` for stdin) or a backend");
  const concurrency = options.concurrency ?? 32;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
    throw new Error(`concurrency must be a whole number from 1 to 256 (got ${String(options.concurrency)})`);
  }
  if (options.unreadable !== undefined && options.unreadable !== "error" && options.unreadable !== "warn") {
    throw new Error(`unreadable must be "error" or "warn" (got ${JSON.stringify(options.unreadable)})`);
  }
  if ((options.files ?? []).filter((f) => f === "-").length > 1)
    throw new Error("files: `-` (stdin) can be given once");

  const ignoreLookup = globMatcher(options.ignoreLookups ?? []);
  const ignoreField = pathMatcher(options.ignoreFields ?? []);
  const warnings: string[] = [];
  const sourceEntries: DriftSourceEntry[] = [];
  const entries: LookupDriftEntry[] = [];
  const reads = new Map<string, GalleryRead>();
  const settle = (read: GalleryRead) => {
    for (const { entry, lookup } of read.waiting) Object.assign(entry, judge(lookup, read, ignoreField));
    read.waiting = [];
  };
  const reader = new GalleryReader(concurrency, options.client, settle, options.onProgress);
  const stacks = new Set<string>();
  const secrets = new SecretValues();

  // One source at a time: only the reduced lookups outlive the parsed document.
  const readSources = async (): Promise<void> => {
    for (const source of sources) {
      if (source.skipped !== undefined) {
        sourceEntries.push({ source: source.name, lookups: 0, skipped: source.skipped });
        continue;
      }
      try {
        const doc = readStateDocument(await source.read(), source.name);
        sourceEntries.push({ source: source.name, lookups: doc.lookups.length });
        if (doc.unrecognised.length > 0) {
          warnings.push(
            `${source.name}: ${doc.unrecognised.length} dynamic resource(s) of the generic type have an encrypted provider, so whether they are GalleryLookups cannot be told (export with --show-secrets to check them): ${doc.unrecognised.slice(0, 3).join(", ")}${doc.unrecognised.length > 3 ? ", ..." : ""}`,
          );
        }
        for (const lookup of doc.lookups) {
          stacks.add(lookup.stack);
          for (const key of lookup.secretKeys) {
            secrets.add(lookup.inputs[key]);
            secrets.add(lookup.outputs[key]);
          }
          const argsSource =
            Object.keys(lookupArgsOf(lookup.inputs)).length > 0 ? lookup.inputs : lookup.outputs;
          const validation = validateLookupArgs(lookupArgsOf(argsSource));
          const galleryId =
            lookup.id ??
            (typeof lookup.outputs.resourceId === "string" ? lookup.outputs.resourceId : undefined) ??
            (validation.args ? galleryResourceId(validation.args) : "(unknown)");
          const entry: LookupDriftEntry = {
            stack: lookup.stack,
            source: lookup.source,
            urn: lookup.urn,
            galleryId,
            status: "in_sync",
            changes: [],
            ignoredChanges: [],
          };
          entries.push(entry);
          const name = lookupName(lookup.urn);
          if (ignoreLookup([lookup.urn, galleryId, lookup.stack, name])) {
            entry.status = "ignored";
            continue;
          }
          if (lookup.unreadable !== undefined) {
            entry.status = "unreadable";
            entry.error = { name: "StateFormatError", message: lookup.unreadable };
            entry.remedy = MALFORMED_REMEDY;
            continue;
          }
          // Only the arguments and the observation are kept, so any encrypted key is one the check needs.
          const encrypted = lookup.encryptedKeys;
          if (encrypted.length > 0) {
            entry.status = "unreadable";
            entry.error = {
              name: "EncryptedStateError",
              message: `encrypted in state: ${encrypted.join(", ")}`,
            };
            entry.remedy = source.name.startsWith(PULUMI_SOURCE_PREFIX)
              ? ENCRYPTED_REMEDY_VIA_CLI
              : ENCRYPTED_REMEDY;
            continue;
          }
          if (!validation.args) {
            entry.status = "unreadable";
            entry.error = {
              name: "InvalidArgumentError",
              message:
                validation.failures
                  .map((f) => `${f.property}: ${withoutSecretValue(f, argsSource, lookup.secretKeys)}`)
                  .join("; ") || "arguments not known",
            };
            entry.remedy = INVALID_REMEDY;
            continue;
          }
          const key = galleryKey(validation.args);
          let read = reads.get(key);
          if (!read) {
            read = { args: validation.args, settled: false, waiting: [] };
            reads.set(key, read);
            reader.add(read);
          }
          read.waiting.push({ entry, lookup });
          if (read.settled) settle(read);
        }
      } catch (error) {
        sourceEntries.push({ source: source.name, lookups: 0, error: sourceErrorText(source.name, error) });
      }
    }
    await reader.finish();
  };
  await withScrubbedLog(secrets, readSources);
  if (!secrets.empty) for (const entry of entries) withholdSecrets(entry, secrets);

  if (entries.length === 0 && sourceEntries.every((s) => !s.error)) {
    warnings.push(`no GalleryLookup found in ${sourceEntries.length} state source(s)`);
  }
  const count = (status: LookupStatus) => entries.filter((e) => e.status === status).length;
  const summary = {
    lookups: entries.length,
    stacks: stacks.size,
    galleries: reads.size,
    in_sync: count("in_sync"),
    drifted: count("drifted"),
    deleted: count("deleted"),
    failed: count("failed"),
    unreadable: count("unreadable"),
    ignored: count("ignored"),
  };
  const failedRun =
    sourceEntries.some((s) => s.error !== undefined || s.skipped !== undefined) ||
    summary.failed > 0 ||
    (summary.unreadable > 0 && (options.unreadable ?? "error") === "error");
  const exitCode = failedRun ? 1 : summary.drifted + summary.deleted > 0 ? 2 : 0;
  return {
    formatVersion: DRIFT_FORMAT_VERSION,
    checkedAt: new Date().toISOString(),
    exitCode,
    summary,
    sources: sourceEntries,
    lookups: entries,
    warnings,
  };
}
