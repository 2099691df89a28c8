// The rig of the suites that run a program on the embedded engine (what `npm start` runs) and of those that
// drive Pulumi's dynamic provider host directly: the emulator, and a provider host in the installed program
// (engineInstall.ts), so the serialized provider must find the package as in a user's project.
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { startProviderHost, type ProviderHost } from "#internal/preview/hostClient";
import { readProject } from "#internal/preview/project";
import type { RunProgramOptions } from "#internal/preview/runProgram";
import { installedProgram, REPO_ROOT } from "./engineInstall";

/** The URN the engine gives a GalleryLookup named `gallery` in stack `dev` of project `engine-test`. */
export const LOOKUP_URN =
  "urn:pulumi:dev::engine-test::pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup::gallery";

export interface BasicProgramRig {
  azure: EmulatorHandle;
  host: ProviderHost;
  /** Options of a preview (`dryRun: true`) of examples/basic against the emulator. */
  base: RunProgramOptions;
  close(): Promise<void>;
}

/**
 * examples/basic, found through the repository's Pulumi.yaml as `pulumi preview` finds it (the project reader
 * of `gallery-lookup preview DIR`), with the emulator and a provider host in the installed program.
 */
export async function startBasicProgram(): Promise<BasicProgramRig> {
  const program = installedProgram();
  const azure = await startEmulator({ throttle: false });
  // The example resolves this package from the installed tarball, not from the repository.
  const env = { ...process.env, ...azure.environment(), NODE_PATH: `${program.dir}/node_modules` };
  let host: ProviderHost;
  try {
    host = await startProviderHost({ cwd: program.dir, env });
    await host.configure({});
  } catch (error) {
    await azure.close();
    throw error;
  }
  const { programDir, entryPoint, project, rootDirectory } = readProject(REPO_ROOT, "dev");
  return {
    azure,
    host,
    base: {
      programDir,
      entryPoint,
      project,
      rootDirectory,
      dryRun: true,
      env,
      providerHost: host,
      config: { "azure-native:subscriptionId": azure.subscriptionId },
    },
    async close() {
      await host.close();
      await azure.close();
    },
  };
}
