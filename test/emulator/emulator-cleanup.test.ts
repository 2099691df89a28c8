// Issue 9, item 10: the emulator's temporary CA folder (with the CA key) never outlives it, however it
// ends: close, SIGHUP, a failed start, process.exit. A seed file that is not JSON is named.
import { strict as assert } from "node:assert";
import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { promisify } from "node:util";
import { startEmulator } from "pulumi-azure-gallery-lookup/emulator";
import { withEnv } from "../support/environment";

const MAIN = join(__dirname, "..", "..", "..", "dist", "cli", "main.js");
const EMULATOR = join(__dirname, "..", "..", "..", "dist", "emulator", "index.js");

const made: string[] = [];

/** A fresh temp folder for a child (or this process) to make its CA folder in. */
function freshTmp(): string {
  const dir = mkdtempSync(join(tmpdir(), "cleanup-case-"));
  made.push(dir);
  return dir;
}

describe("emulator clean-up", function () {
  this.timeout(20_000);
  after(() => {
    for (const dir of made) rmSync(dir, { recursive: true, force: true });
  });

  it("SIGHUP (a closed terminal): the CLI closes and removes its CA folder", async () => {
    const tmp = freshTmp();
    const child = spawn(process.execPath, [MAIN, "emulator"], { env: { ...process.env, TMPDIR: tmp } });
    const info = await new Promise<{ caCertFile: string }>((resolve, reject) => {
      let out = "";
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(JSON.parse(out.split("\n")[0]) as { caCertFile: string });
      });
      child.on("exit", (code) => reject(new Error(`exited ${code}`)));
    });
    assert.ok(existsSync(info.caCertFile));
    const code = new Promise((r) => child.on("exit", r));
    child.kill("SIGHUP");
    assert.equal(await code, 0);
    assert.ok(!existsSync(dirname(info.caCertFile)), "the CA folder is gone");
    assert.deepEqual(readdirSync(tmp), []);
  });

  it("process.exit without close: the CA folder is removed", async () => {
    const tmp = freshTmp();
    const script = `require(${JSON.stringify(EMULATOR)}).startEmulator().then((e) => { process.stdout.write(e.caCertFile); process.exit(0); });`;
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], {
      env: { ...process.env, TMPDIR: tmp },
    });
    assert.match(stdout, /ca\.pem$/);
    assert.ok(!existsSync(stdout), "the CA file is gone");
    assert.deepEqual(readdirSync(tmp), []);
  });

  it("a failed start (port in use) leaves no CA folder behind", async () => {
    const running = await startEmulator();
    const tmp = freshTmp();
    try {
      const port = Number(new URL(running.armEndpoint).port);
      await withEnv({ TMPDIR: tmp }, () => assert.rejects(startEmulator({ port }), /EADDRINUSE/));
      assert.deepEqual(readdirSync(tmp), []);
    } finally {
      await running.close();
    }
  });

  it("a seed file that is not JSON is named, and nothing is left behind", async () => {
    const tmp = freshTmp();
    const seed = join(tmp, "broken-seed.json");
    writeFileSync(seed, "[{ not json");
    const child = spawn(process.execPath, [MAIN, "emulator", "--seed", seed], {
      env: { ...process.env, TMPDIR: tmp },
    });
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    assert.equal(await new Promise((r) => child.on("exit", r)), 1);
    assert.match(err, /seed file .*broken-seed\.json is not readable JSON/);
    assert.deepEqual(readdirSync(tmp), ["broken-seed.json"]);
  });
});
