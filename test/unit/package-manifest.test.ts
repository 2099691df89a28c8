import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const { publishedManifest, INSTALL_SCRIPTS } = require(path.join(ROOT, "scripts", "pack-manifest.js")) as {
  publishedManifest(
    m: Record<string, unknown>,
  ): { scripts: Record<string, string> } & Record<string, unknown>;
  INSTALL_SCRIPTS: string[];
};

describe("package: the published manifest", () => {
  const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as Record<
    string,
    unknown
  >;
  const published = publishedManifest(manifest);

  it("keeps prepare for npm ci in the repository, and packs without any install-time script", () => {
    assert.match((manifest.scripts as Record<string, string>).prepare, /link-self/);
    for (const name of INSTALL_SCRIPTS) assert.equal(published.scripts[name], undefined, name);
  });

  it("runs no file that is not shipped", () => {
    const files = manifest.files as string[];
    for (const [name, command] of Object.entries(published.scripts)) {
      for (const [, file] of command.matchAll(/node ([\w./-]+\.js)/g)) {
        assert.ok(
          files.some((f) => file.startsWith(f)),
          `${name} runs ${file}, which is not in "files"`,
        );
      }
    }
  });

  it("names its repository, homepage and issue tracker; ships the demo's example and the CLI", () => {
    assert.match(String((manifest.repository as { url?: string })?.url), /^git\+https:\/\/github\.com\//);
    assert.match(String(manifest.homepage), /^https:\/\//);
    assert.match(String((manifest.bugs as { url?: string })?.url), /\/issues$/);
    assert.ok((manifest.files as string[]).includes("examples/basic/index.ts"));
    assert.ok(fs.existsSync(path.join(ROOT, "examples", "basic", "index.ts")));
  });

  it("ships every docs page that --help or the README names (an installed package has them)", function () {
    this.timeout(60_000);
    const cli = path.join(ROOT, "dist", "cli", "main.js");
    const help = ["emulator", "preview", "up", "drift"]
      .map((command) => execFileSync(process.execPath, [cli, command, "--help"], { encoding: "utf8" }))
      .join("\n");
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    const named = new Set([...`${help}\n${readme}`.matchAll(/\bdocs\/[\w-]+\.md\b/g)].map((m) => m[0]));
    assert.ok(named.size >= 3, [...named].join(", "));
    // What `npm pack` puts in the tarball, as npm computes it from "files".
    const [pack] = JSON.parse(
      execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
        cwd: ROOT,
        encoding: "utf8",
      }),
    ) as { files: { path: string }[] }[];
    const shipped = new Set(pack.files.map((f) => f.path));
    for (const page of named) assert.ok(shipped.has(page), `${page} is named but not in the tarball`);
  });

  it("the demo's example names, in its comments, the gallery npm start looks up and only galleries the emulator serves", () => {
    const { DEMO_GALLERY, defaultSeed } = require(path.join(ROOT, "dist", "emulator", "seed.js")) as {
      DEMO_GALLERY: string;
      defaultSeed(subscriptionId: string, resourceGroupName: string): { gallery: { name: string } }[];
    };
    const served = defaultSeed("5b5b5b5b-0000-4000-8000-000000000003", "myResourceGroup").map(
      (s) => s.gallery.name,
    );
    const text = fs.readFileSync(path.join(ROOT, "examples", "basic", "index.ts"), "utf8");
    const comments = text
      .split("\n")
      .filter((l) => l.trimStart().startsWith("//"))
      .join("\n");
    assert.ok(
      comments.includes(DEMO_GALLERY),
      `the comments do not name ${DEMO_GALLERY}, which npm start shows`,
    );
    for (const [name] of comments.matchAll(/\bmy[A-Z]\w*Gallery\b/g)) assert.ok(served.includes(name), name);
  });

  it("ships no module that nothing shipped loads (test-only code lives in test/support)", () => {
    const entries = [
      ...Object.values(manifest.exports as Record<string, string | { default: string }>),
      ...Object.values(manifest.bin as Record<string, string>),
    ]
      .map((e) => (typeof e === "string" ? e : e.default))
      .filter((f) => f.endsWith(".js"))
      .map((f) => path.join(ROOT, f));
    const loaded = new Set<string>();
    const todo = [...entries];
    while (todo.length) {
      const file = todo.pop() as string;
      if (loaded.has(file) || !fs.existsSync(file)) continue;
      loaded.add(file);
      const text = fs.readFileSync(file, "utf8");
      // A file loaded by its name beside the module (a worker thread's entry), not by require.
      for (const [, entry] of text.matchAll(/path\.join\(__dirname, "([^"/]+\.js)"\)/g))
        todo.push(path.join(path.dirname(file), entry));
      for (const [, spec] of text.matchAll(/require\("(\.{1,2}\/[^"]+)"\)/g)) {
        const target = path.resolve(path.dirname(file), spec);
        todo.push(
          ...[`${target}.js`, target, path.join(target, "index.js")].filter(
            (f) => fs.existsSync(f) && f.endsWith(".js"),
          ),
        );
      }
    }
    const all: string[] = [];
    const walk = (dir: string): void => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith(".js")) all.push(p);
      }
    };
    walk(path.join(ROOT, "dist"));
    // A module of types alone compiles to the ES-module marker and nothing else: no code to ship or load.
    const hasCode = (f: string) =>
      fs
        .readFileSync(f, "utf8")
        .replace(
          /"use strict";|Object\.defineProperty\(exports, "__esModule", \{ value: true \}\);|^\/\/.*$/gm,
          "",
        )
        .trim() !== "";
    const unused = all.filter((f) => !loaded.has(f) && hasCode(f)).map((f) => path.relative(ROOT, f));
    assert.deepEqual(unused, []);
  });
});
