#!/usr/bin/env node
// Builds the Go program of the SDK tests (test/languages/go: an inline Automation API program on the
// generated Go SDK, which its go.mod replaces with sdk/go).
//
//   node scripts/go-program.js ensure       download its modules and build it once (pretest), so that the
//                                           test's own build is a warm one; without Go, a notice (exit 0)
//   node scripts/go-program.js build FILE   build it to FILE
//
// Go keeps the downloads and the compiled packages in its own caches (GOMODCACHE, GOCACHE), shared by
// every clone on the machine, so nothing needs caching here.
"use strict";
const { spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const PROGRAM = path.join(__dirname, "..", "test", "languages", "go");

/** Builds the program to `output`; returns undefined, or why it could not. */
function buildGoProgram(output) {
  const env = { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" };
  if (!env.HOME && !env.GOPATH) env.GOPATH = path.join(os.tmpdir(), "gallery-lookup-gopath");
  if (!env.HOME && !env.GOCACHE) env.GOCACHE = path.join(os.tmpdir(), "gallery-lookup-gocache");
  const run = spawnSync("go", ["build", "-o", output, "."], { cwd: PROGRAM, env, encoding: "utf8" });
  if (run.error) return `go could not be started: ${run.error.message}`;
  if (run.status !== 0)
    return `go build in test/languages/go exited ${run.status}:\n${run.stdout}${run.stderr}`;
  return undefined;
}

module.exports = { buildGoProgram };

if (require.main === module) {
  const [command, output] = process.argv.slice(2);
  if (command === "ensure") {
    const started = Date.now();
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-go-program-"));
    try {
      const failed = buildGoProgram(path.join(scratch, "lifecycle"));
      if (failed) process.stderr.write(`Notice: the Go SDK test will fail: ${failed}\n`);
      else
        process.stderr.write(
          `Go program of the SDK tests built in ${Math.round((Date.now() - started) / 1000)} s\n`,
        );
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  } else if (command === "build" && output) {
    const failed = buildGoProgram(path.resolve(output));
    if (failed) {
      process.stderr.write(`${failed}\n`);
      process.exit(1);
    }
  } else {
    process.stderr.write("usage: node scripts/go-program.js ensure | build FILE\n");
    process.exit(2);
  }
}
