// Where state comes from: files written by `pulumi stack export` (or stdin), and the folder of a
// self-managed `file://` backend, read in place. Reads only: nothing here opens a file for writing.
//
// The self-managed backend (pulumi/pulumi pkg/backend/diy) keeps each stack's checkpoint at
// `<root>/.pulumi/stacks/<project>/<stack>.json` (project-scoped layout, `.pulumi/meta.yaml` version 1)
// or `<root>/.pulumi/stacks/<stack>.json` (the legacy layout), gzipped as `<stack>.json.gz` when
// `PULUMI_SELF_MANAGED_STATE_GZIP` is set. Backups (`.bak`), history and locks sit beside them and are
// not state.
import { constants as fsConstants, promises as fs, type Dirent, type Stats } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { StateFormatError } from "../errors/StateFormatError";
import { StateSourceError } from "../errors/StateSourceError";

export { StateSourceError };

/**
 * The most a state source may hold, in bytes of JSON text (after decompression): 256 MiB, some 34,000
 * GalleryLookups as `pulumi stack export` writes them (7.8 kB each, serialized provider included). A
 * gzip bomb stops here instead of taking the process down.
 */
export const DEFAULT_MAX_STATE_BYTES = 256 * 1024 * 1024;
/** The highest limit that can be set: V8 holds at most 2^29 - 24 UTF-16 units in one string (~512 Mi). */
export const MAX_STATE_BYTES_LIMIT = 512 * 1024 * 1024;

/** One stack's state to read. */
export interface StateSource {
  /** What to call it in messages and reports: the path, or `-` for stdin. */
  name: string;
  /** Why the source is not read (a symbolic link or a special file in a backend folder). */
  skipped?: string;
  /** Reads the document's text (gunzipped when needed), at most the limit of bytes. */
  read(): Promise<string>;
}

/** How sources are read. */
export interface SourceOptions {
  /** Standard input, for `-`. Default `process.stdin`. */
  stdin?: NodeJS.ReadableStream;
  /** Bytes of JSON text one source may hold. Default {@link DEFAULT_MAX_STATE_BYTES}. */
  maxStateBytes?: number;
}

/** `268435456` as `256 MiB`, for messages. */
export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ["GiB", 2 ** 30],
    ["MiB", 2 ** 20],
    ["KiB", 2 ** 10],
  ] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

function tooLarge(name: string, limit: number, zipped: boolean): StateSourceError {
  return new StateSourceError(
    `${name}: larger than ${formatBytes(limit)}${zipped ? " once decompressed" : ""}, the limit for one state source: ` +
      "nothing past it was read (raise the limit with --max-state-bytes, or checkDrift's maxStateBytes)",
  );
}

const isZlibError = (error: unknown): error is NodeJS.ErrnoException =>
  typeof (error as NodeJS.ErrnoException)?.code === "string" &&
  (error as NodeJS.ErrnoException).code!.startsWith("Z_");

/**
 * The text of a state document, read as a stream and never more than `limit` bytes of it: gzip is
 * recognised by its magic bytes, whatever the file is called, and inflated as it arrives, so that a
 * small file that expands to gigabytes costs no more than the limit.
 */
