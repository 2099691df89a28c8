// Shared setup of the engine tests: the installed program, the emulator, the provider host started in that
// program (no NODE_PATH: the serialized provider must find the package in the program's node_modules).
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { startProviderHost, type ProviderHost } from "#internal/preview/hostClient";
import { installedProgram, registeredInputs, type InstalledProgram } from "./engineInstall";
import { assertOnlyGets } from "./reliability";

export type Props = Record<string, unknown>;

/** The URN the engine gives a GalleryLookup named `gallery` in stack `dev` of project `engine-test`. */
export const LOOKUP_URN =
  "urn:pulumi:dev::engine-test::pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup::gallery";

export interface EngineRig {
  program: InstalledProgram;
  azure: EmulatorHandle;
  host: ProviderHost;
  /** The environment the host runs with. */
  env: NodeJS.ProcessEnv;
  /** The inputs the SDK registers for `new GalleryLookup("gallery", args)`. */
  inputsFor(args: Props): Props;
  /** ARM requests the emulator saw (token requests to its Entra endpoint are POSTs by protocol). */
  armRequests(): ReturnType<EmulatorHandle["journal"]>;
  /** Fails unless every ARM request so far was a GET. */
  assertOnlyGets(): void;
  close(): Promise<void>;
}

/** Starts the emulator and a provider host in the installed program. */
export async function startEngineRig(): Promise<EngineRig> {
  const program = installedProgram();
  const azure = await startEmulator({ throttle: false });
  const env: NodeJS.ProcessEnv = { ...process.env, ...azure.environment(), GALLERY_LOOKUP_MAX_RETRIES: "4" };
  delete env.NODE_PATH;
  let host: ProviderHost;
  try {
    host = await startProviderHost({ cwd: program.dir, env });
    await host.configure({});
  } catch (error) {
    await azure.close();
    throw error;
  }
  const cache = new Map<string, Props>();
  return {
    program,
    azure,
    host,
    env,
    inputsFor(args) {
      const key = JSON.stringify(args);
      if (!cache.has(key)) {
        const { __type: _type, ...inputs } = registeredInputs(program.dir, args);
        cache.set(key, inputs);
      }
      return { ...cache.get(key) };
    },
    armRequests: () => azure.journal().filter((e) => e.kind === "arm"),
    assertOnlyGets: () => assertOnlyGets(azure),
    async close() {
      await host.close();
      await azure.close();
    },
  };
}
