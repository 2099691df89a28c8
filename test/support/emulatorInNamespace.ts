// Run inside `unshare -rn` (loopback only; with -p -f, a pid namespace whose processes all end with
// this one), so that nothing the child does can leave the machine or outlive the run:
// `node emulatorInNamespace.js [--no-emulator] COMMAND ARGS...` starts an emulator in the namespace
// (unless told not to; the defaults plus the galleries of SEED_FILE when set; its variables also written
// to ./emulator.env as `gallery-lookup emulator --env` writes them), runs COMMAND with PATH, HOME,
// TMPDIR, the emulator's environment() and the variables of CHILD_ENV (a JSON object in which
// "{authorityHost}", "{armEndpoint}", "{tenantId}", "{clientId}" and "{clientSecret}" become the
// emulator's; a null removes one), and prints the child's outcome as JSON.
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorHandle, type SeedGallery } from "pulumi-azure-gallery-lookup/emulator";
import { shellExports } from "#internal/cli/emulatorCommand";

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
    fs.writeFileSync("emulator.env", shellExports(azure.environment()));
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
  const changes = JSON.parse(process.env.CHILD_ENV ?? "{}") as Record<string, string | null>;
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) delete env[name];
    else env[name] = fill(value);
  }
  // Output to files, not pipes: a process the child leaves in the background (an emulator started
  // with `&`) would hold a pipe open; the pid namespace ends it when this process exits.
  const outputs = fs.mkdtempSync(path.join(os.tmpdir(), "rig-"));
  const [out, err] = ["stdout", "stderr"].map((name) => fs.openSync(path.join(outputs, name), "w"));
  const child = spawn(command ?? "false", rest, { env, stdio: ["ignore", out, err] });
  const timeoutMs = Number(process.env.CHILD_TIMEOUT_MS ?? 30_000);
  let killed = false;
  const timer = setTimeout(() => {
    killed = true;
    child.kill("SIGKILL");
  }, timeoutMs);
  const code = await new Promise<number>((resolve) => {
    child.on("error", () => resolve(-1));
    child.on("exit", (status) => resolve(status ?? -1));
  });
  clearTimeout(timer);
  if (process.pid === 1) {
    // As when a terminal closes: what the child left running (an emulator started with `&`) is asked
    // to stop, and given time to clean up. Only as the namespace's first process, where -1 means the
    // namespace's processes and nothing else.
    try {
      process.kill(-1, "SIGTERM");
      for (let i = 0; i < 50; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        process.kill(-1, 0);
      }
    } catch {
      // ESRCH: none left.
    }
  }
  const read = (name: string) => fs.readFileSync(path.join(outputs, name), "utf8");
  const outcome: ChildOutcome = {
    code,
    stdout: read("stdout"),
    stderr: `${read("stderr")}${killed ? `\n(killed after ${timeoutMs} ms)` : ""}`,
  };
  fs.rmSync(outputs, { recursive: true, force: true });
  await azure?.close();
  process.stdout.write(JSON.stringify(outcome));
  // Whatever the child left running ends with this process, the namespace's first.
  process.exit(0);
}

void main();
