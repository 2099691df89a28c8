// TLS material made at start: a local CA (reused from `caDir` when present) and a leaf for 127.0.0.1.
// @azure/identity and MSAL insist on https authorities, so the Entra half cannot run on plain http.
import { rmSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TlsMaterial {
  caCert: string;
  caCertFile: string;
  /** The leaf's certificate followed by the CA, so clients see the whole chain. */
  cert: string;
  key: string;
  /** The temporary folder made for the CA when no `caDir` was given: removed when the emulator closes. */
  temporaryDir?: string;
  /**
   * Drops the "exit" handler that removes {@link temporaryDir} while the material is made (a process that ends
   * during key generation, a Ctrl-C, leaves no CA key behind): call it once the caller guards the folder itself.
   */
  releaseExitGuard?: () => void;
}

type Generate = typeof import("selfsigned").generate;

async function readIfPresent(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

/**
 * A CA found in `caDir` is trusted by whoever uses the emulator's environment, so the folder must be one that
 * nobody else could have written to: made here (mode 0700), or already this user's and closed to others.
 */
export async function ownCaDir(caDir: string): Promise<void> {
  await mkdir(caDir, { recursive: true, mode: 0o700 });
  const stat = await lstat(caDir);
  const uid = process.getuid?.();
  const problem = !stat.isDirectory()
    ? "is not a folder (a link to one is refused too)"
    : uid !== undefined && stat.uid !== uid
      ? `belongs to another user (uid ${stat.uid}), who could have planted a CA there`
      : (stat.mode & 0o077) !== 0
        ? `is open to other users (mode ${(stat.mode & 0o777).toString(8).padStart(3, "0")}), who could plant a CA there`
        : undefined;
  if (problem) {
    throw new Error(
      `--ca-dir ${caDir} ${problem}: the emulator reuses the CA it finds there. Use a folder of your own with ` +
        `mode 0700 (chmod 700), or a new path, which is made so`,
    );
  }
}

/** Makes (or reuses) the CA in `caDir` and issues a fresh 127.0.0.1 / localhost server certificate. */
export async function makeTlsMaterial(caDir?: string): Promise<TlsMaterial> {
  const { generate } = require("selfsigned") as { generate: Generate };
  // mkdtemp makes its folder 0700.
  const dir = caDir ?? (await mkdtemp(join(tmpdir(), "gallery-lookup-emulator-")));
  const guard = (): void => rmSync(dir, { recursive: true, force: true });
  if (caDir === undefined) process.once("exit", guard);
  if (caDir !== undefined) await ownCaDir(caDir);
  const caCertFile = join(dir, "ca.pem");
  const caKeyFile = join(dir, "ca-key.pem");
  let caCert = await readIfPresent(caCertFile);
  let caKey = await readIfPresent(caKeyFile);
  if (!caCert || !caKey) {
    const now = Date.now();
    const ca = await generate([{ name: "commonName", value: "gallery-lookup emulator local CA" }], {
      keyType: "ec",
      algorithm: "sha256",
      notBeforeDate: new Date(now - 60_000),
      notAfterDate: new Date(now + 365 * 86_400_000),
      extensions: [
        { name: "basicConstraints", cA: true, critical: true },
        { name: "keyUsage", keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
      ],
    });
    caCert = ca.cert;
    caKey = ca.private;
    await writeFile(caKeyFile, caKey, { mode: 0o600 });
    await writeFile(caCertFile, caCert);
  }
  const now = Date.now();
  const leaf = await generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    notBeforeDate: new Date(now - 60_000),
    notAfterDate: new Date(now + 30 * 86_400_000),
    ca: { key: caKey, cert: caCert },
    extensions: [
      { name: "basicConstraints", cA: false },
      { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
      { name: "extKeyUsage", serverAuth: true },
      {
        name: "subjectAltName",
        altNames: [
          { type: 7, ip: "127.0.0.1" },
          { type: 2, value: "localhost" },
        ],
      },
    ],
  });
  return {
    caCert,
    caCertFile,
    cert: `${leaf.cert.trim()}\n${caCert.trim()}\n`,
    key: leaf.private,
    ...(caDir === undefined
      ? { temporaryDir: dir, releaseExitGuard: () => void process.off("exit", guard) }
      : {}),
  };
}
