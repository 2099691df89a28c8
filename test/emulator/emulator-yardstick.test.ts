// The yardstick: the official @azure/arm-compute client and @azure/identity's ClientSecretCredential,
// unmodified, in a child process that trusts the emulator's CA, must see what they would see from Azure.
import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { join } from "node:path";
import { defaultSeed, startEmulator, type EmulatorHandle } from "#internal/emulator/index";
import type { YardstickResult, YardstickStep } from "../fixtures/armComputeYardstick";
import { isolatedEnv } from "../support/cliProject";
import { lazyFixture } from "../support/lazyFixture";

const CHILD = join(__dirname, "..", "fixtures", "armComputeYardstick.js");

function runYardstick(emulator: EmulatorHandle, steps: YardstickStep[]): Promise<YardstickResult[]> {
  // Never let a proxy or a stray identity setting send anything off this machine.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...isolatedEnv({ ...emulator.environment(), YARDSTICK_STEPS: JSON.stringify(steps) }),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD], { env, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString()));
    child.stderr.on("data", (d: Buffer) => (err += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`yardstick exited ${code}: ${err}`));
      try {
        resolve(JSON.parse(out.trim().split("\n").pop() as string) as YardstickResult[]);
      } catch (e) {
        reject(new Error(`yardstick printed no JSON: ${out} ${err} ${String(e)}`));
      }
    });
  });
}

/** What Azure would send for these options: groups only with `$expand=SharingProfile/Groups` or `$select`. */
function wireBody(body: object, withGroups: boolean): object {
  const copy = JSON.parse(JSON.stringify(body));
  if (!withGroups && copy.properties?.sharingProfile) delete copy.properties.sharingProfile.groups;
  return copy;
}

