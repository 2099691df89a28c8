// This package as it was at an earlier commit of the repository, built from the git history and installed
// into a node_modules folder of its own, so that the real-CLI suite can write state with an old release and
// then run today's package over it. The tarball is cached under the OS temp dir by commit.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./engineInstall";

const PACKAGE_NAME = "pulumi-azure-gallery-lookup";
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The last commit whose serialized provider requires `pulumi-azure-gallery-lookup/dist/lookup/operations`:
 * the layout of release 0.1.0 (the next commit, 0e41374, moved the provider to the stable subpath), and the
 * commit whose provider text test/fixtures/serialized-provider-0.1.0.js keeps.
 */
export const RELEASE_0_1_0_COMMIT = "e926168";

/**
 * The last commit whose GalleryLookup stored the text Pulumi's closure serializer made of its provider object
 * (seven methods, each loading the `dynamic-provider` export); test/fixtures/serialized-provider-a162aca.js
 * keeps it. The next commit writes the text by hand (provider/lookup/provider.ts).
 */
export const LAST_SERIALIZED_PROVIDER_COMMIT = "a162aca";

/**
 * Packs the package at `commit`: `git archive` into a temporary folder (no worktree is registered), compile
 * with the repository's TypeScript and type packages (what is emitted does not depend on their versions),
 * `npm pack`. Fails, rather than skips, when the commit is not in this clone (a shallow CI checkout).
 */
export function tarballAt(commit: string): string {
  const full = fullCommit(commit);
  const cached = path.join(os.tmpdir(), `gallery-lookup-package-${full}.tgz`);
  if (fs.existsSync(cached)) return cached;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-old-package-"));
  try {
    const source = builtSourceAt(full, work);
    const packed = execFileSync(NPM, ["pack", "--ignore-scripts", "--silent", "--pack-destination", work], {
      cwd: source,
      encoding: "utf8",
    });
    const tarball = path.join(work, packed.trim().split("\n").pop() ?? "");
    // Renamed into place whole, so that a parallel run never reads half a tarball.
    const partial = `${cached}.${process.pid}`;
    fs.copyFileSync(tarball, partial);
    fs.renameSync(partial, cached);
    return cached;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/**
 * The provider plugin's tarball at `commit`, made by that commit's own scripts/plugin-path.js (its bundle,
 * its single executable) into a plugin cache under `cacheDir`, for the bench's before-and-after figures.
 */
export function pluginTarballAt(commit: string, cacheDir: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-old-plugin-"));
  try {
    const source = builtSourceAt(fullCommit(commit), work);
    return execFileSync(process.execPath, [path.join(source, "scripts", "plugin-path.js"), "path"], {
      cwd: source,
      env: { ...process.env, GALLERY_LOOKUP_PLUGIN_CACHE: cacheDir },
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }).trim();
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

function fullCommit(commit: string): string {
  return execFileSync("git", ["-C", REPO_ROOT, "rev-parse", "--verify", `${commit}^{commit}`], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** The source at `commit` in `work/source` (`git archive`: no worktree is registered), compiled to its dist/. */
function builtSourceAt(commit: string, work: string): string {
  const archive = path.join(work, "source.tar");
  execFileSync("git", ["-C", REPO_ROOT, "archive", "--format=tar", "-o", archive, commit]);
  const source = path.join(work, "source");
  fs.mkdirSync(source);
  execFileSync("tar", ["-xf", archive, "-C", source]);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(source, "node_modules"), "junction");
  execFileSync(
    process.execPath,
    [path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.json"],
    {
      cwd: source,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  return source;
}

/**
 * A node_modules folder under `parent` holding the tarball unpacked as npm lays it out, and its dependencies
 * (and the peer @pulumi/pulumi) linked from the repository's installed node_modules, as engineInstall does.
 */
export function nodeModulesWith(tarball: string, parent: string): string {
  const nodeModules = path.join(parent, "node_modules");
  const target = path.join(nodeModules, PACKAGE_NAME);
  fs.mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
  const manifest = JSON.parse(fs.readFileSync(path.join(target, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
  };
  for (const name of [...Object.keys(manifest.dependencies ?? {}), "@pulumi/pulumi"]) {
    const installed = path.join(REPO_ROOT, "node_modules", name);
    if (!fs.existsSync(installed))
      throw new Error(`${name}, a dependency of ${tarball}, is not installed here`);
    const link = path.join(nodeModules, name);
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(installed, link, "junction");
  }
  return nodeModules;
}
