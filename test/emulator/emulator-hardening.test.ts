// What the emulator refuses, for it serves a CA that its users trust and a control API without sign-in: a CA
// folder someone else could have written to, a web page's cross-origin requests, a DNS-rebound Host, seed
// entries no lookup could reach; and its CA key never outlives an in-process emulator killed by a signal.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import * as https from "node:https";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { runCli } from "../support/cliProject";

const EMULATOR = join(__dirname, "..", "..", "..", "dist", "emulator", "index.js");

/** One request to the emulator with exactly the headers given (Host and Origin included). */
function request(
  azure: EmulatorHandle,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const url = new URL(path, azure.armEndpoint);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: "127.0.0.1",
        port: url.port,
        path,
        method,
        ca: azure.caCert,
        // The certificate's name to check, whatever Host the test forges (an IP here would be a
        // deprecated SNI name: Node warns DEP0123).
        servername: "localhost",
        headers,
        agent: false,
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (c: string) => (text += c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

describe("emulator hardening", function () {
  this.timeout(30_000);
  const made: string[] = [];
  const fresh = (prefix: string) => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    made.push(dir);
    return dir;
  };
  after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

  describe("--ca-dir", () => {
    it("a new path is made with mode 0700, and the CA in it is reused on the next start", async () => {
      const dir = join(fresh("ca-new-"), "nested", "ca");
      const first = await startEmulator({ caDir: dir });
      await first.close();
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      const second = await startEmulator({ caDir: dir });
      await second.close();
      assert.equal(second.caCert, first.caCert);
    });

    it("a folder open to other users is refused before anything is read from it, naming the mode and the fix", async () => {
      const dir = fresh("ca-open-");
      chmodSync(dir, 0o777);
      writeFileSync(join(dir, "ca.pem"), "planted");
      writeFileSync(join(dir, "ca-key.pem"), "planted");
      await assert.rejects(
        startEmulator({ caDir: dir }),
        /--ca-dir .* is open to other users \(mode 777\), who could plant a CA there: .*chmod 700/,
      );
      const cli = await runCli(["emulator", "--ca-dir", dir]);
      assert.equal(cli.code, 1, cli.stderr);
      assert.match(cli.stderr, /is open to other users \(mode 777\)/);
    });

    it("a folder of another user is refused (needs root to make one)", async function () {
      if (process.getuid?.() !== 0) this.skip();
      const dir = fresh("ca-other-");
      chownSync(dir, 65534, 65534);
      await assert.rejects(startEmulator({ caDir: dir }), /belongs to another user \(uid 65534\)/);
    });
  });

  it("an in-process emulator killed by SIGTERM (or SIGINT) removes its temporary CA folder and dies of the signal", async () => {
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
      const tmp = fresh("ca-signal-");
      const script = `require(${JSON.stringify(EMULATOR)}).startEmulator().then((e) => process.stdout.write(e.caCertFile + "\\n"));`;
      const child = spawn(process.execPath, ["-e", script], { env: { ...process.env, TMPDIR: tmp } });
      const caFile = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (c: Buffer) => {
          out += c.toString();
          if (out.includes("\n")) resolve(out.trim());
        });
        child.on("exit", (code) => reject(new Error(`exited ${code}`)));
      });
      assert.ok(existsSync(join(dirname(caFile), "ca-key.pem")));
      const exit = new Promise<[number | null, string | null]>((r) => child.on("exit", (c, s) => r([c, s])));
      child.kill(signal);
      assert.deepEqual(await exit, [null, signal]);
      assert.ok(!existsSync(dirname(caFile)), `${signal}: the CA folder (with its key) is gone`);
    }
  });

  describe("the control API", () => {
    let azure: EmulatorHandle;
    let host: string;
    before(async () => {
      azure = await startEmulator();
      host = new URL(azure.armEndpoint).host;
    });
    after(() => azure.close());

    const seed = JSON.stringify({
      subscriptionId: "5b5b5b5b-0000-4000-8000-000000000003",
      resourceGroupName: "myResourceGroup",
      gallery: { name: "planted" },
    });
    const planted = () => azure.galleries().some((id) => id.endsWith("/planted"));

    it("refuses a web page's cross-origin text/plain POST, and the CORS preflight, allowing nothing", async () => {
      const post = await request(
        azure,
        "POST",
        "/_emulator/galleries",
        {
          host,
          origin: "http://attacker.example",
          "content-type": "text/plain",
        },
        seed,
      );
      assert.equal(post.status, 403, post.text);
      assert.match(post.text, /CrossOriginRefused/);
      const preflight = await request(azure, "OPTIONS", "/_emulator/galleries", {
        host,
        origin: "http://attacker.example",
        "access-control-request-method": "POST",
      });
      assert.equal(preflight.status, 403);
      assert.equal(preflight.headers["access-control-allow-origin"], undefined);
      assert.ok(!planted(), "nothing was added");
    });

    it("refuses a Host that is not the emulator's (DNS rebinding), and serves its own origin and plain clients", async () => {
      const rebound = await request(
        azure,
        "POST",
        "/_emulator/galleries",
        {
          host: `attacker.example:${new URL(azure.armEndpoint).port}`,
          "content-type": "application/json",
        },
        seed,
      );
      assert.equal(rebound.status, 403, rebound.text);
      assert.match(rebound.text, /HostRefused/);
      assert.ok(!planted());
      const own = await request(azure, "GET", "/_emulator/info", { host, origin: azure.armEndpoint });
      assert.equal(own.status, 200, own.text);
      const plain = await request(
        azure,
        "POST",
        "/_emulator/galleries",
        { host, "content-type": "application/json" },
        seed,
      );
      assert.equal(plain.status, 200, plain.text);
      assert.ok(planted());
    });
  });

  describe("seed validation", () => {
    const sub = "5b5b5b5b-0000-4000-8000-000000000003";
    const cases: [string, unknown, RegExp][] = [
      [
        "location 5",
        [{ subscriptionId: sub, resourceGroupName: "rg", gallery: { name: "g1", location: 5 } }],
        /entry 0: gallery\.location must be a region name such as "westus" \(got 5 \(number\)\)/,
      ],
      [
        "a name with a space",
        [{ subscriptionId: sub, resourceGroupName: "rg", gallery: { name: "g 1" } }],
        /entry 0: gallery\.name must be 1 to 80 characters of letters, digits.* \(got "g 1"\)/,
      ],
      [
        "a subscription that is no GUID",
        [{ subscriptionId: "not-a-guid", resourceGroupName: "rg", gallery: { name: "g1" } }],
        /entry 0: subscriptionId must be a subscription id, a GUID .* \(got "not-a-guid"\)/,
      ],
      [
        "a resource group no lookup could name",
        [{ subscriptionId: sub, resourceGroupName: "rg/x", gallery: { name: "g1" } }],
        /entry 0: resourceGroupName must be 1 to 90 characters/,
      ],
      [
        "sharingProfile a string",
        [
          {
            subscriptionId: sub,
            resourceGroupName: "rg",
            gallery: { name: "g1", properties: { sharingProfile: "x" } },
          },
        ],
        /gallery\.properties\.sharingProfile must be an object/,
      ],
    ];
    for (const [what, content, message] of cases) {
      it(`${what}: refused at start, naming the entry, the property and the rule`, async () => {
        const file = join(fresh("seed-"), "seed.json");
        writeFileSync(file, JSON.stringify(content));
        const run = await runCli(["emulator", "--seed", file]);
        assert.equal(run.code, 1, run.stderr);
        assert.match(run.stderr, message);
        assert.doesNotMatch(run.stderr, /TypeError|InternalServerError|at /);
      });
    }

    it("the name rules hold for galleries added later, in process and through the control API", async () => {
      const azure = await startEmulator();
      try {
        const put = await request(
          azure,
          "POST",
          "/_emulator/galleries",
          { host: new URL(azure.armEndpoint).host, "content-type": "application/json" },
          JSON.stringify({
            subscriptionId: sub,
            resourceGroupName: "rg",
            gallery: { name: "g 1" },
          }),
        );
        assert.equal(put.status, 400, put.text);
        assert.match(put.text, /gallery\.name must be 1 to 80 characters/);
        assert.throws(
          () =>
            azure.putGallery({
              subscriptionId: "not-a-guid",
              resourceGroupName: "rg",
              gallery: { name: "g1" },
            }),
          /subscriptionId must be a subscription id/,
        );
      } finally {
        await azure.close();
      }
    });

    it('a missing seed file is "not found", not a JSON error', async () => {
      const dir = fresh("seed-missing-");
      const run = await runCli(["emulator", "--seed", join(dir, "nope.json")]);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /seed file .*nope\.json not found\n$/);
      assert.doesNotMatch(run.stderr, /JSON|ENOENT/);
    });
  });
});
