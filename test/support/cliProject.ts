// Drives `gallery-lookup` the way a user does: the built dist/cli/main.js in a child process, and a user's own
// Pulumi project (Pulumi.yaml, Pulumi.<stack>.yaml, package.json, index.ts) and seed file in a temporary folder.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const CLI = path.resolve(__dirname, "..", "..", "..", "dist", "cli", "main.js");

/** What one run of the command line gave. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Starts `gallery-lookup ARGS` with pipes; `env` is added to this process's environment. */
export function spawnCli(
  args: string[],
  env: NodeJS.ProcessEnv = {},
  cwd?: string,
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, cwd, stdio: "pipe" });
}

/** Collects a started command's output until it exits. */
export function finished(child: ChildProcessWithoutNullStreams, started = Date.now()): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
  child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr, ms: Date.now() - started }));
  });
}

/** Runs `gallery-lookup ARGS` to the end. */
export function runCli(args: string[], env: NodeJS.ProcessEnv = {}, cwd?: string): Promise<CliRun> {
  const started = Date.now();
  return finished(spawnCli(args, env, cwd), started);
}

/** The environment of a test run: only loopback, and no Azure identity of the machine. */
export function isolatedEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...extra, NO_PROXY: "127.0.0.1,localhost" };
  for (const name of [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "IDENTITY_ENDPOINT",
    "MSI_ENDPOINT",
  ]) {
    env[name] = "";
  }
  return env;
}

/** A user's subscription and gallery, not the emulator's defaults. */
export const USER_SUBSCRIPTION = "0c0ffee0-1234-4abc-8def-00000000a001";
export const USER_GROUP = "rg-images";
export const USER_GALLERY = "corpImages";
export const SHARED_WITH = ["11111111-2222-4333-8444-555555555555"];

/** A seed file in the emulator's format with the user's gallery (uniqueName, identity, sharing groups). */
export function userSeed(): object[] {
  return [
    {
      subscriptionId: USER_SUBSCRIPTION,
      resourceGroupName: USER_GROUP,
      gallery: {
        name: USER_GALLERY,
        location: "westeurope",
        identity: { type: "SystemAssigned", principalId: "a11ce000-0000-4000-8000-000000000001" },
        properties: {
          identifier: { uniqueName: `${USER_SUBSCRIPTION}-${USER_GALLERY.toUpperCase()}` },
          provisioningState: "Succeeded",
          sharingProfile: { permissions: "Groups", groups: [{ type: "Subscriptions", ids: SHARED_WITH }] },
        },
      },
    },
  ];
}

/**
 * The start of a program: `gallery`, one lookup named by the stack config (`resourceGroupName`,
 * `galleryName`), with the sharing groups expanded when asked. `pulumi` is imported for what follows.
 */
export function configuredLookup(options: { expand?: boolean } = {}): string {
  return `import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";

const config = new pulumi.Config();
const gallery = new GalleryLookup("images", {
  resourceGroupName: config.require("resourceGroupName"),
  galleryName: config.require("galleryName"),${options.expand ? '\n  expand: "SharingProfile/Groups",' : ""}
});
`;
}

/** The program of the user's project by default: one lookup of the configured gallery, and its exports. */
export const LOOKUP_PROGRAM = `${configuredLookup({ expand: true })}export const uniqueName = gallery.uniqueName;
export const principalId = gallery.principalId;
export const sharedSubscriptionIds = gallery.sharedSubscriptionIds;
`;

export interface ProjectFiles {
  /** index.ts (default {@link LOOKUP_PROGRAM}). */
  program?: string;
  /** The `config:` lines of Pulumi.dev.yaml, indented by two spaces (default: the user's gallery). */
  stackConfig?: string;
  name?: string;
}

/** Writes a project folder (and seed.json beside it) under the OS temp dir; returns the folder. */
export function writeProject(files: ProjectFiles = {}): { dir: string; seedFile: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-user-"));
  const dir = path.join(root, "project");
  fs.mkdirSync(dir);
  const name = files.name ?? "images-stack";
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
  );
  fs.writeFileSync(
    path.join(dir, "Pulumi.dev.yaml"),
    `config:\n${
      files.stackConfig ??
      `  azure-native:subscriptionId: ${USER_SUBSCRIPTION}\n  ${name}:resourceGroupName: ${USER_GROUP}\n  galleryName: ${USER_GALLERY}\n`
    }`,
  );
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, private: true }));
  fs.writeFileSync(path.join(dir, "index.ts"), files.program ?? LOOKUP_PROGRAM);
  const seedFile = path.join(root, "seed.json");
  fs.writeFileSync(seedFile, JSON.stringify(userSeed(), null, 2));
  return { dir, seedFile };
}
