// Files that sign-in settings name (a client certificate, an OIDC token file) are read here, checked
// first: a FIFO or a device such as /dev/zero would otherwise stall the lookup until its deadline, blame
// the token endpoint, and leave a read pending that keeps the process alive.
import { constants, promises as fs } from "node:fs";

/** The largest credential file read: 1 MiB, far above any certificate, PFX or OIDC token. */
export const MAX_CREDENTIAL_FILE_BYTES = 1024 * 1024;

/**
 * The bytes of a credential file, or why it cannot be one (never its path or content). Opened without
 * blocking (a FIFO with no writer would block the open itself), then checked on the open descriptor, so
 * that a file swapped after a check is not read either.
 */
export async function readCredentialFile(path: string): Promise<Buffer | { reason: string }> {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { reason: `could not be read (${typeof code === "string" ? code : "error"})` };
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) return { reason: `is not a regular file (it is ${kindOf(stat)})` };
    const tooLarge = {
      reason: `is larger than ${MAX_CREDENTIAL_FILE_BYTES} bytes (1 MiB), more than any certificate or token file`,
    };
    if (stat.size > MAX_CREDENTIAL_FILE_BYTES) return tooLarge;
    // Read to the end but never past the cap: the file may grow while it is read.
    const buffer = Buffer.alloc(MAX_CREDENTIAL_FILE_BYTES + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length > MAX_CREDENTIAL_FILE_BYTES) return tooLarge;
    }
    return buffer.subarray(0, length);
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return { reason: `could not be read (${typeof code === "string" ? code : "error"})` };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function kindOf(stat: import("node:fs").Stats): string {
  if (stat.isDirectory()) return "a directory";
  if (stat.isFIFO()) return "a FIFO";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  if (stat.isSocket()) return "a socket";
  return "not a file";
}
