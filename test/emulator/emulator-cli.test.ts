// `gallery-lookup emulator`: the first stdout line is the JSON a script needs, then shell exports;
// it serves until SIGTERM and then exits 0.
import { strict as assert } from "node:assert";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmulatorHandle } from "#internal/emulator/index";
import { destroyAgent, galleryPath, getToken, send } from "../fixtures/emulatorClient";

const MAIN = join(__dirname, "..", "..", "..", "dist", "cli", "main.js");
const KEYS = [
  "armEndpoint",
  "authorityHost",
  "tenantId",
  "clientId",
  "clientSecret",
  "subscriptionId",
  "caCertFile",
  "galleries",
];

interface Started {
  child: ChildProcessWithoutNullStreams;
  info: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  lines: () => string[];
}

function startCli(args: string[]): Promise<Started> {
  const child = spawn(process.execPath, [MAIN, "emulator", ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.stdout.on("data", (d: Buffer) => {
      out += d.toString();
      const lines = out.split("\n");
      // The exports follow the JSON line; wait for the last one so the test sees them all.
      if (lines.some((l) => l.startsWith("export NODE_EXTRA_CA_CERTS="))) {
        resolve({ child, info: JSON.parse(lines[0]), lines: () => out.split("\n") });
      }
    });
    child.on("exit", (code) => reject(new Error(`emulator exited ${code} early: ${err}`)));
  });
}

const exited = (child: ChildProcessWithoutNullStreams) =>
  new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));

/** The parts of a handle the raw helpers use, from the CLI's JSON line. */
async function handleFrom(info: Started["info"]): Promise<EmulatorHandle> {
  const caCert = await readFile(info.caCertFile, "utf8");
  return { ...info, caCert, resourceGroupName: "myResourceGroup" } as unknown as EmulatorHandle;
}

describe("gallery-lookup emulator (CLI)", function () {
  this.timeout(15_000);

  it("prints the JSON line and exports, serves the seeded galleries, and exits 0 on SIGTERM", async () => {
    const { child, info, lines } = await startCli(["--port", "0"]);
    try {
      assert.deepEqual(Object.keys(info).sort(), [...KEYS].sort());
      assert.match(info.armEndpoint, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(info.galleries.length, 6, "the five spec examples and the realistic myDemoGallery");
      const exportsText = lines().slice(1).join("\n");
      for (const name of [
        "NODE_EXTRA_CA_CERTS",
        "AZURE_AUTHORITY_HOST",
        "AZURE_TOKEN_CREDENTIALS",
        "AZURE_RESOURCE_MANAGER_ENDPOINT",
      ]) {
        assert.match(exportsText, new RegExp(`^export ${name}='`, "m"));
      }
      const emulator = await handleFrom(info);
      const token = await getToken(emulator);
      const res = await send(emulator, "GET", `${info.galleries[4]}?api-version=2025-03-03`, {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.equal(res.status, 200);
      assert.equal(res.json.identity.type, "SystemAssigned, UserAssigned");
      destroyAgent(emulator);
    } finally {
      const done = exited(child);
      child.kill("SIGTERM");
      assert.equal(await done, 0);
    }
  });

  it("loads galleries from --seed FILE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "gallery-lookup-seed-"));
    const seedFile = join(dir, "seed.json");
    const sub = "12345678-1234-4234-8234-123456789012";
    await writeFile(
      seedFile,
      JSON.stringify([
        {
          subscriptionId: sub,
          resourceGroupName: "rg1",
          gallery: {
            name: "g1",
            location: "northeurope",
            properties: { identifier: { uniqueName: `${sub}-G1` } },
          },
        },
      ]),
    );
    const { child, info } = await startCli(["--port=0", "--seed", seedFile, "--ca-dir", dir]);
    try {
      assert.deepEqual(info.galleries, [
        `/subscriptions/${sub}/resourceGroups/rg1/providers/Microsoft.Compute/galleries/g1`,
      ]);
      assert.equal(info.caCertFile, join(dir, "ca.pem"));
      const emulator = await handleFrom(info);
      const token = await getToken(emulator);
      const res = await send(emulator, "GET", galleryPath(emulator, "G1", undefined, "RG1", sub), {
        headers: { authorization: `Bearer ${token}` },
      });
      assert.deepEqual([res.status, res.json.properties.identifier.uniqueName], [200, `${sub}-G1`]);
      destroyAgent(emulator);
    } finally {
      const done = exited(child);
      child.kill("SIGINT");
      assert.equal(await done, 0);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("--env prints only the export lines, which a shell sources into the emulator's environment", async () => {
    const child = spawn(process.execPath, [MAIN, "emulator", "--env"], { stdio: ["pipe", "pipe", "pipe"] });
    let out = "";
    await new Promise<void>((resolve) =>
      child.stdout.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("NODE_EXTRA_CA_CERTS=")) resolve();
      }),
    );
    try {
      const lines = out.trim().split("\n");
      assert.ok(
        lines.every((l) => /^export [A-Z_]+='[^']*'$/.test(l)),
        out,
      );
      const { execFileSync } = await import("node:child_process");
      const seen = execFileSync(
        "sh",
        ["-c", `${out}\nprintf '%s %s' "$AZURE_RESOURCE_MANAGER_ENDPOINT" "$NODE_EXTRA_CA_CERTS"`],
        {
          encoding: "utf8",
        },
      );
      assert.match(seen, /^https:\/\/127\.0\.0\.1:\d+ \/.*ca\.pem$/);
    } finally {
      const done = exited(child);
      child.kill("SIGTERM");
      assert.equal(await done, 0);
    }
  });

  it("refuses unknown options with exit code 2", async () => {
    const child = spawn(process.execPath, [MAIN, "emulator", "--nope"]);
    let err = "";
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    assert.equal(await new Promise((r) => child.on("exit", r)), 2);
    assert.match(err, /unknown option '--nope'/);
  });
});
