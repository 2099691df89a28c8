// What a gallery lacks (here: no identity, no uniqueName) must be known at preview too. Under the real CLI a
// key missing from the checked inputs shows as [unknown] in a preview of a new stack, so check folds it as
// null; the program still sees undefined.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { REPO_ROOT } from "../support/engineInstall";
import { pulumiProject, requirePulumi, type PreviewJson, type PulumiProject } from "../support/pulumiCli";

describe("real Pulumi CLI: values a gallery lacks are known at preview", function () {
  this.timeout(120_000);
  let azure: EmulatorHandle;
  let project: PulumiProject;

  before(async function () {
    const binary = requirePulumi(this);
    azure = await startEmulator();
    const program = fs.readFileSync(path.join(REPO_ROOT, "examples", "basic", "index.ts"), "utf8");
    project = await pulumiProject(binary, azure, {
      // examples/basic's default gallery (mySharingGroupsGallery) has no identity and no uniqueName.
      "index.ts": `${program}\nexport const principalIdIsUndefined = gallery.principalId.apply((v) => v === undefined);\n`,
    });
  });
  after(async () => {
    project?.close();
    await azure?.close();
  });

  it("a new stack's preview shows no [unknown], and the program sees undefined", async () => {
    const text = await project.ok(["preview"]);
    assert.doesNotMatch(text.stdout, /\[unknown\]/, text.stdout);
    assert.match(text.stdout, /principalIdIsUndefined\s*:\s*true/);
    const json = JSON.parse((await project.ok(["preview", "--json"])).stdout) as PreviewJson;
    const lookup = json.steps?.find((s) => s.urn.endsWith("::gallery"));
    assert.equal(lookup?.newState?.inputs?.principalId, null);
    assert.equal(lookup?.newState?.inputs?.uniqueName, null);
  });

  it("after up the outputs are the same and the next preview has no changes", async () => {
    await project.ok(["up", "--yes", "--skip-preview"]);
    const outputs = JSON.parse((await project.ok(["stack", "output", "--json"])).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(outputs.principalIdIsUndefined, true);
    assert.equal("principalId" in outputs, false, "an undefined stack output is left out");
    const same = await project.run(["preview", "--expect-no-changes"]);
    assert.equal(same.code, 0, same.stdout);
  });
});
