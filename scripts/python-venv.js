#!/usr/bin/env node
// Finds, or builds, the Python virtual environment in which the tests run the generated Python SDK
// (sdk/python) as an inline Automation API program: `pulumi` from PyPI at the pinned version, nothing else.
//
//   node scripts/python-venv.js path     print the venv's python (build the venv if need be)
//   node scripts/python-venv.js ensure   the same, but a machine without python3 only gets a notice (exit 0)
//
// The SDK itself is not installed into it: each test installs a copy of sdk/python with pip into a folder
// of its own (installPythonSdk, as `pip install ./sdk/python` would), put on PYTHONPATH, so the committed
// SDK is what runs, and the venv is keyed only by what it holds (the pins and the interpreter).
// It lives outside the clone (like the CLI of scripts/pulumi-cli.js), so every clone and CI run on one
// machine shares it; a lock keeps two builds from racing.
"use strict";
const { spawnSync } = require("node:child_process");
const { createHash } = require("node:crypto");
const fs = require("node:fs");
const path = require("node:path");
const { toolCache } = require("./pulumi-cli");

// The newest `pulumi` the PyPI mirror here serves; setuptools 70.1+ lets pip build the SDK without fetching a build
// backend each time (--no-build-isolation: the venv's setuptools does it).
const PULUMI_PYPI = "3.272.0";
const REQUIREMENTS = [`pulumi==${PULUMI_PYPI}`, "setuptools==80.9.0"];

function python3() {
  const run = spawnSync("python3", ["-c", "import sys, venv; print(sys.version.split()[0])"], {
    encoding: "utf8",
  });
  return run.status === 0 ? run.stdout.trim() : undefined;
}

/** Beside the CLI's cache (scripts/pulumi-cli.js). */
function cacheRoot() {
  return toolCache("python-venv");
}

function venvDir(pythonVersion) {
  const key = createHash("sha256")
    .update(`${pythonVersion}\n${REQUIREMENTS.join("\n")}\n`)
    .digest("hex");
  return path.join(cacheRoot(), `pulumi-${PULUMI_PYPI}-py${pythonVersion}-${key.slice(0, 12)}`);
}

function interpreter(dir) {
  return path.join(dir, "bin", "python");
}

function works(dir) {
  const run = spawnSync(interpreter(dir), ["-c", "import pulumi.automation; print('ok')"], {
    encoding: "utf8",
  });
  return run.status === 0 && run.stdout.trim() === "ok";
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the build lock (a folder), waiting while another process holds it; stale after 15 minutes. */
function lock(dir) {
  const lockDir = `${dir}.lock`;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      return () => fs.rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if (error.code !== "EEXIST") throw error;
      const age = Date.now() - fs.statSync(lockDir, { throwIfNoEntry: false })?.mtimeMs;
      if (age > 15 * 60_000) fs.rmSync(lockDir, { recursive: true, force: true });
      else sleep(2000);
    }
  }
}

// A venv's scripts hold its own path, so it cannot be built elsewhere and renamed: it is built in place,
// under the lock, and a half-built one (an interrupted pip) fails works() and is built again.
function build(dir) {
  const steps = [
    ["python3", ["-m", "venv", dir]],
    [
      interpreter(dir),
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", ...REQUIREMENTS],
    ],
  ];
  for (const [command, args] of steps) {
    const run = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"] });
    if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${run.status}`);
  }
}

/** The venv's python, building the venv when it is missing or broken; undefined without python3. */
function findPython(why = []) {
  const version = python3();
  if (!version) {
    why.push("python3 with the venv module is not on PATH");
    return undefined;
  }
  const dir = venvDir(version);
  if (works(dir)) return interpreter(dir);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const release = lock(dir);
  try {
    if (works(dir)) return interpreter(dir);
    process.stderr.write(`Building the Python venv for the SDK tests (pulumi==${PULUMI_PYPI}) in ${dir}\n`);
    fs.rmSync(dir, { recursive: true, force: true });
    build(dir);
    if (!works(dir)) throw new Error(`the venv at ${dir} cannot import pulumi.automation`);
    return interpreter(dir);
  } finally {
    release();
  }
}

/**
 * Installs the generated SDK (sdk/python) with the venv's pip into `target` (for PYTHONPATH), from a copy,
 * since pip builds in the source tree and would leave build/ and *.egg-info in sdk/python.
 */
function installPythonSdk(python, target) {
  const source = `${target}-source`;
  fs.cpSync(path.join(__dirname, "..", "sdk", "python"), source, { recursive: true });
  try {
    const run = spawnSync(
      python,
      ["-m", "pip", "install", "--disable-pip-version-check", "--no-input", "--quiet", "--no-deps"].concat([
        "--no-build-isolation",
        "--target",
        target,
        source,
      ]),
      { encoding: "utf8" },
    );
    if (run.status !== 0)
      throw new Error(`pip install of sdk/python exited ${run.status}: ${run.stdout}${run.stderr}`);
  } finally {
    fs.rmSync(source, { recursive: true, force: true });
  }
}

module.exports = { findPython, installPythonSdk, PULUMI_PYPI };

if (require.main === module) {
  const command = process.argv[2];
  const why = [];
  const found = findPython(why);
  if (command === "path") {
    if (!found) {
      process.stderr.write(`No Python venv: ${why.join("; ")}\n`);
      process.exit(1);
    }
    process.stdout.write(`${found}\n`);
  } else if (command === "ensure") {
    if (!found) process.stderr.write(`Notice: the Python SDK tests will be skipped: ${why.join("; ")}\n`);
  } else {
    process.stderr.write("usage: node scripts/python-venv.js path|ensure\n");
    process.exit(2);
  }
}
