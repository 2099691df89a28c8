// STUB — the engine-harness task replaces this file.
export async function runPreviewCommand(_args: string[]): Promise<number> {
  process.stderr.write("gallery-lookup preview: not built yet\n");
  return 1;
}
