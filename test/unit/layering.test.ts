import { strict as assert } from "node:assert";
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";

// The folders of provider/ form layers: each may import only from its own layer or the ones below it, so
// that a reader can start at the bottom (types, then pure gallery logic) and never meet a cycle.
// DEVELOPMENT.md draws the same picture; this test keeps the two honest.
const LAYERS: readonly (readonly string[])[] = [
  ["types"],
  ["errors"],
  ["gallery"],
  // Every environment setting and each cloud's endpoints: read by the ARM client and the defaults.
  ["settings"],
  // arm/ signs its requests in with auth/'s credential; sign-in never needs the ARM client.
  ["auth"],
  ["arm"],
  ["lookup"],
  // The provider plugin's face: the same core as lookup/'s dynamic face; drift/ reads its tokens.
  ["plugin"],
  // pulumiCli/ finds and starts the Pulumi CLI; process/ ends every child whole. drift/ (which the package
  // root exports) and preview/ use both, and the root loads nothing of preview/, emulator/ or cli/.
  ["drift", "emulator", "preview", "process", "pulumiCli"],
  ["cli"],
];
const root = path.join(__dirname, "../../../provider");

function rank(folder: string): number {
  const index = LAYERS.findIndex((layer) => layer.includes(folder));
  assert.ok(index >= 0, `provider/${folder}/ is in no layer: add it to LAYERS and DEVELOPMENT.md`);
  return index;
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sources(full);
    return name.endsWith(".ts") ? [full] : [];
  });
}

/** Relative imports (static `from` and lazy `import(...)`/`require(...)`) of one file, as provider/ folders. */
function importedFolders(file: string): string[] {
  const text = readFileSync(file, "utf8");
  const specs = [...text.matchAll(/(?:from\s+|import\(|require\()"(\.{1,2}\/[^"]+)"/g)].map((m) => m[1]);
  return specs.map((spec) => path.relative(root, path.resolve(path.dirname(file), spec)).split(path.sep)[0]);
}

describe("the folders of provider/ import one way", () => {
  const files = sources(root).filter((file) => path.dirname(file) !== root);

  it("every folder has a layer", () => {
    const folders = new Set(files.map((file) => path.relative(root, file).split(path.sep)[0]));
    for (const folder of folders) rank(folder);
  });

  it("no file imports from a folder in a higher layer", () => {
    const violations: string[] = [];
    for (const file of files) {
      const own = path.relative(root, file).split(path.sep)[0];
      for (const target of importedFolders(file)) {
        // `..` is outside provider/ (package.json); a root file such as index.ts belongs to no layer.
        if (target === own || target === ".." || target.endsWith(".ts")) continue;
        if (rank(target) > rank(own)) violations.push(`${path.relative(root, file)} imports ${target}/`);
      }
    }
    assert.deepEqual(violations, []);
  });

  it("no two files of one folder import each other", () => {
    const edges = new Set<string>();
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      for (const m of text.matchAll(/from\s+"(\.\/[^"]+)"/g)) {
        edges.add(`${file} -> ${path.resolve(path.dirname(file), m[1])}.ts`);
      }
    }
    const cycles = [...edges].filter((edge) => {
      const [from, to] = edge.split(" -> ");
      return edges.has(`${to} -> ${from}`);
    });
    assert.deepEqual(
      cycles.map((c) => path.relative(root, c.split(" -> ")[0])),
      [],
    );
  });

  it("DEVELOPMENT.md's picture of the layers is LAYERS, and every folder of provider/ is in it", () => {
    const text = readFileSync(path.join(root, "..", "DEVELOPMENT.md"), "utf8");
    const start = text.indexOf("<!-- layers: kept true by test/unit/layering.test.ts -->");
    assert.ok(start >= 0, "DEVELOPMENT.md has lost its layer picture");
    const block = text.slice(
      text.indexOf("```text", start),
      text.indexOf("```\n", text.indexOf("```text", start) + 7),
    );
    // Each row: the layer's number, then its folders (`name/`), then what the layer is for.
    const drawn = [...block.matchAll(/^\s*(\d+)\s+((?:[a-zA-Z]+\/\s+)+)/gm)].map((m) => ({
      layer: Number(m[1]),
      folders: m[2]
        .trim()
        .split(/\s+/)
        .map((f) => f.replace(/\/$/, "")),
    }));
    assert.deepEqual(
      drawn.map((row) => row.layer),
      LAYERS.map((_, i) => LAYERS.length - i),
      "the picture numbers the layers from the top down",
    );
    assert.deepEqual(
      drawn.map((row) => [...row.folders].sort()),
      [...LAYERS].reverse().map((layer) => [...layer].sort()),
    );
    const folders = readdirSync(root).filter((name) => statSync(path.join(root, name)).isDirectory());
    assert.deepEqual([...new Set(drawn.flatMap((row) => row.folders))].sort(), [...folders].sort());
  });
});
