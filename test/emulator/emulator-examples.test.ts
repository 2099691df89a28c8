import { strict as assert } from "node:assert";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { GALLERY_EXAMPLES } from "#internal/emulator/examples";

// The emulator embeds the five spec examples so that the package never reads the spec at run time.
// These tests keep that copy honest: it must equal test/spec, and test/spec must equal the spec itself.
const repoRoot = path.join(__dirname, "../../..");
const specCopies = path.join(repoRoot, "test/spec");
const sharedSpec = path.join(repoRoot, "../shared/azure-spec/2025-03-03/examples/galleryExamples");

function specBody(file: string): unknown {
  const example = JSON.parse(readFileSync(path.join(specCopies, file), "utf8")) as {
    responses: { "200": { body: unknown } };
  };
  return example.responses["200"].body;
}

describe("the emulator's embedded spec examples", () => {
  it("embed each of the five spec files once", () => {
    const files = GALLERY_EXAMPLES.map((example) => example.file).sort();
    assert.deepEqual(files, [
      "CommunityGallery_Get.json",
      "Gallery_Get.json",
      "Gallery_Get_WithExpandSharingProfileGroups.json",
      "Gallery_Get_WithManagedIdentity.json",
      "Gallery_Get_WithSelectPermissions.json",
    ]);
  });

  for (const example of GALLERY_EXAMPLES) {
    it(`${example.file}: the embedded 200 body equals the published one`, () => {
      assert.deepEqual(example.body, specBody(example.file));
    });
  }

  it("test/spec holds byte-exact copies of the shared spec examples", function () {
    if (!existsSync(sharedSpec)) this.skip();
    for (const example of GALLERY_EXAMPLES) {
      const copy = readFileSync(path.join(specCopies, example.file));
      const original = readFileSync(path.join(sharedSpec, example.file));
      assert.ok(copy.equals(original), `test/spec/${example.file} differs from the spec`);
    }
  });
});
