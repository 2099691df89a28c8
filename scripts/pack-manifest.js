// `prepack` / `postpack`: the published package.json must not carry the repository's `prepare` script (it
// builds and runs scripts/link-self.js, which is not shipped, and npm 11 warns on install about any package
// with an install-time script). `npm ci` in the repository still runs `prepare`; only the packed copy drops it.
//   node scripts/pack-manifest.js strip     before packing: package.json without install scripts (original kept)
//   node scripts/pack-manifest.js restore   after packing: the original package.json back
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const manifestFile = path.join(root, "package.json");
const keptFile = path.join(root, ".package.json.prepack");
/** Scripts npm runs when the package is installed as a dependency. */
const INSTALL_SCRIPTS = ["preinstall", "install", "postinstall", "prepare"];

/** Whether every file a script runs with `node FILE` is shipped (under the manifest's `files`). */
function runsOnlyShippedFiles(command, files) {
  return [...command.matchAll(/node ([\w./-]+\.js)/g)].every(([, file]) =>
    files.some((f) => file.startsWith(f)),
  );
}

/**
 * The manifest as published: the same, without install-time scripts and without scripts that run files that
 * are not shipped (scripts/, build/), which could only fail there. Pure.
 */
function publishedManifest(manifest) {
  const files = manifest.files ?? [];
  const scripts = Object.fromEntries(
    Object.entries(manifest.scripts ?? {}).filter(
      ([name, command]) => !INSTALL_SCRIPTS.includes(name) && runsOnlyShippedFiles(command, files),
    ),
  );
  return { ...manifest, scripts };
}

function strip() {
  const text = fs.readFileSync(manifestFile, "utf8");
  if (!fs.existsSync(keptFile)) fs.writeFileSync(keptFile, text);
  fs.writeFileSync(manifestFile, `${JSON.stringify(publishedManifest(JSON.parse(text)), null, 2)}\n`);
}

function restore() {
  if (!fs.existsSync(keptFile)) return;
  fs.writeFileSync(manifestFile, fs.readFileSync(keptFile, "utf8"));
  fs.rmSync(keptFile);
}

if (require.main === module) {
  const command = process.argv[2];
  if (command === "strip") strip();
  else if (command === "restore") restore();
  else {
    process.stderr.write("usage: node scripts/pack-manifest.js strip|restore\n");
    process.exitCode = 2;
  }
}

module.exports = { publishedManifest, INSTALL_SCRIPTS };
