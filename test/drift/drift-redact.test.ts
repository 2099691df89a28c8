// drift over many distinct secret values costs time linear in lookups plus secrets (issue 24 item 10):
// each text is searched for every secret value in one pass, not with one alternation of all of them.
// Through checkDrift, with an ARM client that answers at once, so that only the check's own work counts.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ArmClient, checkDrift } from "pulumi-azure-gallery-lookup";
import type { GalleryReference } from "#internal/types/lookup";
import * as redact from "#internal/drift/redact";
import {
  exportDocument,
  lookupProviderText,
  lookupResource,
  plaintext,
  writeDocument,
  type Json,
} from "../support/driftState";

const SUB = "5b5b5b5b-0000-4000-8000-00000000000a";

/** Every lookup fails with a message quoting its gallery, which is a secret of its own. */
class FailingClient extends ArmClient {
  override getGallery(ref: GalleryReference): Promise<never> {
    return Promise.reject(
      new Error(
        `Galleries - Get of subscriptions/${ref.subscriptionId}/resourceGroups/${ref.resourceGroupName}/galleries/${ref.galleryName} failed with HTTP 500 InternalServerError`,
      ),
    );
  }
}

describe("drift: secret values are withheld in time linear in lookups plus secrets", function () {
  this.timeout(120_000);
  let dir: string;
  let provider: string;
  const client = new FailingClient({ env: { GALLERY_LOOKUP_MAX_RETRIES: "0" } });

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "drift-scale-"));
    provider = await lookupProviderText();
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** A state file of `count` lookups, each with a secret gallery name of its own. */
  function stateWith(count: number): string {
    const resources: Json[] = [];
    for (let i = 0; i < count; i++) {
      const galleryName = `secretGallery${String(i).padStart(6, "0")}`;
      const args = { subscriptionId: SUB, resourceGroupName: "rg-scale", galleryName };
      resources.push(
        lookupResource({
          project: "proj",
          stack: "dev",
          name: `lookup${i}`,
          inputs: { ...args, galleryName: plaintext(galleryName) },
          outputs: { ...args, galleryName: plaintext(galleryName) },
          provider,
        }),
      );
    }
    return writeDocument(path.join(dir, `state-${count}.json`), exportDocument(resources));
  }

  async function check(file: string, count: number): Promise<void> {
    const report = await checkDrift({ files: [file], client, concurrency: 64 });
    assert.equal(report.lookups.length, count);
    const first = report.lookups[0];
    assert.equal(first.status, "failed");
    assert.ok(!JSON.stringify(report).includes("secretGallery"), "every secret gallery name is withheld");
  }

  /** CPU time of one check, in ms (this process only: other processes on the machine do not count). */
  async function cpuMs(file: string, count: number): Promise<number> {
    const before = process.cpuUsage();
    await check(file, count);
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000;
  }

  it("8x the lookups (each with its own secret) cost less than 2x of 8x the CPU time", async () => {
    const small = 250;
    const large = 8 * small;
    const [smallFile, largeFile] = [stateWith(small), stateWith(large)];
    await check(smallFile, small); // warm-up: modules, JIT
    const smalls: number[] = [];
    const larges: number[] = [];
    // Interleaved, best of three each: a busy machine slows single runs, not the best one.
    for (let round = 0; round < 3; round++) {
      smalls.push(await cpuMs(smallFile, small));
      larges.push(await cpuMs(largeFile, large));
    }
    const ratio = Math.min(...larges) / Math.min(...smalls);
    assert.ok(
      ratio < 16,
      `8x the lookups took ${ratio.toFixed(1)}x the CPU time (best of 3: ${Math.min(...smalls).toFixed(0)} ms, ` +
        `${Math.min(...larges).toFixed(0)} ms); linear is about 8x`,
    );
  });

  it("doubling the lookups and their secrets doubles the matcher's work (an operation count)", async () => {
    const work = (redact as { matcherWork?: () => number }).matcherWork;
    assert.equal(typeof work, "function", "the value matcher counts its work");
    const counted = async (count: number): Promise<number> => {
      const file = stateWith(count);
      const before = work!();
      await check(file, count);
      return work!() - before;
    };
    const one = await counted(400);
    const two = await counted(800);
    const four = await counted(1600);
    assert.ok(one > 0);
    for (const [less, more] of [
      [one, two],
      [two, four],
    ]) {
      const ratio = more / less;
      assert.ok(ratio > 1.6 && ratio < 2.4, `doubling the input multiplied the work by ${ratio.toFixed(2)}`);
    }
  });
});
