#!/usr/bin/env node
// Finds, or builds from Go modules, Pulumi's own YAML language host (`pulumi-language-yaml`), which the
// plugin's real-CLI suite (test/plugin) runs YAML programs with.
//
//   node scripts/pulumi-language-yaml.js path     print the absolute path of the host (build it if need be)
//   node scripts/pulumi-language-yaml.js ensure   the same, but a machine without Go only gets a notice (exit 0)
//
// Order: PULUMI_LANGUAGE_YAML, then the cached build, then `go install` of the pinned release, which
// builds with that release's own pins (about 2 minutes the first time). The cache lives outside the
// clone, keyed by the version, so every clone and CI run on one machine shares it, like scripts/pulumi-cli.js.
"use strict";
const { execFileSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { onPath, toolCache } = require("./pulumi-cli");

const VERSION = "v1.25.0";
const MODULE = "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml";

function cacheDir() {
  return toolCache("pulumi-language-yaml", VERSION);
}

function build(target) {
  const go = onPath("go");
  if (!go) return undefined;
  const binary = path.join(target, "bin", "pulumi-language-yaml");
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const lock = `${target}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      if (fs.existsSync(binary)) return binary;
      // A build left behind by a killed process holds the lock for at most 30 minutes.
      const age = Date.now() - fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 30 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2_000);
    }
  }
  const staging = fs.mkdtempSync(`${target}.build-`);
  const started = Date.now();
  try {
    process.stderr.write(`Building pulumi-language-yaml ${VERSION} from Go modules into ${target}...\n`);
    const env = { ...process.env, GOBIN: path.join(staging, "bin"), GOTOOLCHAIN: "local", GOFLAGS: "" };
    // Go keeps its module and build caches under HOME; a CI job without one still builds.
    if (!env.HOME && !env.GOPATH) env.GOPATH = path.join(os.tmpdir(), "gallery-lookup-gopath");
    if (!env.HOME && !env.GOCACHE) env.GOCACHE = path.join(os.tmpdir(), "gallery-lookup-gocache");
    execFileSync(go, ["install", `${MODULE}@${VERSION}`], {
      cwd: os.tmpdir(),
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    fs.rmSync(target, { recursive: true, force: true });
    fs.renameSync(staging, target);
    process.stderr.write(`Built in ${Math.round((Date.now() - started) / 1000)} s.\n`);
    return binary;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The path of a working `pulumi-language-yaml`, or undefined with the reason in `why`. */
function findLanguageYaml(why = []) {
  const named = process.env.PULUMI_LANGUAGE_YAML;
  if (named) {
    if (fs.existsSync(named)) return path.resolve(named);
    why.push(`PULUMI_LANGUAGE_YAML=${named} does not exist`);
    return undefined;
  }
  const cached = path.join(cacheDir(), "bin", "pulumi-language-yaml");
  if (fs.existsSync(cached)) return cached;
  const built = build(cacheDir());
  if (built && fs.existsSync(built)) return built;
  why.push(
    onPath("go")
      ? `go install ${MODULE}@${VERSION} did not give a binary`
      : "no Go toolchain on PATH to build it",
  );
  return undefined;
}

module.exports = { findLanguageYaml, VERSION };

if (require.main === module) {
  const command = process.argv[2] ?? "path";
  if (command !== "path" && command !== "ensure") {
    process.stderr.write(`usage: node scripts/pulumi-language-yaml.js [path|ensure]\n`);
    process.exit(2);
  }
  const why = [];
  const found = findLanguageYaml(why);
  if (found && command === "ensure") {
    process.stderr.write(`pulumi-language-yaml for the plugin's YAML suite (test/plugin): ${found}\n`);
  } else if (found) {
    process.stdout.write(`${found}\n`);
  } else {
    process.stderr.write(`No pulumi-language-yaml ${VERSION} can be had: ${why.join("; ")}.\n`);
    process.exit(command === "ensure" ? 0 : 1);
  }
}
