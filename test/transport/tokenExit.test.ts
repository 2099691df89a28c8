// Behind a proxy that accepts and never answers, the stuck request can be the token request: a lookup
// signing in with a client secret (the emulator's environment) fails with CredentialError at its deadline,
// and nothing it started (token request, proxy socket, timer) keeps the process alive after that
// (issue 24 item 2). The ARM side is test/transport/exit.test.ts.
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type EmulatorHandle } from "#internal/emulator/index";
import { runDrift } from "../support/driftCli";
import { exportDocument, lookupProviderText, lookupResource, writeDocument } from "../support/driftState";
import { EXIT_BOUND_MS, runChild, startSilentServer } from "../support/exitRun";

describe("a lookup whose token request hangs in a silent proxy ends at its deadline, and so does its process", function () {
  this.timeout(60_000);
  let emulator: EmulatorHandle;
  before(async () => {
    emulator = await startEmulator();
  });
  after(() => emulator.close());

  it("getGallery signing in with the client secret of the environment: CredentialError, then the child exits", async () => {
    const silent = await startSilentServer();
    try {
      const run = await runChild({
        ...emulator.environment(),
        EXIT_CHILD_SIGN_IN: "environment",
        HTTPS_PROXY: silent.url,
        NO_PROXY: "",
        GALLERY_LOOKUP_DEADLINE_MS: "3000",
      });
      assert.match(run.outcome, /^CredentialError: .*within the lookup's deadline of 3000 ms/);
      assert.ok(silent.connections() >= 1, "the token request went to the proxy");
      assert.equal(emulator.tokensIssued(), 0);
      assert.notEqual(
        run.exitAfterMs,
        undefined,
        `the child was still alive ${EXIT_BOUND_MS} ms after its lookup failed (${run.outcome})`,
      );
    } finally {
      await silent.close();
    }
  });

  it("gallery-lookup drift: the lookup fails at its deadline and the command exits 1 right after", async () => {
    const silent = await startSilentServer();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-exit-"));
    try {
      const args = {
        subscriptionId: emulator.subscriptionId,
        resourceGroupName: emulator.resourceGroupName,
        galleryName: "myGalleryName",
      };
      const state = exportDocument([
        lookupResource({
          project: "proj",
          stack: "dev",
          name: "images",
          inputs: args,
          outputs: args,
          provider: await lookupProviderText(),
        }),
      ]);
      const file = writeDocument(path.join(dir, "dev.json"), state);
      const deadlineMs = 3_000;
      const started = Date.now();
      const run = await runDrift(
        [file, "--json"],
        {
          PATH: process.env.PATH ?? "",
          ...emulator.environment(),
          HTTPS_PROXY: silent.url,
          NO_PROXY: "",
          GALLERY_LOOKUP_DEADLINE_MS: String(deadlineMs),
        },
        // Module loading on a busy machine, the deadline, then the bound.
        { timeoutMs: deadlineMs + 5_000 + EXIT_BOUND_MS },
      );
      const ms = Date.now() - started;
      assert.equal(run.signal, null, `drift was still running ${ms} ms after it started: ${run.stderr}`);
      assert.equal(run.code, 1, run.stderr);
      assert.match(run.stdout, /CredentialError/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
      await silent.close();
    }
  });
});
