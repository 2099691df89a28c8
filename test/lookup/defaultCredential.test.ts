import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as path from "node:path";
import { promisify } from "node:util";
import type { GalleryLookupResult } from "pulumi-azure-gallery-lookup";
import { observeGallery } from "#internal/gallery/observation";
import { defaultSeed, startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { assertOnlyGets } from "../support/reliability";

describe("the package with DefaultAzureCredential, against the emulator's Entra endpoint", () => {
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator()));
  after(() => azure.close());

  it("looks up every seeded gallery with one token and nothing but GETs to ARM", async () => {
    const script = path.join(__dirname, "..", "fixtures", "lookupEveryGallery.js");
    // Only the emulator's environment: no credential of the machine can be picked up, nothing else reached.
    const env = {
      PATH: process.env.PATH,
      ...azure.environment(),
      GALLERY_IDS: JSON.stringify(azure.galleries()),
    };
    const { stdout } = await promisify(execFile)(process.execPath, [script], { env, cwd: process.cwd() });
    const results = JSON.parse(stdout) as GalleryLookupResult[];

    const seeds = defaultSeed(azure.subscriptionId, azure.resourceGroupName);
    assert.equal(results.length, seeds.length);
    for (const seed of seeds) {
      const result = results.find((r) => r.galleryName === seed.gallery.name);
      const { resourceId, ...expected } = observeGallery(seed.gallery, seed.gallery.name);
      assert.ok(result, `${seed.gallery.name} was not looked up`);
      const {
        id,
        subscriptionId: _s,
        resourceGroupName: _rg,
        galleryName: _g,
        expand: _e,
        ...observed
      } = result;
      assert.equal(id, resourceId);
      assert.deepEqual(observed, expected);
    }
    assert.equal(azure.tokensIssued(), 1, "one token for all lookups");
    assert.ok(
      azure.journal().some((e) => e.kind === "discovery"),
      "identity fetched the emulator's OpenID configuration",
    );
    assertOnlyGets(azure);
  });
});
