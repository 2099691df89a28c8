// STUB — the emulator task replaces this file.
export async function runEmulatorCommand(_args: string[]): Promise<number> {
  process.stderr.write("gallery-lookup emulator: not built yet\n");
  return 1;
}
