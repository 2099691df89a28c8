#!/usr/bin/env node
// Generates the Python, Go and Node.js SDKs (sdk/python, sdk/go, sdk/nodejs) from the plugin's schema
// (provider/plugin/schema.json) with the real CLI's `pulumi package gen-sdk`, as a provider does.
//
//   node scripts/sdk-gen.js                 regenerate sdk/ (npm run sdk:gen)
//   node scripts/sdk-gen.js --out DIR       generate into DIR/<language> instead (the freshness test)
//   node scripts/sdk-gen.js ensure          only build the generator (pretest); a machine without Go gets a notice
//
// Since Pulumi 3.276, gen-sdk hands generation to the language plugin's GeneratePackage. Pulumi's own
// language hosts cannot be built here, so tools/sdkgen serves GeneratePackage over the generators of
// github.com/pulumi/pulumi/pkg/v3/codegen. It is linked as pulumi-language-<language> into a folder of its
// own that is first on PATH for gen-sdk only (the CLI prefers a language plugin on PATH): the tests' Node.js
// language host, which runs programs, keeps its name beside the CLI and never meets this one.
"use strict";
const { execFileSync, spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { findPulumi, toolCache } = require("./pulumi-cli.js");

const ROOT = path.join(__dirname, "..");
const TOOL = path.join(ROOT, "tools", "sdkgen");
const TOOL_FILES = ["go.mod", "go.sum", "main.go"];
const SCHEMA = path.join(ROOT, "provider", "plugin", "schema.json");
const LANGUAGES = ["python", "go", "nodejs"];

/** Beside the CLI's cache (scripts/pulumi-cli.js), keyed by the generator's files. */
function cacheDir() {
  const hash = createHash("sha256");
  for (const file of TOOL_FILES) hash.update(fs.readFileSync(path.join(TOOL, file)));
  return toolCache("sdkgen", hash.digest("hex").slice(0, 12));
}

/** The generator binary, built into the shared cache when missing; undefined without Go. */
function findGenerator(why = []) {
  const target = path.join(cacheDir(), "sdkgen");
  if (fs.existsSync(target)) return target;
  const go = spawnSync("go", ["version"], { encoding: "utf8" });
  if (go.status !== 0) {
    why.push("no Go toolchain on PATH to build tools/sdkgen");
    return undefined;
  }
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const started = Date.now();
  const staging = `${target}.build-${process.pid}`;
  process.stderr.write(`Building tools/sdkgen into ${path.dirname(target)}...\n`);
  const env = { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" };
  if (!env.HOME && !env.GOPATH) env.GOPATH = path.join(os.tmpdir(), "gallery-lookup-gopath");
  if (!env.HOME && !env.GOCACHE) env.GOCACHE = path.join(os.tmpdir(), "gallery-lookup-gocache");
  try {
    execFileSync("go", ["build", "-o", staging, "."], {
      cwd: TOOL,
      env,
      stdio: ["ignore", "inherit", "inherit"],
    });
    // A rename is atomic: two builds racing both land a whole binary.
    fs.renameSync(staging, target);
  } finally {
    fs.rmSync(staging, { force: true });
  }
  process.stderr.write(`Built in ${Math.round((Date.now() - started) / 1000)} s.\n`);
  return target;
}

/** Runs gen-sdk for every language into `out/<language>`. */
function generate(out) {
  const why = [];
  const pulumi = findPulumi(why);
  const generator = findGenerator(why);
  if (!pulumi || !generator) throw new Error(`cannot generate the SDKs: ${why.join("; ")}`);
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-sdkgen-"));
  try {
    const hosts = path.join(scratch, "bin");
    fs.mkdirSync(hosts);
    for (const language of LANGUAGES)
      fs.symlinkSync(generator, path.join(hosts, `pulumi-language-${language}`));
    const env = {
      PATH: [hosts, path.dirname(process.execPath), "/usr/local/bin", "/usr/bin", "/bin"].join(
        path.delimiter,
      ),
      HOME: scratch,
      PULUMI_HOME: path.join(scratch, ".pulumi"),
      PULUMI_BACKEND_URL: `file://${scratch}`,
      PULUMI_SKIP_UPDATE_CHECK: "true",
      PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
    for (const language of LANGUAGES) {
      const run = spawnSync(pulumi, ["package", "gen-sdk", SCHEMA, "--language", language, "--out", out], {
        cwd: ROOT,
        env,
        encoding: "utf8",
      });
      if (run.status !== 0) {
        throw new Error(
          `pulumi package gen-sdk --language ${language} exited ${run.status}\n${run.stdout}${run.stderr}`,
        );
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}

module.exports = { generate, findGenerator, LANGUAGES };

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args[0] === "ensure") {
    const why = [];
    if (!findGenerator(why))
      process.stderr.write(`Notice: the SDK freshness test will be skipped: ${why.join("; ")}\n`);
  } else if (args.length === 0) {
    generate(path.join(ROOT, "sdk"));
    process.stderr.write(
      `Generated ${LANGUAGES.map((l) => `sdk/${l}`).join(", ")} from provider/plugin/schema.json\n`,
    );
  } else if (args[0] === "--out" && args[1]) {
    generate(path.resolve(args[1]));
  } else {
    process.stderr.write("usage: node scripts/sdk-gen.js [ensure | --out DIR]\n");
    process.exit(2);
  }
}
