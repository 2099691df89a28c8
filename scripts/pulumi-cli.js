#!/usr/bin/env node
// Finds, or builds from Go modules, the Pulumi CLI that the real-CLI suite (test/pulumi) and
// `gallery-lookup preview/up DIR` run.
//
//   node scripts/pulumi-cli.js path     print the absolute path of a working `pulumi` (build it if need be)
//   node scripts/pulumi-cli.js ensure   the same, but a machine without Go only gets a notice (exit 0)
//
// Order: PULUMI_CLI, then a `pulumi` on PATH at or above the minimum version (the package's own search,
// provider/pulumiCli/pulumiCli.ts, read from dist/), then the cached build, then a new build
// (tools/pulumi-cli) when `go` is on PATH. The cache lives outside the clone, keyed by the pinned version and
// the wrapper's files, so every clone and CI run on one machine shares it.
"use strict";
const { execFileSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** provider/pulumiCli/pulumiCli.ts as built: `npm ci` (prepare) and `pretest` build dist/ before any script runs. */
function pulumiCliModule() {
  const built = path.join(__dirname, "..", "dist", "pulumiCli", "pulumiCli.js");
  if (!fs.existsSync(built)) {
    process.stderr.write(`${built} is missing: run \`npm run build\` first (npm ci does it).\n`);
    process.exit(1);
  }
  return require(built);
}
const { findPulumi: findSupported, MINIMUM_PULUMI: MINIMUM, onPath } = pulumiCliModule();
const TOOLS = path.join(__dirname, "..", "tools", "pulumi-cli");
const WRAPPER_FILES = ["go.mod", "go.sum", "language-nodejs/main.go"];

function pinnedVersion() {
  const goMod = fs.readFileSync(path.join(TOOLS, "go.mod"), "utf8");
  const match = /github\.com\/pulumi\/pulumi\/pkg\/v3 (v\d+\.\d+\.\d+)/.exec(goMod);
  if (!match) throw new Error(`tools/pulumi-cli/go.mod pins no github.com/pulumi/pulumi/pkg/v3 release`);
  return match[1];
}

function cacheRoot() {
  if (process.env.GALLERY_LOOKUP_PULUMI_CACHE) return path.resolve(process.env.GALLERY_LOOKUP_PULUMI_CACHE);
  return toolCache("pulumi-cli");
}

/**
 * The folder outside the clone where the first build of a test tool (`parts`: the YAML host, sdkgen, the
 * Python venv…, and a key) is kept, beside the CLI's, so that every clone and CI run on one machine shares it.
 */
function toolCache(...parts) {
  const base = process.env.GALLERY_LOOKUP_PULUMI_CACHE
    ? path.resolve(process.env.GALLERY_LOOKUP_PULUMI_CACHE, "..")
    : path.join(
        process.env.XDG_CACHE_HOME || path.join(os.homedir(), ".cache"),
        "pulumi-azure-gallery-lookup",
      );
  return path.join(base, ...parts);
}

function cacheDir() {
  const hash = createHash("sha256");
  for (const file of WRAPPER_FILES) hash.update(fs.readFileSync(path.join(TOOLS, file)));
  return path.join(cacheRoot(), `${pinnedVersion()}-${hash.digest("hex").slice(0, 12)}`);
}

function build(target) {
  const go = onPath("go");
  if (!go) return undefined;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const lock = `${target}.lock`;
  const started = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(path.join(target, "bin", "pulumi"))) return path.join(target, "bin", "pulumi");
      // A build left behind by a killed process holds the lock for at most 30 minutes.
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 30 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_000);
    }
  }
  const staging = fs.mkdtempSync(`${target}.build-`);
  try {
    const version = pinnedVersion();
    const ldflags = `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=${version}`;
    process.stderr.write(
      `Building the Pulumi CLI ${version} from Go modules into ${target} (the first build on a machine takes minutes)...\n`,
    );
    const env = { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" };
    // Go keeps its module and build caches under HOME; a CI job without one still builds.
    if (!env.HOME && !env.GOPATH) env.GOPATH = path.join(os.tmpdir(), "gallery-lookup-gopath");
    if (!env.HOME && !env.GOCACHE) env.GOCACHE = path.join(os.tmpdir(), "gallery-lookup-gocache");
    const bin = path.join(staging, "bin");
    const goBuild = (output, pkg) =>
      execFileSync(go, ["build", "-ldflags", ldflags, "-o", path.join(bin, output), pkg], {
        cwd: TOOLS,
        env,
        stdio: ["ignore", "inherit", "inherit"],
      });
    goBuild("pulumi", "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi");
    goBuild("pulumi-language-nodejs", "./language-nodejs");
    // The dynamic provider shim ships in @pulumi/pulumi; beside `pulumi` the CLI finds it without PATH.
    const sdk = path.dirname(
      require.resolve("@pulumi/pulumi/package.json", { paths: [path.join(__dirname, "..")] }),
    );
    const shim = path.join(bin, "pulumi-resource-pulumi-nodejs");
    fs.copyFileSync(path.join(sdk, "pulumi-resource-pulumi-nodejs"), shim);
    fs.chmodSync(shim, 0o755);
    fs.writeFileSync(
      path.join(staging, "built.json"),
      JSON.stringify({ version, seconds: Math.round((Date.now() - started) / 1000) }) + "\n",
    );
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    process.stderr.write(`Built in ${Math.round((Date.now() - started) / 1000)} s.\n`);
    return path.join(target, "bin", "pulumi");
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The path of a working `pulumi`, or undefined with the reason in `why`. */
function findPulumi(why = []) {
  const cached = () => {
    const binary = path.join(cacheDir(), "bin", "pulumi");
    return fs.existsSync(binary) ? binary : undefined;
  };
  const found = findSupported({ why, fallbacks: [cached, () => build(cacheDir())] });
  if (found) return found.path;
  if (!process.env.PULUMI_CLI) {
    why.push(
      onPath("go")
        ? `the build from tools/pulumi-cli did not give a working pulumi`
        : `no Go toolchain on PATH to build one from tools/pulumi-cli`,
    );
  }
  return undefined;
}

module.exports = { findPulumi, MINIMUM, onPath, toolCache };

if (require.main === module) {
  const command = process.argv[2] ?? "path";
  if (command !== "path" && command !== "ensure") {
    process.stderr.write(`usage: node scripts/pulumi-cli.js [path|ensure]\n`);
    process.exit(2);
  }
  const why = [];
  const found = findPulumi(why);
  if (found && command === "ensure") {
    process.stderr.write(`Pulumi CLI for the real-CLI suite (test/pulumi): ${found}\n`);
  } else if (found) {
    process.stdout.write(`${found}\n`);
  } else {
    const message =
      `No Pulumi CLI ${MINIMUM} or newer can be had: ${why.join("; ")}. ` +
      `Set PULUMI_CLI to one, put one on PATH, or install Go 1.26 so that tools/pulumi-cli can build it.`;
    process.stderr.write(`${message}\n`);
    process.exit(command === "ensure" ? 0 : 1);
  }
}