export async function readDocument(
  chunks: AsyncIterable<Buffer | string>,
  name: string,
  limit: number,
): Promise<string> {
  const input = chunks[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let headBytes = 0;
  let ended = false;
  while (headBytes < 2 && !ended) {
    const next = await input.next();
    if (next.done) ended = true;
    else {
      const chunk = Buffer.from(next.value);
      head.push(chunk);
      headBytes += chunk.length;
    }
  }
  async function* all(): AsyncGenerator<Buffer> {
    try {
      yield* head;
      while (!ended) {
        const next = await input.next();
        if (next.done) return;
        yield Buffer.from(next.value);
      }
    } finally {
      // Stopping early (over the limit, bad gzip) closes the file or stream underneath.
      await input.return?.();
    }
  }
  const first = Buffer.concat(head);
  const zipped = first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  const parts: Buffer[] = [];
  let total = 0;
  // Kept aside: the pipeline reports its own abort, not the reason the collector stopped.
  let overLimit: StateSourceError | undefined;
  const collect = async (source: AsyncIterable<Buffer>): Promise<void> => {
    for await (const chunk of source) {
      total += chunk.length;
      if (total > limit) throw (overLimit = tooLarge(name, limit, zipped));
      parts.push(chunk);
    }
  };
  try {
    if (zipped) await pipeline(Readable.from(all()), createGunzip(), collect);
    else await collect(all());
    return Buffer.concat(parts, total).toString("utf8");
  } catch (error) {
    if (overLimit) throw overLimit;
    if (isZlibError(error)) throw new StateFormatError(name, `is not valid gzip (${error.message})`);
    if ((error as NodeJS.ErrnoException).code === "ERR_STRING_TOO_LONG")
      throw new StateSourceError(`${name}: too long for one JSON text (${formatBytes(total)})`);
    throw new StateSourceError(`cannot read state ${name}: ${errorCode(error)}`);
  }
}

const errorCode = (error: unknown): string =>
  (error as NodeJS.ErrnoException).code ?? (error as Error).message ?? String(error);

const SYMLINK_REASON = "a symbolic link: not followed, so that nothing outside the backend folder is read";

/** Why a directory entry that looks like state is not read; undefined for a regular file. */
function notRegular(stats: Dirent | Stats): string | undefined {
  if (stats.isFile()) return undefined;
  if (stats.isSymbolicLink()) return SYMLINK_REASON;
  if (stats.isFIFO()) return "a named pipe (FIFO), not a state file";
  if (stats.isSocket()) return "a socket, not a state file";
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return "a device, not a state file";
  if (stats.isDirectory()) return "a folder, not a state file";
  return "not a regular file";
}

/**
 * Reads one file under the limit. In a backend folder (`inBackend`) the file must be a regular file
 * when opened, not only when listed: a link put in its place meanwhile is refused, not followed.
 */
async function readStateFile(file: string, limit: number, inBackend: boolean): Promise<string> {
  let handle: import("node:fs/promises").FileHandle;
  try {
    handle = await fs.open(file, fsConstants.O_RDONLY | (inBackend ? fsConstants.O_NOFOLLOW : 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (inBackend && code === "ELOOP") throw new StateSourceError(`${file}: skipped: ${SYMLINK_REASON}`);
    throw new StateSourceError(`cannot read state file ${file}: ${errorCode(error)}`);
  }
  try {
    const stats = await handle.stat();
    const odd = inBackend ? notRegular(stats) : undefined;
    if (odd) throw new StateSourceError(`${file}: skipped: ${odd}`);
    // A plain file's size is known before reading; a gzipped one is bounded as it inflates.
    if (stats.isFile() && stats.size > limit) throw tooLarge(file, limit, false);
    return await readDocument(handle.createReadStream({ autoClose: false }), file, limit);
  } finally {
    await handle.close();
  }
}

function limitOf(options: SourceOptions): number {
  return options.maxStateBytes ?? DEFAULT_MAX_STATE_BYTES;
}

/** A file from `pulumi stack export --file`, or `-` for standard input. */
export function exportFileSource(file: string, options: SourceOptions = {}): StateSource {
  const limit = limitOf(options);
  if (file === "-") {
    const stdin = options.stdin ?? process.stdin;
    return { name: "-", read: () => readDocument(stdin as AsyncIterable<Buffer>, "-", limit) };
  }
  return { name: file, read: () => readStateFile(file, limit, false) };
}

/** The folder a backend URL or path names: `file://~`, `file:///abs`, `file://rel` or a plain path. */
export function backendFolder(url: string): string {
  let dir = url.startsWith("file://") ? url.slice("file://".length) : url;
  if (dir === "~" || dir.startsWith("~/")) dir = path.join(os.homedir(), dir.slice(1));
  if (dir === "") throw new StateSourceError(`backend "${url}" names no folder`);
  return path.resolve(dir);
}

interface BackendStack {
  /** `project/stack`, or `stack` in the legacy layout. */
  qualified: string;
  file: string;
  /** Why the file is not read. */
  skipped?: string;
}

const STATE_FILE = /^(.+)\.json(\.gz)?$/;

async function listDir(dir: string): Promise<Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/**
 * The stack files in one folder; where both `x.json` and `x.json.gz` exist, the newer one is current.
 * A link or special file named like state is listed as skipped, with the reason, never read.
 */
async function stackFiles(dir: string, prefix: string, entries: Dirent[]): Promise<BackendStack[]> {
  const found = new Map<string, { file: string; mtime: number }>();
  const skipped: BackendStack[] = [];
  for (const entry of entries) {
    const m = STATE_FILE.exec(entry.name);
    if (!m) continue;
    const file = path.join(dir, entry.name);
    const odd = notRegular(entry);
    if (odd) {
      // A folder named like state is a project folder at the top level, and walked as one there.
      if (!(entry.isDirectory() && prefix === ""))
        skipped.push({ qualified: `${prefix}${m[1]}`, file, skipped: odd });
      continue;
    }
    const mtime = (await fs.lstat(file)).mtimeMs;
    const prior = found.get(m[1]);
    if (!prior || mtime > prior.mtime) found.set(m[1], { file, mtime });
  }
  return [...[...found].map(([stack, { file }]) => ({ qualified: `${prefix}${stack}`, file })), ...skipped];
}

/**
 * Every stack of a self-managed backend, or the ones named (`stack`, `project/stack` or
 * `organization/project/stack`, as `pulumi stack ls` shows them). A name that matches nothing is an error.
 * Symbolic links and special files are not followed: they come back as sources with `skipped` set.
 */
export async function backendSources(
  url: string,
  names: readonly string[] = [],
  options: SourceOptions = {},
): Promise<StateSource[]> {
  const root = backendFolder(url);
  const stacksDir = [path.join(root, ".pulumi", "stacks"), path.join(root, "stacks")];
  let dir: string | undefined;
  for (const candidate of stacksDir) {
    if ((await fs.stat(candidate).catch(() => undefined))?.isDirectory()) {
      dir = candidate;
      break;
    }
  }
  if (!dir) {
    throw new StateSourceError(
      `backend ${url}: no ${path.join(root, ".pulumi", "stacks")} folder; give the folder \`pulumi login file://<folder>\` was given`,
    );
  }
  const top = await listDir(dir);
  const stacks = await stackFiles(dir, "", top);
  for (const entry of top) {
    if (entry.isDirectory()) {
      const projectDir = path.join(dir, entry.name);
      stacks.push(...(await stackFiles(projectDir, `${entry.name}/`, await listDir(projectDir))));
    } else if (entry.isSymbolicLink() && !STATE_FILE.test(entry.name)) {
      // Perhaps a project folder: its stacks are not read, and the report says so.
      stacks.push({
        qualified: `${entry.name}/*`,
        file: path.join(dir, entry.name),
        skipped: SYMLINK_REASON,
      });
    }
  }
  stacks.sort((a, b) => a.qualified.localeCompare(b.qualified) || a.file.localeCompare(b.file));
  let chosen = stacks;
  if (names.length > 0) {
    chosen = [];
    const known = [...new Set(stacks.map((s) => s.qualified))];
    for (const name of names) {
      const wanted = name.replace(/^organization\//, "");
      const hits = known.filter((q) => q === wanted || (!wanted.includes("/") && q.endsWith(`/${wanted}`)));
      if (hits.length === 0) {
        throw new StateSourceError(
          `backend ${url}: no stack "${name}" (stacks: ${known.join(", ") || "none"})`,
        );
      }
      if (hits.length > 1) {
        throw new StateSourceError(
          `backend ${url}: stack "${name}" is ambiguous (${hits.join(", ")}): name it as project/stack`,
        );
      }
      for (const s of stacks) if (s.qualified === hits[0] && !chosen.includes(s)) chosen.push(s);
    }
  }
  const limit = limitOf(options);
  return chosen.map((s) =>
    s.skipped !== undefined
      ? {
          name: s.file,
          skipped: s.skipped,
          read: () => Promise.reject(new StateSourceError(`${s.file}: skipped: ${s.skipped}`)),
        }
      : { name: s.file, read: () => readStateFile(s.file, limit, true) },
  );
}
