// Runs the real Pulumi CLI (built from Go modules by scripts/pulumi-cli.js, or the user's own) the way a user
// does, but offline: a temporary PULUMI_HOME and file:// backend, a passphrase secrets provider, no update
// check, no plugin downloads, --non-interactive, and only the emulator's endpoints in the environment.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { galleryId, realisticGallery } from "#internal/emulator/index";
import type { EmulatorHandle, JournalEntry } from "#internal/emulator/types";
import { killOwned } from "#internal/process/processGroup";
import { MINIMUM_PULUMI, spawnPulumi } from "#internal/pulumiCli/pulumiCli";
import { installedProgram, REPO_ROOT } from "./engineInstall";

/** scripts/pulumi-cli.js: the package's search (PULUMI_CLI, PATH), then the cached or a new Go build. */
const script = require(path.join(REPO_ROOT, "scripts", "pulumi-cli.js")) as {
  findPulumi(why?: string[]): string | undefined;
};

let found: { binary?: string; why: string[] } | undefined;

/** The Pulumi CLI the suite runs, or undefined with the reasons (PULUMI_CLI, PATH, the cached or a new build). */
export function pulumiBinary(): { binary?: string; why: string[] } {
  if (!found) {
    const why: string[] = [];
    found = { binary: script.findPulumi(why), why };
  }
  return found;
}

/**
 * The CLI for a suite's `before` hook. Without one the suite is skipped with a banner that cannot be missed;
 * under CI=true it fails instead, since CI must prove the lifecycle on the real CLI.
 */
export function requirePulumi(context: Mocha.Context): string {
  // Set by quickRun.ts for `npm run test:quick`.
  if (process.env.GALLERY_LOOKUP_TEST_QUICK) {
    throw new Error(
      "this suite needs the Pulumi CLI, which `npm run test:quick` leaves out: move it out of the quick folders (package.json)",
    );
  }
  const { binary, why } = pulumiBinary();
  if (binary) return binary;
  const message = `No Pulumi CLI ${MINIMUM_PULUMI}+ for the real-CLI suite: ${why.join("; ")}`;
  if (process.env.CI === "true") throw new Error(`${message} (CI=true: the suite may not be skipped)`);
  process.stderr.write(`\n${"!".repeat(100)}\n!! SKIPPED: ${message}\n${"!".repeat(100)}\n\n`);
  context.skip();
}

