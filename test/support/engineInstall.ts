// Installs this package the way a user gets it (npm pack, then the tarball unpacked into a program's
// node_modules), so the engine tests exercise the published files and the provider host's module resolution,
// not the repository's layout. The installed folder is cached under the OS temp dir by the tarball's hash and
// the checkout, and checked before each use (a cache whose links point into a deleted clone is rebuilt).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const PACKAGE_NAME = "pulumi-azure-gallery-lookup";
const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

/** A program folder with the packed package installed in its node_modules. */
export interface InstalledProgram {
  dir: string;
  tarball: string;
  sha256: string;
  /** Whether this call installed it (false: reused from the cache). */
  fresh: boolean;
}

let memo: InstalledProgram | undefined;

/**
 * Packs the repository (`dist/` must be built: `npm test` builds it in pretest; `--ignore-scripts` skips
 * `prepare` so that a parallel edit elsewhere cannot fail the pack) and unpacks the tarball into a program folder.
 * Dependencies are linked from the repository's node_modules (see below).
 */
export function installedProgram(): InstalledProgram {
  if (memo) return memo;
  const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-pack-"));
  const output = execFileSync(NPM, ["pack", "--ignore-scripts", "--silent", "--pack-destination", packDir], {
    cwd: REPO_ROOT,
    encoding: "utf8",
  });
  const tarball = path.join(packDir, output.trim().split("\n").pop() ?? "");
  const sha256 = createHash("sha256").update(fs.readFileSync(tarball)).digest("hex");
  const dir = programDir(sha256);
  const marker = path.join(dir, ".installed");
  let fresh = false;
  if (!cacheIsUsable(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "gallery-lookup-engine-test", private: true, version: "0.0.0" }, null, 2),
    );
    // `npm install <tarball> --offline` cannot work here: `npm ci` caches tarballs but not the registry
    // metadata npm needs to resolve the tarball's dependency ranges. So the tarball is unpacked the way npm
    // would lay it out, and its dependencies (and the peer @pulumi/pulumi, and @pulumi/azure-native for the
    // role-assignment example) are linked from the repository's installed, lock-pinned node_modules.
    const target = path.join(dir, "node_modules", PACKAGE_NAME);
    fs.mkdirSync(target, { recursive: true });
    execFileSync("tar", ["-xzf", tarball, "-C", target, "--strip-components=1"]);
    const manifest = JSON.parse(fs.readFileSync(path.join(target, "package.json"), "utf8")) as {
      dependencies?: Record<string, string>;
    };
    const linked = [...Object.keys(manifest.dependencies ?? {}), "@pulumi/pulumi", "@pulumi/azure-native"];
    for (const name of linked) {
      const link = path.join(dir, "node_modules", name);
      fs.mkdirSync(path.dirname(link), { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, "node_modules", name), link, "junction");
    }
    fs.writeFileSync(marker, JSON.stringify({ repoRoot: REPO_ROOT, links: linked }));
    fresh = true;
  }
  fs.rmSync(packDir, { recursive: true, force: true });
  memo = { dir, tarball, sha256, fresh };
  return memo;
}

/**
 * The cache folder: keyed by the tarball's hash and by the checkout whose node_modules it links to, so
 * that two clones never share one (deleting one clone must not break the other's cache).
 */
export function programDir(sha256: string, repoRoot = REPO_ROOT): string {
  const checkout = createHash("sha256").update(path.resolve(repoRoot)).digest("hex").slice(0, 12);
  return path.join(os.tmpdir(), `gallery-lookup-engine-${sha256.slice(0, 16)}-${checkout}`);
}

/**
 * Whether a cached program can be used as it is: it was completed, made for this checkout, and every
 * dependency link still resolves into this checkout's node_modules. Anything else is rebuilt.
 */
export function cacheIsUsable(dir: string, repoRoot = REPO_ROOT): boolean {
  let marker: { repoRoot?: unknown; links?: unknown };
  try {
    marker = JSON.parse(fs.readFileSync(path.join(dir, ".installed"), "utf8")) as typeof marker;
  } catch {
    return false;
  }
  if (marker.repoRoot !== repoRoot || !Array.isArray(marker.links)) return false;
  const modules = fs.realpathSync(path.join(repoRoot, "node_modules"));
  return marker.links.every((name) => {
    try {
      const target = fs.realpathSync(path.join(dir, "node_modules", String(name)));
      return target.startsWith(modules + path.sep) && fs.existsSync(path.join(target, "package.json"));
    } catch {
      return false; // a dead link: the checkout it pointed into is gone
    }
  });
}

/**
 * Registers one GalleryLookup under Pulumi's mocks, in a child process inside the installed program, and
 * returns the inputs the SDK sent: exactly what the engine would pass to the provider host, `__provider` included.
 */
export function registeredInputs(programDir: string, args: Record<string, unknown>): Record<string, unknown> {
  const script = `
const pulumi = require("@pulumi/pulumi");
pulumi.runtime.setMocks({
  newResource: (a) => { if (a.type.startsWith("pulumi-nodejs:")) process.stdout.write(JSON.stringify({ type: a.type, inputs: a.inputs })); return { id: "mock", state: a.inputs }; },
  call: () => ({}),
}, "engine-test", "dev", true);
const { GalleryLookup } = require("pulumi-azure-gallery-lookup");
new GalleryLookup("gallery", JSON.parse(process.argv[1]));
`;
  const text = execFileSync(process.execPath, ["-e", script, JSON.stringify(args)], {
    cwd: programDir,
    encoding: "utf8",
    // The SDK's load-time deprecation warnings would clutter the test report; a failure still shows stderr.
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, AZURE_TOKEN_CREDENTIALS: "EnvironmentCredential" },
  });
  const parsed = JSON.parse(text) as { type: string; inputs: Record<string, unknown> };
  return { ...parsed.inputs, __type: parsed.type };
}
