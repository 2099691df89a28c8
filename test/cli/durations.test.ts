// Every duration a user can set is held to Node's longest timer, 2^31-1 ms (about 24.8 days): a timer
// asked for longer fires after 1 ms, so a `--timeout` of 30 days stopped a run at once (issue 24 item 9).
// Flags of every command, the emulator's options and control API, and the GALLERY_LOOKUP_*_MS settings
// are refused past it, naming the flag or setting and the rule.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as https from "node:https";
import * as path from "node:path";
import { ArmClient, SettingsError } from "pulumi-azure-gallery-lookup";
import { startEmulator } from "#internal/emulator/index";
import { parseEmulatorArgs } from "#internal/cli/emulatorCommand";
import { INTEGER_RULES, MAX_TIMER_MS } from "#internal/settings/settings";
import { runCli, writeProject } from "../support/cliProject";

/** POSTs JSON over HTTPS, trusting the emulator's CA. */
function postJson(url: string, body: unknown, caFile: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      { method: "POST", ca: fs.readFileSync(caFile), headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify(body));
  });
}

/** 30 days, in seconds: past Node's longest timer. */
const THIRTY_DAYS = String(30 * 86_400);

describe("durations past Node's longest timer are refused, naming the flag or setting and the rule", function () {
  this.timeout(120_000);

  it("preview and up: --timeout of 30 days is a usage error (exit 2), not a run stopped after 1 ms", async () => {
    const { dir } = writeProject();
    after(() => fs.rmSync(path.dirname(dir), { recursive: true, force: true }));
    for (const command of ["preview", "up"]) {
      const run = await runCli([command, dir, "--timeout", THIRTY_DAYS]);
      assert.equal(run.code, 2, `${command}: ${run.stderr}`);
      assert.match(
        run.stderr,
        /--timeout must be a positive number of seconds, at most 2147483 \(about 24\.8 days, Node's longest timer\), not '2592000'/,
      );
      assert.equal(run.stderr.split("\n").filter(Boolean).length, 1, "shown once");
    }
  });

  it("emulator --idle-timeout is held to the same limit", () => {
    assert.throws(
      () => parseEmulatorArgs(["--idle-timeout", THIRTY_DAYS]),
      /--idle-timeout must be .* at most 2147483/,
    );
    assert.equal(parseEmulatorArgs(["--idle-timeout", "2147483"]).idleMs, 2_147_483_000);
  });

  it("the emulator's latencyMs, setLatency and a fault's delayMs (in process and through the control API)", async () => {
    // One that starts anyway is closed again, so that a failure here leaves nothing serving.
    const refused = await startEmulator({ latencyMs: MAX_TIMER_MS + 1 }).then(
      async (started) => {
        await started.close();
        return "it started";
      },
      (error: unknown) => String(error),
    );
    assert.match(refused, /latencyMs must be .* to 2147483647/);
    const emulator = await startEmulator();
    try {
      assert.throws(() => emulator.setLatency(2 ** 31), /latencyMs must be .* to 2147483647/);
      assert.throws(() => emulator.injectFault({ delayMs: 2 ** 40 }), /delayMs must be .* to 2147483647/);
      const answer = await postJson(
        `${emulator.armEndpoint}/_emulator/faults`,
        { delayMs: 2 ** 31 },
        emulator.caCertFile,
      );
      assert.equal(answer.status, 400);
      assert.match(answer.body, /delayMs must be .* to 2147483647/);
    } finally {
      await emulator.close();
    }
  });

  it("GALLERY_LOOKUP_*_MS: every maximum is within the limit, and one past it is refused by name", () => {
    for (const rule of INTEGER_RULES.filter((r) => r.variable.endsWith("_MS"))) {
      assert.ok(rule.max <= MAX_TIMER_MS, `${rule.variable} allows ${rule.max}`);
      assert.throws(
        () => new ArmClient({ env: { [rule.variable]: String(MAX_TIMER_MS + 1) } }),
        (error: unknown) =>
          error instanceof SettingsError &&
          error.message.includes(`${rule.variable} must be a whole number from ${rule.min} to ${rule.max}`),
      );
    }
  });
});
