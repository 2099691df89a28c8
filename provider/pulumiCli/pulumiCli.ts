// The one place that finds and starts the Pulumi CLI: `gallery-lookup preview/up DIR` (cli/pulumiCli.ts), the
// drift check's stack exports (drift/pulumiStacks.ts), and, through dist/, the repository's scripts
// (scripts/pulumi-cli.js, which adds its cached Go build) and the real-CLI suite (test/support/pulumiCli.ts).
import { spawn, spawnSync, type StdioOptions } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { markedEnv, type OwnedChild } from "../process/processGroup";

/** The first release whose `--expect-no-changes` exits 7, as the embedded engine does. */
export const MINIMUM_PULUMI = "3.226.0";

/** A Pulumi CLI that can run projects here. */
export interface PulumiCli {
  path: string;
  version: string;
}

/** `pulumi version` of a binary (`3.226.0`), or undefined when it does not run. */
export function pulumiVersion(binary: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const run = spawnSync(binary, ["version"], {
    encoding: "utf8",
    timeout: 30_000,
    env: { ...env, PULUMI_SKIP_UPDATE_CHECK: "true" },
  });
  return run.status === 0 ? /v?(\d+\.\d+\.\d+)/.exec(run.stdout ?? "")?.[1] : undefined;
}

/** Whether `version` (`major.minor.patch`) is {@link MINIMUM_PULUMI} or newer. */
export function isSupportedVersion(version: string): boolean {
  const [a, b] = [version, MINIMUM_PULUMI].map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}

/** The binary and its version when it runs and is {@link MINIMUM_PULUMI} or newer. */
function supported(binary: string, env: NodeJS.ProcessEnv): PulumiCli | undefined {
  const version = pulumiVersion(binary, env);
  return version !== undefined && isSupportedVersion(version) ? { path: binary, version } : undefined;
}

/** The first executable file called `name` in the folders of `env.PATH`. */
export function onPath(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Where to look for the CLI, and where to say why none was taken. */
export interface PulumiSearch {
  env?: NodeJS.ProcessEnv;
  /** Receives one reason per candidate refused. */
  why?: string[];
  /** Further candidates after PATH, tried in order (the repository's scripts add their cached Go build). */
  fallbacks?: readonly (() => string | undefined)[];
}

/**
 * `PULUMI_CLI` when set (it must work: nothing else is tried), else `pulumi` on PATH, else each fallback, at
 * {@link MINIMUM_PULUMI} or newer; undefined when there is none, with the reasons in `why`.
 */
export function findPulumi(search: PulumiSearch = {}): PulumiCli | undefined {
  const env = search.env ?? process.env;
  const why = search.why ?? [];
  if (env.PULUMI_CLI) {
    const named = supported(path.resolve(env.PULUMI_CLI), env);
    if (!named) why.push(`PULUMI_CLI=${env.PULUMI_CLI} is not a Pulumi CLI ${MINIMUM_PULUMI} or newer`);
    return named;
  }
  const fromPath = onPath("pulumi", env);
  const found = fromPath === undefined ? undefined : supported(fromPath, env);
  if (found) return found;
  if (fromPath) why.push(`${fromPath} is older than ${MINIMUM_PULUMI}`);
  for (const fallback of search.fallbacks ?? []) {
    const candidate = fallback();
    const usable = candidate === undefined ? undefined : supported(candidate, env);
    if (usable) return usable;
  }
  return undefined;
}

/** How {@link spawnPulumi} starts one command. */
export interface PulumiSpawn {
  cwd?: string;
  env: NodeJS.ProcessEnv;
  stdio: StdioOptions;
}

/**
 * Starts `pulumi ARGS --non-interactive` in a process group of its own, its environment marked
 * (preview/processGroup.ts), so that `killOwned`/`stopOwned` end it and the plugins it starts in groups of
 * their own.
 */
export function spawnPulumi(binary: string, args: readonly string[], options: PulumiSpawn): OwnedChild {
  const marked = markedEnv(options.env);
  const child = spawn(binary, [...args, "--non-interactive"], {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    env: marked.env,
    stdio: options.stdio,
    detached: true,
  });
  return { child, mark: marked.mark };
}
