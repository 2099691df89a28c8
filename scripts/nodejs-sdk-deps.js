#!/usr/bin/env node
// Finds, or installs, the @pulumi/pulumi the generated Node.js SDK (sdk/nodejs) needs: the SDK asks for
// ^3.269.0 (it calls runtime.existsResource), newer than the ~3.248 this package develops and tests the
// dynamic face with, so the SDK's tests and bench install it beside the SDK from here.
//
//   node scripts/nodejs-sdk-deps.js path     print the node_modules folder that holds it (install if need be)
//   node scripts/nodejs-sdk-deps.js ensure   the same, quietly (pretest)
//
// It lives outside the clone (like scripts/pulumi-cli.js), keyed by the pin, so every clone shares it.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { toolCache } = require("./pulumi-cli");

const PULUMI_NPM = "3.276.0";

function cacheDir() {
  return toolCache("nodejs-sdk-deps", `pulumi-${PULUMI_NPM}`);
}

function works(dir) {
  try {
    const manifest = path.join(dir, "node_modules", "@pulumi", "pulumi", "package.json");
    return (
      JSON.parse(fs.readFileSync(manifest, "utf8")).version === PULUMI_NPM &&
      fs.existsSync(path.join(dir, ".installed"))
    );
  } catch {
    return false;
  }
}

/** The node_modules folder holding @pulumi/pulumi at the pin, installed under a lock when missing. */
function sdkDependencies() {
  const dir = cacheDir();
  if (works(dir)) return path.join(dir, "node_modules");
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const lockDir = `${dir}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      break;
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      if (works(dir)) return path.join(dir, "node_modules");
      const age = Date.now() - (fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs ?? 0);
      if (age > 15 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2000);
    }
  }
  try {
    if (works(dir)) return path.join(dir, "node_modules");
    process.stderr.write(`Installing @pulumi/pulumi@${PULUMI_NPM} for the Node.js SDK's tests into ${dir}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "nodejs-sdk-deps", private: true }),
    );
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const run = spawnSync(
      npm,
      [
        "install",
        "--no-audit",
        "--no-fund",
        "--ignore-scripts",
        "--save-exact",
        `@pulumi/pulumi@${PULUMI_NPM}`,
      ],
      { cwd: dir, stdio: ["ignore", "inherit", "inherit"] },
    );
    if (run.status !== 0) throw new Error(`npm install @pulumi/pulumi@${PULUMI_NPM} exited ${run.status}`);
    fs.writeFileSync(path.join(dir, ".installed"), `${PULUMI_NPM}\n`);
    return path.join(dir, "node_modules");
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

module.exports = { sdkDependencies, PULUMI_NPM };

if (require.main === module) {
  const command = process.argv[2];
  if (command !== "path" && command !== "ensure") {
    process.stderr.write("usage: node scripts/nodejs-sdk-deps.js path|ensure\n");
    process.exit(2);
  }
  const modules = sdkDependencies();
  if (command === "path") process.stdout.write(`${modules}\n`);
}