describe("emulator yardstick: @azure/arm-compute galleries.get + ClientSecretCredential", function () {
  this.timeout(30_000);
  let emulator: EmulatorHandle;
  // The spec examples (the default seed's first five; the indices below count on them alone).
  const seeds = () => defaultSeed(emulator.subscriptionId, emulator.resourceGroupName).slice(0, 5);
  const options: Record<string, { expand?: string; select?: string }> = {
    mySharingGroupsGallery: { expand: "SharingProfile/Groups" },
    mySelectPermissionsGallery: { select: "Permissions" },
  };

  before(async () => {
    emulator = await startEmulator();
  });

  // The run of every step, which the tests below read: made by the first of them.
  const yardstick = lazyFixture(() => {
    const rg = emulator.resourceGroupName;
    const steps: YardstickStep[] = [
      ...seeds().map((s): YardstickStep => {
        const o = options[s.gallery.name] ?? {};
        const groups = o.expand !== undefined || o.select !== undefined;
        return {
          op: "get",
          resourceGroupName: rg,
          galleryName: s.gallery.name,
          ...o,
          expectedBody: wireBody(s.gallery, groups),
        };
      }),
      // 5: the groups gallery without $expand, names in other case
      {
        op: "get",
        resourceGroupName: rg.toUpperCase(),
        galleryName: "MYSHARINGGROUPSGALLERY",
        expectedBody: wireBody(seeds()[2].gallery, false),
      },
      // 6, 7, 8: the three 404s
      { op: "get", resourceGroupName: rg, galleryName: "noSuchGallery" },
      { op: "get", resourceGroupName: "noSuchGroup", galleryName: "myGalleryName" },
      {
        op: "get",
        resourceGroupName: rg,
        galleryName: "myGalleryName",
        subscriptionId: "00000000-0000-4000-8000-0000000000ff",
      },
      // 9: a wrong api-version
      { op: "get", resourceGroupName: rg, galleryName: "myGalleryName", apiVersion: "2099-01-01" },
      // 10, 11: revoke the cached token: the credential keeps using it and ARM answers 401
      { op: "control", method: "POST", path: "/_emulator/revoke-tokens" },
      { op: "get", resourceGroupName: rg, galleryName: "myGalleryName" },
      // 12, 13: a bucket that never refills past zero: 429 on every try, Retry-After 1, the SDK gives up
      { op: "control", method: "PUT", path: "/_emulator/throttle", body: { burst: 0, refillPerSecond: 1 } },
      { op: "get", resourceGroupName: rg, galleryName: "myGalleryName", newCredential: true },
      // 14, 15: EnvironmentCredential, from the emulator's environment alone
      { op: "control", method: "PUT", path: "/_emulator/throttle", body: {} },
      {
        op: "get",
        resourceGroupName: rg,
        galleryName: "myGalleryName",
        newCredential: true,
        credential: "environment",
      },
    ];
    return runYardstick(emulator, steps);
  });

  after(async () => {
    await emulator?.close();
  });

  it("parses every seeded gallery exactly as the SDK deserializes its example body", async () => {
    const results = await yardstick();
    seeds().forEach((seed, i) => {
      const r = results[i];
      assert.ok(r.ok, `${seed.gallery.name}: ${JSON.stringify(r)}`);
      if (!r.ok) return;
      assert.deepEqual(
        JSON.parse(JSON.stringify(r.model)),
        JSON.parse(JSON.stringify(r.expected)),
        seed.gallery.name,
      );
    });
  });

  it("gets the fields a lookup needs, independently of the deserializer", async () => {
    const results = await yardstick();
    const model = (i: number) => (results[i] as { model: Record<string, any> }).model; // eslint-disable-line @typescript-eslint/no-explicit-any
    assert.equal(model(0).identifier.uniqueName, `${emulator.subscriptionId}-MYGALLERYNAME`);
    assert.equal(model(0).id, emulator.galleries()[0]);
    assert.equal(model(1).sharingProfile.permissions, "Community");
    assert.equal(model(1).id.includes("/galleries/myCommunityGallery"), true);
    assert.equal(model(2).sharingProfile.groups.length, 2);
    assert.equal(model(3).sharingProfile.groups[1].type, "AADTenants");
    assert.equal(model(4).identity.type, "SystemAssigned, UserAssigned");
    assert.equal(model(5).sharingProfile.groups, undefined);
    assert.equal(model(5).name, "mySharingGroupsGallery");
  });

  it("matches names without regard to case", async () => {
    const results = await yardstick();
    const r = results[5];
    assert.ok(r.ok);
    if (r.ok) assert.deepEqual(JSON.parse(JSON.stringify(r.model)), JSON.parse(JSON.stringify(r.expected)));
  });

  it("throws RestError 404 with ARM's codes for a missing gallery, resource group and subscription", async () => {
    const results = await yardstick();
    const codes = [6, 7, 8].map((i) => results[i]);
    for (const r of codes) assert.equal(r.ok, false);
    assert.deepEqual(
      codes.map((r) => !r.ok && [r.name, r.statusCode, r.code]),
      [
        ["RestError", 404, "ResourceNotFound"],
        ["RestError", 404, "ResourceGroupNotFound"],
        ["RestError", 404, "SubscriptionNotFound"],
      ],
    );
    assert.match((codes[0] as { message: string }).message, /Microsoft.Compute\/galleries\/noSuchGallery/);
  });

  it("throws RestError 400 NoRegisteredProviderFound for an unsupported api-version", async () => {
    const results = await yardstick();
    const r = results[9];
    assert.ok(!r.ok);
    if (!r.ok) {
      assert.deepEqual([r.statusCode, r.code], [400, "NoRegisteredProviderFound"]);
      assert.match(r.message, /The supported api-versions are '2025-03-03'/);
    }
  });

  it("throws RestError 401 InvalidAuthenticationToken for a revoked token, without retrying", async () => {
    const results = await yardstick();
    const r = results[11];
    assert.ok(!r.ok);
    if (!r.ok) assert.deepEqual([r.statusCode, r.code], [401, "InvalidAuthenticationToken"]);
    const unauthorized = emulator.journal().filter((e) => e.kind === "arm" && e.status === 401);
    assert.equal(unauthorized.length, 1);
  });

  it("throws RestError 429 TooManyRequests after the SDK's three Retry-After retries", async () => {
    const results = await yardstick();
    const r = results[13];
    assert.ok(!r.ok);
    if (!r.ok) {
      assert.deepEqual([r.statusCode, r.code], [429, "TooManyRequests"]);
      assert.ok(r.ms >= 2900, `the SDK waited Retry-After (1 s) three times: ${r.ms} ms`);
    }
    const throttled = emulator.journal().filter((e) => e.kind === "arm" && e.status === 429);
    assert.equal(throttled.length, 4);
  });

  it("gives EnvironmentCredential a token from the emulator's environment alone", async () => {
    const results = await yardstick();
    const r = results[15];
    assert.ok(r.ok, JSON.stringify(r));
    if (r.ok) assert.equal((r.model as { name: string }).name, "myGalleryName");
  });

  it("issued tokens from the emulator only, and never journalled it", () => {
    assert.equal(emulator.tokensIssued(), 3, "one per credential: each caches and reuses its token");
    const kinds = new Set(emulator.journal().map((e) => e.kind));
    assert.deepEqual([...kinds].sort(), ["arm", "control", "discovery", "token"]);
    assert.doesNotMatch(JSON.stringify(emulator.journal()), /glemu-|Bearer|gallery-lookup-emulator-secret/);
  });
});
