// Certificate files for sign-in tests, made with the openssl CLI (a PFX is what users export with it).
import { execFileSync } from "node:child_process";
import * as path from "node:path";

/**
 * Writes `<name>.key.pem`, `<name>.crt.pem` and `<name>.pfx` into `dir`: a fresh self-signed RSA
 * certificate (unless `keyPem`/`certPem` are given) and a PFX protected by `password`, with AES
 * (openssl's default) or the legacy RC2/3DES encryption.
 */
export function writePfx(
  dir: string,
  name: string,
  password: string,
  options: { legacy?: boolean; keyPem?: string; certPem?: string } = {},
): { key: string; cert: string; pfx: string } {
  const key = options.keyPem ?? path.join(dir, `${name}.key.pem`);
  const cert = options.certPem ?? path.join(dir, `${name}.crt.pem`);
  const pfx = path.join(dir, `${name}.pfx`);
  if (options.keyPem === undefined) {
    const subject = `/CN=${name}`;
    const args = [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "1",
      "-subj",
      subject,
    ];
    execFileSync("openssl", args, { stdio: "ignore" });
  }
  const legacy = options.legacy ? ["-legacy"] : [];
  execFileSync(
    "openssl",
    ["pkcs12", "-export", ...legacy, "-inkey", key, "-in", cert, "-out", pfx, "-passout", "env:PFX_PASSWORD"],
    {
      stdio: "ignore",
      env: { ...process.env, PFX_PASSWORD: password },
    },
  );
  return { key, cert, pfx };
}
