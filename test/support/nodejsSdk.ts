// The generated Node.js SDK (sdk/nodejs) installed as a user's project gets it: compiled by its own
// tsconfig (the publish step Pulumi's providers run), in a node_modules beside the @pulumi/pulumi it asks
// for (^3.269: newer than this package's own, so from scripts/nodejs-sdk-deps.js).
import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "./engineInstall";

interface NodejsSdkDepsScript {
  sdkDependencies(): string;
}
const deps = require(path.join(REPO_ROOT, "scripts", "nodejs-sdk-deps.js")) as NodejsSdkDepsScript;

/** The SDK's npm name, as the schema's language.nodejs.packageName gives it. */
export function nodejsSdkName(): string {
  const manifest = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, "sdk", "nodejs", "package.json"), "utf8"),
  ) as {
    name: string;
  };
  return manifest.name;
}

/**
 * Compiles sdk/nodejs and installs what a provider publishes (`tsc`, then bin/ with package.json and
 * README.md: the generated package.json names no `main`, so its root is bin/) as `modules/<its name>`, with
 * @pulumi (the SDK's pin) and @types/node linked beside it.
 */
export function installNodejsSdk(modules: string): void {
  const target = path.join(modules, nodejsSdkName());
  fs.mkdirSync(path.join(modules, "@types"), { recursive: true });
  fs.symlinkSync(path.join(deps.sdkDependencies(), "@pulumi"), path.join(modules, "@pulumi"), "junction");
  fs.symlinkSync(
    path.join(REPO_ROOT, "node_modules", "@types", "node"),
    path.join(modules, "@types", "node"),
    "junction",
  );
  // Beside node_modules, so that the compile resolves @pulumi/pulumi from it.
  const build = path.join(path.dirname(modules), ".sdk-build");
  fs.cpSync(path.join(REPO_ROOT, "sdk", "nodejs"), build, { recursive: true });
  try {
    execFileSync(
      process.execPath,
      [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", build],
      {
        cwd: build,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    const bin = path.join(build, "bin");
    assert.ok(fs.existsSync(path.join(bin, "index.js")), "tsc gave no bin/index.js");
    for (const file of ["package.json", "README.md"])
      fs.copyFileSync(path.join(build, file), path.join(bin, file));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.renameSync(bin, target);
  } finally {
    fs.rmSync(build, { recursive: true, force: true });
  }
}

/**
 * Writes a TypeScript Pulumi project `name` in `dir` whose program is `program`, on the SDK installed in its
 * own node_modules.
 */
export function writeNodejsSdkProject(dir: string, name: string, program: string): void {
  fs.mkdirSync(dir, { recursive: true });
  installNodejsSdk(path.join(dir, "node_modules"));
  const files: Record<string, string> = {
    "Pulumi.yaml": `name: ${name}\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n`,
    "package.json": JSON.stringify({ name, private: true }),
    "tsconfig.json": SDK_PROJECT_TSCONFIG,
    "index.ts": program,
  };
  for (const [file, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, file), text);
}

/**
 * The tsconfig.json of a project on the SDK. es2020: @pulumi/pulumi 3.276 compiles the program with its
 * vendored ts-node and TypeScript, which know no later target.
 */
export const SDK_PROJECT_TSCONFIG = JSON.stringify({
  compilerOptions: { strict: true, target: "es2020", module: "commonjs", skipLibCheck: true },
  files: ["index.ts"],
});
