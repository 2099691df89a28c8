// Where state comes from: files written by `pulumi stack export` (or stdin), and the folder of a
// self-managed `file://` backend, read in place. Reads only: nothing here opens a file for writing.
//
// The self-managed backend (pulumi/pulumi pkg/backend/diy) keeps each stack's checkpoint at
// `<root>/.pulumi/stacks/<project>/<stack>.json` (project-scoped layout, `.pulumi/meta.yaml` version 1)
// or `<root>/.pulumi/stacks/<stack>.json` (the legacy layout), gzipped as `<stack>.json.gz` when
// `PULUMI_SELF_MANAGED_STATE_GZIP` is set. Backups (`.bak`), history and locks sit beside them and are
// not state.
import { promises as fs } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { gunzipSync } from "node:zlib";

/** One stack's state to read. */
export interface StateSource {
  /** What to call it in messages and reports: the path, or `-` for stdin. */
  name: string;
  /** Reads the document's text (gunzipped when needed). */
  read(): Promise<string>;
}

/** Bad input that is not a state document's fault: a missing folder, an unknown stack name. */
export class StateSourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "StateSourceError";
  }
}

/** Text of a state document: gzip is recognised by its magic bytes, whatever the file is called. */
export function stateText(bytes: Buffer): string {
  const zipped = bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
  return (zipped ? gunzipSync(bytes) : bytes).toString("utf8");
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** A file from `pulumi stack export --file`, or `-` for standard input. */
export function exportFileSource(file: string, stdin: NodeJS.ReadableStream = process.stdin): StateSource {
  if (file === "-") return { name: "-", read: async () => stateText(await readAll(stdin)) };
  return {
    name: file,
    read: async () => {
      try {
        return stateText(await fs.readFile(file));
      } catch (error) {
        throw new StateSourceError(
          `cannot read state file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
        );
      }
    },
  };
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
}

const STATE_FILE = /^(.+)\.json(\.gz)?$/;

async function listDir(dir: string): Promise<import("node:fs").Dirent[]> {
  try {
    return await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}

/** The stack files in one folder; where both `x.json` and `x.json.gz` exist, the newer one is current. */
async function stackFiles(dir: string, prefix: string): Promise<BackendStack[]> {
  const found = new Map<string, { file: string; mtime: number }>();
  for (const entry of await listDir(dir)) {
    const m = entry.isFile() ? STATE_FILE.exec(entry.name) : null;
    if (!m) continue;
    const file = path.join(dir, entry.name);
    const mtime = (await fs.stat(file)).mtimeMs;
    const prior = found.get(m[1]);
    if (!prior || mtime > prior.mtime) found.set(m[1], { file, mtime });
  }
  return [...found].map(([stack, { file }]) => ({ qualified: `${prefix}${stack}`, file }));
}

/**
 * Every stack of a self-managed backend, or the ones named (`stack`, `project/stack` or
 * `organization/project/stack`, as `pulumi stack ls` shows them). A name that matches nothing is an error.
 */
export async function backendSources(url: string, names: readonly string[] = []): Promise<StateSource[]> {
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
  const stacks = await stackFiles(dir, "");
  for (const entry of await listDir(dir)) {
    if (entry.isDirectory()) stacks.push(...(await stackFiles(path.join(dir, entry.name), `${entry.name}/`)));
  }
  stacks.sort((a, b) => a.qualified.localeCompare(b.qualified));
  let chosen = stacks;
  if (names.length > 0) {
    chosen = [];
    for (const name of names) {
      const wanted = name.replace(/^organization\//, "");
      const hits = stacks.filter(
        (s) => s.qualified === wanted || (!wanted.includes("/") && s.qualified.endsWith(`/${wanted}`)),
      );
      if (hits.length === 0) {
        throw new StateSourceError(
          `backend ${url}: no stack "${name}" (stacks: ${stacks.map((s) => s.qualified).join(", ") || "none"})`,
        );
      }
      if (hits.length > 1) {
        throw new StateSourceError(
          `backend ${url}: stack "${name}" is ambiguous (${hits.map((s) => s.qualified).join(", ")}): name it as project/stack`,
        );
      }
      if (!chosen.includes(hits[0])) chosen.push(hits[0]);
    }
  }
  return chosen.map((s) => exportFileSource(s.file));
}
