// `@azure/identity` reads PEM only, while azure-native (azidentity.ParseCertificates) also takes PKCS#12
// (.pfx). This turns a PFX into the PEM that ClientCertificateCredential takes, in memory only, with
// pkijs (pure JavaScript on Node's WebCrypto). Token protocol stays with `@azure/identity`.
import { CredentialError } from "../errors/CredentialError";

const SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2";
const KEY_BAG = "1.2.840.113549.1.12.10.1.1";
const CERT_BAG = "1.2.840.113549.1.12.10.1.3";

/** True when the file's bytes are PEM text rather than DER (PKCS#12 is DER). */
export function isPem(bytes: Buffer): boolean {
  return bytes.subarray(0, 4096).toString("latin1").includes("-----BEGIN");
}

function pem(label: string, der: ArrayBuffer): string {
  const lines =
    Buffer.from(der)
      .toString("base64")
      .match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}

/**
 * The private key (PKCS#8) and certificates of a PFX as one PEM string.
 * @param setting names the path setting in errors; the password never appears in them.
 * @throws CredentialError when the file is not a PFX, the password does not open it, or it uses the
 *   legacy RC2/3DES encryption that pkijs cannot read.
 */
export async function pfxToPem(
  bytes: Buffer,
  password: string | undefined,
  setting: string,
): Promise<string> {
  const pkijs = require("pkijs") as typeof import("pkijs");
  const pw = new TextEncoder().encode(password ?? "").buffer;
  let key: InstanceType<typeof pkijs.PrivateKeyInfo> | undefined;
  const certs: ArrayBuffer[] = [];
  try {
    const pfx = pkijs.PFX.fromBER(new Uint8Array(bytes).buffer);
    await pfx.parseInternalValues({ password: pw, checkIntegrity: true });
    const safe = pfx.parsedValue?.authenticatedSafe;
    if (safe === undefined) throw new Error("no authenticated safe");
    await safe.parseInternalValues({ safeContents: safe.safeContents.map(() => ({ password: pw })) });
    // pkijs types the parsed safe as `any`; this is its documented shape.
    const parsedSafe = safe.parsedValue as
      { safeContents: { value: { safeBags: { bagId: string; bagValue: unknown }[] } }[] } | undefined;
    for (const contents of parsedSafe?.safeContents ?? []) {
      for (const bag of contents.value.safeBags) {
        if (bag.bagId === SHROUDED_KEY_BAG) {
          // parseInternalValues is public in pkijs's JavaScript, only its typings call it protected.
          const shrouded = bag.bagValue as {
            parseInternalValues(p: { password: ArrayBuffer }): Promise<void>;
            parsedValue?: InstanceType<typeof pkijs.PrivateKeyInfo>;
          };
          await shrouded.parseInternalValues({ password: pw });
          key = shrouded.parsedValue;
        } else if (bag.bagId === KEY_BAG) {
          key = bag.bagValue as InstanceType<typeof pkijs.PrivateKeyInfo>;
        } else if (bag.bagId === CERT_BAG) {
          const parsed = (bag.bagValue as InstanceType<typeof pkijs.CertBag>).parsedValue as
            InstanceType<typeof pkijs.Certificate> | undefined;
          if (parsed !== undefined) certs.push(parsed.toSchema().toBER(false));
        }
      }
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    const legacy = /Unknown "contentEncryptionAlgorithm"|1\.2\.840\.113549\.1\.12\.1\./.test(text);
    throw new CredentialError(
      legacy
        ? `The PFX file in ${setting} uses the legacy RC2/3DES encryption, which cannot be read here: ` +
            "re-export it with AES (openssl pkcs12 -export ... without -legacy) or convert it to PEM " +
            "(openssl pkcs12 -in cert.pfx -out cert.pem -nodes -legacy)."
        : `The file in ${setting} is neither PEM nor a PFX that the certificate password opens ` +
            "(check ARM_CLIENT_CERTIFICATE_PASSWORD / azure-native:clientCertificatePassword).",
      "ClientCertificateCredential",
    );
  }
  if (key === undefined || certs.length === 0) {
    throw new CredentialError(
      `The PFX file in ${setting} holds ${key === undefined ? "no private key" : "no certificate"}: it needs both.`,
      "ClientCertificateCredential",
    );
  }
  return pem("PRIVATE KEY", key.toSchema().toBER(false)) + certs.map((c) => pem("CERTIFICATE", c)).join("");
}
