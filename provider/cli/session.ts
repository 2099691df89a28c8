// The offline engine's surroundings for one command: a local Azure (started here, or the emulator the user
// already runs and exported with `gallery-lookup emulator --env`), a folder that makes this package and
// @pulumi/pulumi resolvable by name, and Pulumi's dynamic provider host. All of it is closed and removed at the
// end, or when the command is stopped (see lifecycle.ts).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EmulatorHandle } from "../emulator/types";
import type { ProviderHost } from "../preview/hostClient";
import { resolvePulumiSdkDir } from "../preview/proto";
import { isLoopbackEndpoint, probeEmulator } from "./emulatorProbe";
import { onCleanup, stopSignal, temporaryFolder } from "./lifecycle";

const PACKAGE_NAME = "pulumi-azure-gallery-lookup";
/** The installed (or checked-out) package: dist/cli/.. /.. */
export const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");

/** Where the galleries come from. */
export interface LocalAzure {
  armEndpoint: string;
  subscriptionId: string;
  /** The emulator this command started (absent when it uses one the user runs). */
  handle?: EmulatorHandle;
  /** How the user sees it: "the Azure emulator at …" with its origin. */
  description: string;
}

export interface Session {
  azure: LocalAzure;
  /** Pulumi's dynamic provider host, for the embedded engine (a Pulumi CLI starts its own). */
  host?: ProviderHost;
  /** Environment of the provider host and of the program. */
  env: NodeJS.ProcessEnv;
  /** The folder of package links on NODE_PATH (this package and @pulumi/pulumi, by name). */
  packageDir: string;
  close(): Promise<void>;
}

export interface SessionOptions {
  /** A seed file (the emulator's format) to serve instead of the default galleries. */
  seed?: string;
  /** Working directory of the provider host: the project folder, as under the Pulumi CLI. */
  hostCwd: string;
  /** Whether to start the dynamic provider host: only the embedded engine uses it. */
  providerHost: boolean;
}

/** A running emulator named by the environment `gallery-lookup emulator --env` exports, if one answers there. */
async function exportedEmulator(env: NodeJS.ProcessEnv): Promise<LocalAzure | undefined> {
  const endpoint = env.AZURE_RESOURCE_MANAGER_ENDPOINT;
  const caFile = env.NODE_EXTRA_CA_CERTS;
  // Only a loopback endpoint can be the emulator: the offline preview never talks to a real Azure.
  if (!isLoopbackEndpoint(endpoint) || !caFile) return undefined;
  const probe = await probeEmulator(endpoint, caFile);
  if (!probe.answered) {
    throw new Error(
      `AZURE_RESOURCE_MANAGER_ENDPOINT=${endpoint} names a local emulator, but ${probe.reason}. ` +
        `Start it with \`gallery-lookup emulator\`, or unset the variables to use a fresh one.`,
    );
  }
  const info = probe.info;
  return {
    armEndpoint: endpoint.replace(/\/$/, ""),
    subscriptionId:
      typeof info.subscriptionId === "string" ? info.subscriptionId : (env.AZURE_SUBSCRIPTION_ID ?? ""),
    description: `the Azure emulator you run at ${endpoint.replace(/\/$/, "")}`,
  };
}

/** A folder with links to this package and to @pulumi/pulumi, for NODE_PATH (see docs/engine-proof.md). */
function packageLinkDir(fromDir: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-preview-"));
  temporaryFolder(dir);
  fs.symlinkSync(PACKAGE_ROOT, path.join(dir, PACKAGE_NAME), "junction");
  // A project (or the demo's copy) without node_modules still finds the SDK, as `pulumi` would after `npm i`.
  fs.mkdirSync(path.join(dir, "@pulumi"));
  fs.symlinkSync(resolvePulumiSdkDir(fromDir), path.join(dir, "@pulumi", "pulumi"), "junction");
  return dir;
}

/** Starts (or finds) the local Azure and, for the embedded engine, the provider host. */
export async function openSession(options: SessionOptions): Promise<Session> {
  const { startProviderHost } = require("../preview/hostClient") as typeof import("../preview/hostClient");
  let azure = options.seed ? undefined : await exportedEmulator(process.env);
  let env: NodeJS.ProcessEnv = { ...process.env };
  if (!azure) {
    const { startEmulator } = require("../emulator/index") as typeof import("../emulator/index");
    const handle = await startEmulator({ seed: options.seed });
    onCleanup(() => handle.close());
    azure = {
      armEndpoint: handle.armEndpoint,
      subscriptionId: handle.subscriptionId,
      handle,
      description: `the Azure emulator at ${handle.armEndpoint}${options.seed ? ` (seed ${options.seed})` : ""}`,
    };
    env = { ...env, ...handle.environment() };
  }
  const linkDir = packageLinkDir(options.hostCwd);
  env = {
    ...env,
    // The serialized provider requires this package by name; in a user's project it is in node_modules.
    NODE_PATH: [linkDir, process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
    // The command type-checks once before a run (preview/typeCheck.ts); the runtime and the host only transpile.
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  if (!options.providerHost) return { azure, env, packageDir: linkDir, close: async () => undefined };
  // A stop while the host starts ends it through the signal (the cleanup below is not registered yet).
  const host = await startProviderHost({ cwd: options.hostCwd, env, signal: stopSignal });
  const closeHost = onCleanup(() => host.close());
  await host.configure({});
  return {
    azure,
    host,
    env,
    packageDir: linkDir,
    close: async () => {
      await closeHost();
    },
  };
}
