// `gallery-lookup emulator --detach`: prints the environment and returns, leaving the emulator in the
// background for `eval "$(gallery-lookup emulator --detach)"`; it stops on kill or after its idle timeout, and
// removes its CA folder either way.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { spawnSync } from "node:child_process";
import * as os from "node:os";
import { runCli, USER_GALLERY, USER_GROUP, USER_SUBSCRIPTION, userSeed } from "../support/cliProject";
import { alive, waitFor } from "../support/processes";

const PACKAGE = path.resolve(__dirname, "..", "..", "..", "dist", "index.js");

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

  it("--seed: exports the seed's subscription (the first gallery's when several) and says which", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-detach-seed-"));
    try {
      const seed = path.join(dir, "seed.json");
      fs.writeFileSync(seed, JSON.stringify(userSeed()));
      const run = await runCli(["emulator", "--detach", "--seed", seed]);
      assert.equal(run.code, 0, run.stderr);
      const env = exportsOf(run.stdout);
      const pid = Number(env.GALLERY_LOOKUP_EMULATOR_PID);
      try {
        assert.equal(env.AZURE_SUBSCRIPTION_ID, USER_SUBSCRIPTION);
        assert.match(
          run.stderr,
          new RegExp(`AZURE_SUBSCRIPTION_ID=${USER_SUBSCRIPTION}, the seed's subscription`),
        );
        // A lookup without subscriptionId, in the environment the user evals, finds the seeded gallery.
        const lookup = spawnSync(
          process.execPath,
          [
            "-e",
            `require(${JSON.stringify(PACKAGE)}).getGallery({ resourceGroupName: ${JSON.stringify(USER_GROUP)}, galleryName: ${JSON.stringify(USER_GALLERY)} }).then((g) => console.log(g.id), (e) => { console.error(e.message); process.exit(1); })`,
          ],
          { env: { ...process.env, ...env }, encoding: "utf8", timeout: 20_000 },
        );
        assert.equal(lookup.status, 0, lookup.stderr);
        assert.match(lookup.stdout, new RegExp(`/subscriptions/${USER_SUBSCRIPTION}/`));
      } finally {
        process.kill(pid, "SIGTERM");
      }
      await waitFor(() => !alive(pid), 10_000, "the emulator to stop");

      const other = "0c0ffee0-1234-4abc-8def-00000000b002";
      const [first] = userSeed() as { subscriptionId: string }[];
      fs.writeFileSync(seed, JSON.stringify([...userSeed(), { ...first, subscriptionId: other }]));
      const two = await runCli(["emulator", "--detach", "--env", "json", "--seed", seed]);
      assert.equal(two.code, 0, two.stderr);
      const twoEnv = JSON.parse(two.stdout) as Record<string, string>;
      process.kill(Number(twoEnv.GALLERY_LOOKUP_EMULATOR_PID), "SIGTERM");
      assert.equal(twoEnv.AZURE_SUBSCRIPTION_ID, USER_SUBSCRIPTION);
      assert.match(
        two.stderr,
        /the subscription of the seed's first gallery; the seed spans 2 subscriptions/,
      );
      await waitFor(() => !alive(Number(twoEnv.GALLERY_LOOKUP_EMULATOR_PID)), 10_000, "the emulator to stop");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
