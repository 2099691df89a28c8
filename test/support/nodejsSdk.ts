// The generated Node.js SDK (sdk/nodejs) installed as a user's project gets it: compiled by its own
// tsconfig (the publish step Pulumi's providers run), in a node_modules beside @pulumi/pulumi.
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./engineInstall";

/** The SDK's npm name, as the schema's language.nodejs.packageName gives it. */
export function nodejsSdkName(): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, "sdk", "nodejs", "package.json"), "utf8"),
  ) as {
    name: string;
  };
  return manifest.name;
}

/** Compiles sdk/nodejs into `modules/<its name>`, and links @pulumi/pulumi and @types/node beside it. */
export function installNodejsSdk(modules: string): void {
  const target = path.join(modules, nodejsSdkName());
  fs.mkdirSync(path.join(modules, "@types"), { recursive: true });
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules", "@pulumi"), path.join(modules, "@pulumi"), "junction");
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@types", "node"),
    path.join(modules, "@types", "node"),
    "junction",
  );
  fs.cpSync(path.join(REPO_ROOT, "sdk", "nodejs"), target, { recursive: true });
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", target],
    {
      cwd: target,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  assert.ok(fs.existsSync(path.join(target, "bin", "index.js")), "tsc gave no bin/index.js");
  // The layout `npm publish` of a generated SDK has: bin/ carries package.json (its version is read there).
  fs.copyFileSync(path.join(target, "package.json"), path.join(target, "bin", "package.json"));
}
