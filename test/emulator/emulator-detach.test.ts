// `gallery-lookup emulator --detach`: prints the environment and returns, leaving the emulator in the
// background for `eval "$(gallery-lookup emulator --detach)"`; it stops on kill or after its idle timeout, and
// removes its CA folder either way.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { alive, runCli, waitFor } from "../support/cliProject";

function exportsOf(stdout: string): Record<string, string> {
  return Object.fromEntries(
    [...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1], m[2]] as [string, string]),
  );
}

function info(env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(
        new URL("/_emulator/info", env.AZURE_RESOURCE_MANAGER_ENDPOINT),
        { ca: fs.readFileSync(env.NODE_EXTRA_CA_CERTS) },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      )
      .on("error", reject);
  });
}

describe("gallery-lookup emulator --detach", function () {
  this.timeout(30_000);

  it("returns at once with the exports and its pid; the emulator serves until killed, then removes its CA", async () => {
    const run = await runCli(["emulator", "--detach"]);
    assert.equal(run.code, 0, run.stderr);
    const env = exportsOf(run.stdout);
    const pid = Number(env.GALLERY_LOOKUP_EMULATOR_PID);
    assert.ok(pid > 0 && alive(pid), run.stdout);
    try {
      assert.equal(await info(env), 200);
    } finally {
      process.kill(pid, "SIGTERM");
    }
    await waitFor(() => !alive(pid), 10_000, "the emulator to stop on SIGTERM");
    assert.equal(fs.existsSync(path.dirname(env.NODE_EXTRA_CA_CERTS)), false);
  });

  it("stops by itself after --idle-timeout without a request", async () => {
    const run = await runCli(["emulator", "--detach", "--env", "json", "--idle-timeout", "1"]);
    assert.equal(run.code, 0, run.stderr);
    const env = JSON.parse(run.stdout) as Record<string, string>;
    const pid = Number(env.GALLERY_LOOKUP_EMULATOR_PID);
    await waitFor(() => !alive(pid), 15_000, "the idle emulator to stop");
    assert.equal(fs.existsSync(path.dirname(env.NODE_EXTRA_CA_CERTS)), false);
  });
});