/** What one CLI run gave. */
export interface PulumiRun {
  code: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** A Pulumi project folder with the packed package installed, and its own offline CLI environment. */
export interface PulumiProject {
  dir: string;
  env: NodeJS.ProcessEnv;
  /** Runs `pulumi ARGS --non-interactive` in the project; never throws on a non-zero exit. */
  run(
    args: string[],
    options?: { env?: NodeJS.ProcessEnv; stdin?: string; timeoutMs?: number },
  ): Promise<PulumiRun>;
  /** The same, failing the test with the CLI's output unless it exits 0. */
  ok(args: string[], options?: { env?: NodeJS.ProcessEnv; stdin?: string }): Promise<PulumiRun>;
  /** `pulumi stack export` as parsed JSON. */
  exportStack(showSecrets?: boolean): Promise<StackExport>;
  backendDir: string;
  close(): void;
}

/** The parts of a `pulumi stack export` the suite reads. */
export interface StackExport {
  version: number;
  deployment: {
    resources?: {
      urn: string;
      type: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }[];
  };
}

/** The project files: name → text. `Pulumi.yaml` is written from `name` unless given. */
export type ProjectFiles = Record<string, string>;

const temporaryFolders = new Set<string>();
process.once("exit", () => {
  for (const dir of temporaryFolders) fs.rmSync(dir, { recursive: true, force: true });
});

/**
 * Makes a project in a temporary folder: the given files, and a node_modules that holds the packed package
 * and its dependencies (test/support/engineInstall.ts), so the CLI runs the published files. `stack` is
 * selected (created) on a fresh file:// backend.
 */
export async function pulumiProject(
  binary: string,
  azure: EmulatorHandle | undefined,
  files: ProjectFiles,
  options: { name?: string; stack?: string; env?: NodeJS.ProcessEnv; backendDir?: string } = {},
): Promise<PulumiProject> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-pulumi-"));
  temporaryFolders.add(root);
  const dir = path.join(root, "project");
  const home = path.join(root, "home");
  const backendDir = options.backendDir ?? path.join(root, "backend");
  for (const folder of [dir, home, backendDir]) fs.mkdirSync(folder, { recursive: true });
  const name = options.name ?? "lookup-test";
  const allFiles: ProjectFiles = {
    "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
    "package.json": JSON.stringify({ name, private: true, version: "0.0.0", main: "index.ts" }),
    "tsconfig.json": JSON.stringify({
      compilerOptions: {
        strict: true,
        target: "es2022",
        module: "commonjs",
        moduleResolution: "node",
        esModuleInterop: true,
        skipLibCheck: true,
      },
      files: ["index.ts"],
    }),
    ...files,
  };
  for (const [file, text] of Object.entries(allFiles)) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), text);
  }
  fs.symlinkSync(
    path.join(installedProgram().dir, "node_modules"),
    path.join(dir, "node_modules"),
    "junction",
  );

  const env: NodeJS.ProcessEnv = {
    // Only what the CLI and Node need: the CLI's own folder first (its language host and the dynamic
    // provider shim sit beside it), then node. Nothing of this machine's Azure or proxy settings.
    PATH: [path.dirname(binary), path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
      path.delimiter,
    ),
    HOME: home,
    TMPDIR: os.tmpdir(),
    PULUMI_HOME: path.join(home, ".pulumi"),
    PULUMI_BACKEND_URL: `file://${backendDir}`,
    PULUMI_CONFIG_PASSPHRASE: "real-cli-suite-passphrase",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    NO_PROXY: "127.0.0.1,localhost",
    ...(azure?.environment() ?? {}),
    ...options.env,
  };

  const run: PulumiProject["run"] = (args, runOptions = {}) =>
    new Promise((resolve, reject) => {
      const started = Date.now();
      // Its own process group, marked: a timeout ends the language host and provider too.
      const owned = spawnPulumi(binary, args, {
        cwd: dir,
        env: { ...env, ...runOptions.env },
        stdio: "pipe",
      });
      const { child } = owned;
      let stdout = "";
      let stderr = "";
      child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
      child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
      child.stdin!.end(runOptions.stdin ?? "");
      const timer = setTimeout(() => void killOwned(owned), runOptions.timeoutMs ?? 120_000);
      child.on("error", reject);
      child.on("close", (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr, ms: Date.now() - started });
      });
    });

  const ok: PulumiProject["ok"] = async (args, runOptions) => {
    const result = await run(args, runOptions);
    if (result.code !== 0) {
      throw new Error(
        `pulumi ${args.join(" ")} exited ${result.code}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
      );
    }
    return result;
  };

  const project: PulumiProject = {
    dir,
    env,
    backendDir,
    run,
    ok,
    async exportStack(showSecrets = false) {
      const result = await ok(["stack", "export", ...(showSecrets ? ["--show-secrets"] : [])]);
      return JSON.parse(result.stdout) as StackExport;
    },
    close() {
      fs.rmSync(root, { recursive: true, force: true });
      temporaryFolders.delete(root);
    },
  };
  await ok(["stack", "init", options.stack ?? "dev"]);
  return project;
}

/** The lines of `pulumi preview --json`'s steps the suite reads. */
export interface PreviewStep {
  op: string;
  urn: string;
  detailedDiff?: Record<string, { kind: string }>;
  diffReasons?: string[];
  replaceReasons?: string[];
  newState?: { type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> };
  oldState?: { type: string; outputs?: Record<string, unknown> };
}

/** `pulumi preview --json`'s document. */
export interface PreviewJson {
  steps?: PreviewStep[];
  diagnostics?: { message: string; severity: string; urn?: string }[];
  changeSummary?: Record<string, number>;
}

/** The type every GalleryLookup has in state and in a preview. */
export const GALLERY_LOOKUP_TYPE = "pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup";
/** What `--expect-no-changes` exits with when there are changes (Pulumi 3.226+). */
export const EXPECT_NO_CHANGES_EXIT = 7;
/** How Pulumi's JSON spells a value unknown during a preview. */
export const UNKNOWN_IN_JSON = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The ARM requests the emulator saw (tokens and discovery left out). */
export function armRequestsSeen(azure: EmulatorHandle): JournalEntry[] {
  return azure.journal().filter((entry) => entry.kind === "arm");
}

/** How many ARM requests the emulator saw for each gallery name, each asserted to be a GET. */
export function getsByGallery(azure: EmulatorHandle): Map<string, number> {
  const counts = new Map<string, number>();
  for (const entry of armRequestsSeen(azure)) {
    assert.equal(entry.method, "GET");
    const name = entry.path.split("/").pop() ?? "";
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

/** The step of `pulumi preview --json` whose URN ends with `::name`; fails the test when there is none. */
export function previewStep(preview: PreviewJson, name: string): PreviewStep {
  const step = preview.steps?.find((s) => s.urn.endsWith(`::${name}`));
  if (!step) throw new Error(`no step for ${name} in ${JSON.stringify(preview.steps?.map((s) => s.urn))}`);
  return step;
}

/**
 * A folder of the OS temp dir, removed at exit like the projects (for tests that lay out their own
 * node_modules or state files).
 */
export function temporaryFolder(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temporaryFolders.add(dir);
  return dir;
}

/** Points the project's node_modules at another folder (e.g. an older version of the package installed there). */
export function useNodeModules(project: PulumiProject, nodeModules: string): void {
  const link = path.join(project.dir, "node_modules");
  fs.rmSync(link, { recursive: true, force: true });
  fs.symlinkSync(nodeModules, link, "junction");
}

/** examples/basic as a project, with `galleryName` set in its stack config. */
export async function basicExampleProject(
  binary: string,
  azure: EmulatorHandle,
  galleryName: string,
): Promise<PulumiProject> {
  const project = await pulumiProject(binary, azure, {
    "index.ts": fs.readFileSync(path.join(REPO_ROOT, "examples", "basic", "index.ts"), "utf8"),
  });
  await project.ok(["config", "set", "galleryName", galleryName]);
  return project;
}

/**
 * A program of GalleryLookups in the emulator's default resource group: lookup name → gallery name. A
 * lookup marked `secret` gets its galleryName through `pulumi.secret`, so the state holds it encrypted.
 */
export function lookupsProgram(
  resourceGroupName: string,
  lookups: Record<string, { galleryName: string; secret?: boolean }>,
): string {
  const lines = [
    'import * as pulumi from "@pulumi/pulumi";',
    'import { GalleryLookup } from "pulumi-azure-gallery-lookup";',
    "",
  ];
  for (const [name, { galleryName, secret }] of Object.entries(lookups)) {
    const value = secret ? `pulumi.secret(${JSON.stringify(galleryName)})` : JSON.stringify(galleryName);
    lines.push(
      `new GalleryLookup(${JSON.stringify(name)}, { resourceGroupName: ${JSON.stringify(resourceGroupName)}, galleryName: ${value} });`,
    );
  }
  return `${lines.join("\n")}\n`;
}

/**
 * Projects and stacks on one shared file:// backend, each stack brought up (`pulumi up`) from its program.
 * Returns the projects by name; every project shares `backendDir` and the first project's environment
 * (its PULUMI_HOME) is what a user's logged-in shell would be.
 */
export async function pulumiBackend(
  binary: string,
  azure: EmulatorHandle,
  projects: Record<string, Record<string, string>>,
  options: { backendDir?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{
  projects: Record<string, PulumiProject>;
  backendDir: string;
  env: NodeJS.ProcessEnv;
  close(): void;
}> {
  const made: Record<string, PulumiProject> = {};
  let backendDir = options.backendDir;
  for (const [name, stacks] of Object.entries(projects)) {
    let project: PulumiProject | undefined;
    for (const [stack, program] of Object.entries(stacks)) {
      if (!project) {
        project = await pulumiProject(
          binary,
          azure,
          { "index.ts": program },
          {
            name,
            stack,
            ...(backendDir ? { backendDir } : {}),
            ...(options.env ? { env: options.env } : {}),
          },
        );
        backendDir = project.backendDir;
      } else {
        fs.writeFileSync(path.join(project.dir, "index.ts"), program);
        await project.ok(["stack", "init", stack]);
      }
      await project.ok(["up", "--yes", "--skip-preview", "--stack", stack]);
    }
    made[name] = project!;
  }
  const first = Object.values(made)[0];
  return {
    projects: made,
    backendDir: backendDir!,
    env: first.env,
    close() {
      for (const p of Object.values(made)) p.close();
    },
  };
}

/**
 * Serves a gallery under each name (its uniqueName made from the name), in the emulator's default group:
 * realistic (identity, sharing groups, tags) by default, or `plain` (only the uniqueName) where the size
 * of each answer should not count.
 */
export function putGalleries(
  azure: EmulatorHandle,
  names: readonly string[],
  kind: "realistic" | "plain" = "realistic",
): void {
  for (const name of names) {
    const identifier = { uniqueName: `${azure.subscriptionId}-${name.toUpperCase()}` };
    if (kind === "plain") {
      azure.putGallery({
        subscriptionId: azure.subscriptionId,
        resourceGroupName: azure.resourceGroupName,
        gallery: { name, location: "westus", properties: { identifier } },
      });
      continue;
    }
    const seed = realisticGallery(azure.subscriptionId, azure.resourceGroupName);
    azure.putGallery({
      ...seed,
      gallery: {
        ...seed.gallery,
        id: galleryId(azure.subscriptionId, azure.resourceGroupName, name),
        name,
        properties: { ...seed.gallery.properties, identifier },
      },
    });
  }
}

/** The PATH of a run of the Pulumi CLI: `first`, the CLI's folder, this Node.js, the system's folders. */
export function cliPath(pulumi: string, first: readonly string[] = []): string {
  return [
    ...first,
    path.dirname(pulumi),
    path.dirname(process.execPath),
    "/usr/local/bin",
    "/usr/bin",
    "/bin",
  ].join(path.delimiter);
}

/** How often `needle` occurs in `text`. */
export function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The text of a run under "Diagnostics:", split by resource heading. */
export function diagnostics(run: PulumiRun): Map<string, string> {
  const section = run.stdout.split("\nDiagnostics:\n")[1]?.split("\nResources:\n")[0] ?? "";
  const byHeading = new Map<string, string>();
  let heading = "";
  for (const line of section.split("\n")) {
    if (/^ {2}\S/.test(line)) heading = line.trim();
    else byHeading.set(heading, `${byHeading.get(heading) ?? ""}${line}\n`);
  }
  return byHeading;
}

/** A user's shell for `gallery-lookup drift`: the project's login and CLI on PATH, no PULUMI_CLI override. */
export function userShell(project: { env: NodeJS.ProcessEnv }): NodeJS.ProcessEnv {
  const env = { ...project.env };
  delete env.PULUMI_CLI;
  return env;
}
