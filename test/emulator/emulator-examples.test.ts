import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
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

  // Digests of the published files, committed: the copies are checked against them on every machine, so the
  // check never depends on a checkout of the spec being beside this repository.
  const recorded = new Map(
    readFileSync(path.join(specCopies, "SHA256SUMS"), "utf8")
      .trim()
      .split("\n")
      .map((line) => {
        const [digest, file] = line.split(/\s+/);
        return [file, digest] as const;
      }),
  );
  const sha256 = (file: string) => createHash("sha256").update(readFileSync(file)).digest("hex");

  it("test/spec holds byte-exact copies of the published examples: their recorded digests, the spec's own", () => {
    assert.deepEqual([...recorded.keys()].sort(), GALLERY_EXAMPLES.map((e) => e.file).sort());
    for (const example of GALLERY_EXAMPLES) {
      const copy = sha256(path.join(specCopies, example.file));
      assert.equal(
        copy,
        recorded.get(example.file),
        `test/spec/${example.file} differs from its recorded digest`,
      );
      // Where a checkout of the spec is beside the repository, the record is held to it as well.
      const published = path.join(sharedSpec, example.file);
      if (existsSync(published))
        assert.equal(sha256(published), copy, `${example.file} differs from the spec`);
    }
  });
});
