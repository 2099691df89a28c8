// Loaded by the package root, and preloaded (`node --require`, through preview/runtimePreload.ts) into Pulumi's Node.js language runtime by runProgram. It works around a
// Node.js bug that turns every program failure into a 30-45 s stall: `util.inspect(err, { colors: true })`
// loops in `markNodeModules` on a stack frame such as `node_modules/@pulumi/resource.ts:602:13` (a scoped
// package followed by a file, which the SDK's source maps produce), growing a string until V8 gives up with
// "Invalid string length" after gigabytes of garbage (nodejs/node#64011, fixed by nodejs/node#64022).
// The runtime's `defaultErrorMessage` (cmd/run/error.js) makes exactly that call, then falls back to the
// uncoloured form; this replaces it with the uncoloured form straight away. The message is the same text,
// without ANSI codes. Nothing else is touched, and a runtime without that module is left alone.
// Loaded two ways: preloaded by our embedded engine, and imported by the package's entry point, so that a
// program run by Pulumi's own runtime (`pulumi preview`) gets it as soon as it imports the package, before any
// error, with no NODE_OPTIONS. Only on a Node.js with the bug; GALLERY_LOOKUP_KEEP_RUNTIME_ERRORS=1 opts out.
import * as path from "path";
import * as util from "util";

interface ErrorModule {
  defaultErrorMessage?: (err: unknown) => string;
}

/** The uncoloured message the runtime would fall back to after its coloured attempt failed. */
export function plainErrorMessage(err: unknown): string {
  const e = err as { stack?: unknown; message?: unknown } | null | undefined;
  if (e?.stack) {
    try {
      return util.inspect(err);
    } catch {
      return typeof e.stack === "string" ? e.stack : "an error without a message";
    }
  }
  if (typeof e?.message === "string" && e.message !== "") return e.message;
  try {
    return String(err);
  } catch {
    return "an error occurred while inspecting an error";
  }
}

/** Replaces `defaultErrorMessage` of the runtime started as `node <sdk>/cmd/run ...`; returns whether it did. */
export function patchRuntime(entry: string | undefined = process.argv[1]): boolean {
  if (!entry) return false;
  const runDir = path.basename(entry) === "run" ? entry : path.dirname(entry);
  if (path.basename(runDir) !== "run") return false;
  try {
    const errors = require(path.join(runDir, "error.js")) as ErrorModule;
    if (typeof errors.defaultErrorMessage !== "function") return false;
    errors.defaultErrorMessage = plainErrorMessage;
    return true;
  } catch {
    return false;
  }
}

/** The environment variable that, set to 1 or true, leaves Pulumi's runtime as it is. */
export const KEEP_RUNTIME_ERRORS = "GALLERY_LOOKUP_KEEP_RUNTIME_ERRORS";

/**
 * Whether this Node.js has nodejs/node#64011. The fix (nodejs/node#64022, merged 2026-06-20) is in no 20.x
 * (end of life since April 2026) and was still missing from 26.3.1 (nodejs/node#64136); releases of the 22, 24
 * and 26 lines that carry a backport are not recorded here, so they count as affected: the workaround only
 * drops colours from an error message. Lines from 27 on branched after the fix.
 */
export function hasInspectBug(version: string = process.versions.node): boolean {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1]);
  return !(major >= 27);
}

/**
 * Applies the workaround when this process is Pulumi's Node.js runtime, on a Node.js with the bug, unless
 * {@link KEEP_RUNTIME_ERRORS} opts out; returns whether it did.
 */
export function applyRuntimeWorkaround(
  entry: string | undefined = process.argv[1],
  env: NodeJS.ProcessEnv = process.env,
  version: string = process.versions.node,
): boolean {
  if (/^(1|true)$/i.test(env[KEEP_RUNTIME_ERRORS] ?? "")) return false;
  return hasInspectBug(version) && patchRuntime(entry);
}

applyRuntimeWorkaround();
