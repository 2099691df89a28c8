#!/usr/bin/env node
// Builds, if need be, the provider plugin's release asset and prints its absolute path:
//
//   node scripts/plugin-path.js path     (npm run --silent plugin:path)
//   node scripts/plugin-path.js ensure   the same, the path on stderr (npm test's pretest)
//
// The asset is named as Pulumi names plugin assets, pulumi-resource-azure-gallery-lookup-v<version>-<os>-<arch>.tar.gz,
// and holds one executable, pulumi-resource-azure-gallery-lookup: a Node.js single executable application
// (this Node's own binary with the plugin injected by postject) over one file bundled by esbuild, so that
// a Python, Go or YAML user needs no Node.js. Where that cannot be made (a Node without the SEA fuse, or
// GALLERY_LOOKUP_PLUGIN_SEA=0), the executable is a small shell launcher beside the same bundle, which
// then needs Node.js 20+ on PATH; the script says so on stderr.
//
// The cache lives outside the clone (like scripts/pulumi-cli.js), keyed by the built dist/, the lock
// file, this script and the Node version, so an unchanged build is never bundled twice.
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.join(__dirname, "..");
const NAME = "azure-gallery-lookup";
const EXECUTABLE = `pulumi-resource-${NAME}`;
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";

function cacheRoot() {
  if (process.env.GALLERY_LOOKUP_PLUGIN_CACHE) return path.resolve(process.env.GALLERY_LOOKUP_PLUGIN_CACHE);
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache");
  return path.join(base, "pulumi-azure-gallery-lookup", "plugin");
}

/** Pulumi's spelling of this machine: linux/darwin/windows and amd64/arm64. */
function platform() {
  const osName = { win32: "windows" }[process.platform] ?? process.platform;
  const arch = { x64: "amd64" }[process.arch] ?? process.arch;
  return `${osName}-${arch}`;
}

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    return entry.isDirectory() ? files(full) : [full];
  });
}

/** Builds dist/ when a source under provider/ is newer than the plugin's entry point. */
function ensureBuilt() {
  const entry = path.join(ROOT, "dist", "plugin", "main.js");
  const built = fs.statSync(entry, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  const newest = Math.max(...files(path.join(ROOT, "provider")).map((f) => fs.statSync(f).mtimeMs));
  if (newest > built) {
    execFileSync(
      process.execPath,
      [require.resolve("typescript/bin/tsc", { paths: [ROOT] }), "-p", "tsconfig.json"],
      {
        cwd: ROOT,
        stdio: ["ignore", "ignore", "inherit"],
      },
    );
  }
  return entry;
}

function cacheKey(sea) {
  const hash = createHash("sha256");
  const dist = path.join(ROOT, "dist");
  for (const file of files(dist)
    .filter((f) => /\.(js|json)$/.test(f))
    .sort()) {
    hash.update(path.relative(dist, file)).update(fs.readFileSync(file));
  }
  for (const file of ["package.json", "package-lock.json", "scripts/plugin-path.js"]) {
    const full = path.join(ROOT, file);
    if (fs.existsSync(full)) hash.update(fs.readFileSync(full));
  }
  hash.update(`${process.version} ${process.execPath} sea=${sea}`);
  return hash.digest("hex").slice(0, 16);
}

/** Removes cached builds not used for a week, so that the cache does not grow without end. */
/**
 * Keeps the cache small (each build is about 36 MB): the five builds used last, and any used within the
 * hour (another clone's, or a build still being written, `<key>.build-*`); the rest are removed.
 */
function prune(root, keep) {
  const hourAgo = Date.now() - 3600_000;
  const entries = fs
    .readdirSync(root)
    .map((entry) => ({
      entry,
      used: fs.statSync(path.join(root, entry), { throwIfNoEntry: false })?.mtimeMs ?? Date.now(),
    }))
    .sort((a, b) => b.used - a.used);
  entries.forEach(({ entry, used }, index) => {
    if (entry === keep || index < 5 || used > hourAgo) return;
    fs.rmSync(path.join(root, entry), { recursive: true, force: true });
  });
}

/**
 * esbuild's options for the plugin's one file. The plugin's code imports the SDK's parts by path
 * (`@pulumi/pulumi/provider`, `/output`, ...), never its index, which would pull in the program-side
 * tooling (the TypeScript compiler, npm's arborist, the Automation API): 19 MB instead of 5, and about
 * 0.5 s of every operation's plugin start spent compiling it (test/plugin/plugin-bundle.test.ts).
 */
function bundleOptions(entry, outfile) {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    outfile,
    logLevel: "error",
  };
}

