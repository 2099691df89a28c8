// Fifty lookups in one program under the real Pulumi CLI, against an emulator that throttles as ARM does:
// one token for the whole preview, one GET per lookup, and no 429.
import { strict as assert } from "node:assert";
import { galleryId, startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import {
  armRequestsSeen,
  pulumiProject,
  putGalleries,
  requirePulumi,
  type PreviewJson,
  type PulumiProject,
} from "../support/pulumiCli";

const LOOKUPS = 50;
const names = Array.from({ length: LOOKUPS }, (_, i) => `gallery${String(i).padStart(2, "0")}`);

describe(`real Pulumi CLI: ${LOOKUPS} lookups in one program`, function () {
  this.timeout(180_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    // ARM's read bucket per subscription, as the emulator models it.
    azure.setThrottle({ burst: 250, refillPerSecond: 25 });
    putGalleries(azure, names, "plain");
    const program = `
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
const names: string[] = ${JSON.stringify(names)};
export const uniqueNames = names.map(
  (galleryName) => new GalleryLookup(galleryName, { resourceGroupName: ${JSON.stringify(azure.resourceGroupName)}, galleryName }).uniqueName,
);
`;
    project = await pulumiProject(binary, azure, { "index.ts": program });
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it(`a preview signs in once, sends one GET per lookup (${LOOKUPS}), none throttled, and knows every value`, async () => {
    azure.clearJournal();
    const tokensBefore = azure.tokensIssued();
    const run = await project.ok(["preview", "--json"]);
    const preview = JSON.parse(run.stdout) as PreviewJson;
    assert.equal(azure.tokensIssued() - tokensBefore, 1, "one token for every lookup of the run");
    const gets = armRequestsSeen(azure);
    assert.equal(gets.length, LOOKUPS, JSON.stringify(gets.map((g) => `${g.method} ${g.path} ${g.status}`)));
    assert.ok(
      gets.every((g) => g.method === "GET" && g.status === 200),
      "no 429, nothing but GET",
    );
    assert.deepEqual(
      gets.map((g) => g.path.toLowerCase()).sort(),
      names.map((n) => galleryId(azure.subscriptionId, azure.resourceGroupName, n).toLowerCase()).sort(),
      "one GET per lookup",
    );
    const creates = (preview.steps ?? []).filter((s) => s.op === "create" && s.urn.includes("GalleryLookup"));
    assert.equal(creates.length, LOOKUPS);
    for (const step of creates) {
      const name = step.urn.split("::").pop() ?? "";
      assert.equal(step.newState?.inputs?.uniqueName, `${azure.subscriptionId}-${name.toUpperCase()}`);
    }
    process.stdout.write(`      measured: preview of ${LOOKUPS} lookups ${run.ms} ms\n`);
  });
});
