// Run inside `unshare -rn` (loopback only), so that nothing the child does can leave the machine:
// `node emulatorInNamespace.js [--no-emulator] COMMAND ARGS...` starts an emulator in the namespace
// (unless told not to; seeded with the defaults plus SEED_FILE when set), runs COMMAND with PATH, HOME,
// TMPDIR, the emulator's environment() and the variables of CHILD_ENV (a JSON object in which
// "{authorityHost}", "{armEndpoint}", "{tenantId}", "{clientId}" and "{clientSecret}" become the
// emulator's; a null removes one), and prints the child's outcome as JSON. Nothing started here outlives it.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import { startEmulator, type EmulatorHandle, type SeedGallery } from "pulumi-azure-gallery-lookup/emulator";

/** What the child did, as printed on stdout. */
export interface ChildOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const withEmulator = args[0] !== "--no-emulator";
  const [command, ...rest] = withEmulator ? args : args.slice(1);
  let azure: EmulatorHandle | undefined;
  if (withEmulator) {
    azure = await startEmulator({ throttle: false });
    if (process.env.SEED_FILE) {
      const seeds = JSON.parse(fs.readFileSync(process.env.SEED_FILE, "utf8")) as SeedGallery[];
      for (const seed of seeds) azure.putGallery(seed);
    }
  }
  const fill = (value: string) =>
    azure === undefined
      ? value
      : value
          .replaceAll("{authorityHost}", azure.authorityHost)
          .replaceAll("{armEndpoint}", azure.armEndpoint)
          .replaceAll("{tenantId}", azure.tenantId)
          .replaceAll("{clientId}", azure.clientId)
          .replaceAll("{clientSecret}", azure.clientSecret);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    TMPDIR: process.env.TMPDIR,
    ...(azure ? azure.environment() : {}),
  };
  // A null removes a variable (of the emulator's environment, say).
  for (const [name, value] of Object.entries(
    JSON.parse(process.env.CHILD_ENV ?? "{}") as Record<string, string | null>,
  )) {
    if (value === null) delete env[name];
    else env[name] = fill(value);
  }
  const outcome = await new Promise<ChildOutcome>((resolve) => {
    execFile(
      command ?? "false",
      rest,
      {
        timeout: Number(process.env.CHILD_TIMEOUT_MS ?? 30_000),
        killSignal: "SIGKILL",
        env,
      },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : typeof error.code === "number" ? error.code : -1,
          stdout,
          stderr: error?.killed ? `${stderr}\n(killed after CHILD_TIMEOUT_MS)` : stderr,
        }),
    );
  });
  await azure?.close();
  process.stdout.write(JSON.stringify(outcome));
}

void main();