function bundle(entry, outfile) {
  // esbuild's API in a child of its own: in this process it would keep its service process alive beside
  // whatever called this (a test run) until that process ends.
  const options = bundleOptions(entry, outfile);
  const esbuild = require.resolve("esbuild", { paths: [ROOT] });
  execFileSync(
    process.execPath,
    [
      "-e",
      `require(${JSON.stringify(esbuild)}).buildSync(JSON.parse(process.argv[1]))`,
      JSON.stringify(options),
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
}

/** Makes `executable` a single executable application of `bundleFile`; false, with the reason, when it cannot. */
function makeSea(bundleFile, executable, work) {
  const config = path.join(work, "sea-config.json");
  const blob = path.join(work, "sea.blob");
  fs.writeFileSync(
    config,
    JSON.stringify({
      main: bundleFile,
      output: blob,
      disableExperimentalSEAWarning: true,
      // V8's compiled code for the bundle, made by this Node and run by a copy of this Node, so it always
      // fits: the plugin's start falls by about a quarter (224 to 168 ms here; docs/performance.md). The price Node's SEA docs
      // name, that import() does not work with a code cache, does not apply: esbuild turns a bundled
      // import() into a require.
      useCodeCache: true,
    }),
  );
  try {
    execFileSync(process.execPath, ["--experimental-sea-config", config], { stdio: "ignore" });
    fs.copyFileSync(process.execPath, executable);
    fs.chmodSync(executable, 0o755);
    const postject = require.resolve("postject/dist/cli.js", { paths: [ROOT] });
    execFileSync(
      process.execPath,
      [
        postject,
        executable,
        "NODE_SEA_BLOB",
        blob,
        "--sentinel-fuse",
        SEA_FUSE,
        ...(process.platform === "darwin" ? ["--macho-segment-name", "NODE_SEA"] : []),
      ],
      { stdio: "ignore" },
    );
    return true;
  } catch (error) {
    process.stderr.write(
      `Could not make a single executable application (${error.message.split("\n")[0]}): the plugin needs Node.js 20+ on PATH.\n`,
    );
    fs.rmSync(executable, { force: true });
    return false;
  }
}

function build(target, version) {
  const entry = ensureBuilt();
  const staging = fs.mkdtempSync(`${target}.build-`);
  try {
    const work = path.join(staging, "work");
    const content = path.join(staging, "content");
    fs.mkdirSync(work);
    fs.mkdirSync(content);
    const wantSea = process.env.GALLERY_LOOKUP_PLUGIN_SEA !== "0" && process.platform !== "win32";
    const bundled = path.join(wantSea ? work : content, "main.js");
    bundle(entry, bundled);
    const executable = path.join(content, EXECUTABLE);
    if (!(wantSea && makeSea(bundled, executable, work))) {
      if (wantSea) fs.renameSync(bundled, path.join(content, "main.js"));
      fs.writeFileSync(
        executable,
        '#!/bin/sh\n# The azure-gallery-lookup provider plugin: needs Node.js 20 or newer on PATH.\nexec node "$(dirname "$0")/main.js" "$@"\n',
        { mode: 0o755 },
      );
    }
    for (const file of ["LICENSE", "README.md"])
      fs.copyFileSync(path.join(ROOT, file), path.join(content, file));
    const out = path.join(staging, "out");
    fs.mkdirSync(out);
    const name = `${EXECUTABLE}-v${version}-${platform()}.tar.gz`;
    execFileSync("tar", ["-czf", path.join(out, name), "-C", content, "."], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    try {
      // One rename, so that a reader never sees a half-written tarball; another process that built the
      // same key meanwhile has won, and its tarball is the same.
      fs.renameSync(out, target);
    } catch (error) {
      if (!fs.existsSync(path.join(target, name))) throw error;
    }
    return path.join(target, name);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The absolute path of the plugin tarball, built if need be. */
function pluginTarball() {
  const { version } = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
  ensureBuilt();
  const sea = process.env.GALLERY_LOOKUP_PLUGIN_SEA !== "0";
  const root = cacheRoot();
  fs.mkdirSync(root, { recursive: true });
  const key = `v${version}-${platform()}-${cacheKey(sea)}`;
  const target = path.join(root, key);
  const tarball = path.join(target, `${EXECUTABLE}-v${version}-${platform()}.tar.gz`);
  if (!fs.existsSync(tarball)) {
    if (fs.existsSync(target)) fs.rmSync(target, { recursive: true, force: true }); // a folder without its tarball
    build(target, version);
  }
  const now = new Date();
  fs.utimesSync(target, now, now);
  prune(root, key);
  return tarball;
}

module.exports = { pluginTarball, bundleOptions, EXECUTABLE };

if (require.main === module) {
  const command = process.argv[2] ?? "path";
  if (command !== "path" && command !== "ensure") {
    process.stderr.write("usage: node scripts/plugin-path.js [path|ensure]\n");
    process.exit(2);
  }
  const tarball = pluginTarball();
  if (command === "ensure")
    process.stderr.write(`The provider plugin for the plugin suites (test/plugin): ${tarball}\n`);
  else process.stdout.write(`${tarball}\n`);
}
