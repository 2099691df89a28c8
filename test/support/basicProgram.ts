// The rig of the tests that run examples/basic through the engine: the emulator, a provider host in the
// installed program, and the runProgram options that find the example as `pulumi preview` would.
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { startProviderHost, type ProviderHost } from "#internal/preview/hostClient";
import { programLocation, type RunProgramOptions } from "#internal/preview/runProgram";
import { installedProgram, REPO_ROOT } from "./engineInstall";

export interface BasicProgramRig {
  azure: EmulatorHandle;
  host: ProviderHost;
  /** Options of a preview (`dryRun: true`) of examples/basic against the emulator. */
  base: RunProgramOptions;
  close(): Promise<void>;
}

export async function startBasicProgram(): Promise<BasicProgramRig> {
  const program = installedProgram();
  const azure = await startEmulator({ throttle: false });
  const env = { ...process.env, ...azure.environment(), NODE_PATH: path.join(program.dir, "node_modules") };
  const host = await startProviderHost({ cwd: program.dir, env });
  await host.configure({});
  const base: RunProgramOptions = {
    ...programLocation(REPO_ROOT),
    rootDirectory: REPO_ROOT,
    dryRun: true,
    env,
    providerHost: host,
    config: { "azure-native:subscriptionId": azure.subscriptionId },
  };
  return {
    azure,
    host,
    base,
    async close() {
      await host.close();
      await azure.close();
    },
  };
}
