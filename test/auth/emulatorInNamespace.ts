// Run by test/auth/*.test.ts inside `unshare -rn` (loopback only): starts an emulator in the namespace,
// runs `node <script>` against it with the variables of LOOKUP_ENV (a JSON object; "{authorityHost}",
// "{armEndpoint}", "{tenantId}" and "{clientId}" in values become the emulator's), trusting its CA as a
// user's process would, and prints the child's outcome as JSON. Nothing started here outlives it.
import { execFile } from "node:child_process";
import { startEmulator } from "pulumi-azure-gallery-lookup/emulator";

async function main(): Promise<void> {
  const azure = await startEmulator({ throttle: false });
  const fill = (value: string) =>
    value
      .replaceAll("{authorityHost}", azure.authorityHost)
      .replaceAll("{armEndpoint}", azure.armEndpoint)
      .replaceAll("{tenantId}", azure.tenantId)
      .replaceAll("{clientId}", azure.clientId)
      .replaceAll("{clientSecret}", azure.clientSecret);
  const extra = Object.fromEntries(
    Object.entries(JSON.parse(process.env.LOOKUP_ENV ?? "{}") as Record<string, string>).map(([k, v]) => [
      k,
      fill(v),
    ]),
  );
  const outcome = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [process.argv[2] ?? ""],
      {
        timeout: 30_000,
        env: {
          PATH: process.env.PATH,
          NODE_EXTRA_CA_CERTS: azure.caCertFile,
          AZURE_RESOURCE_MANAGER_ENDPOINT: azure.armEndpoint,
          GALLERY_IDS: JSON.stringify(azure.galleries().slice(0, 1)),
          GALLERY_LOOKUP_MAX_RETRIES: "0",
          GALLERY_LOOKUP_DEADLINE_MS: "15000",
          ...extra,
        },
      },
      (error, stdout, stderr) =>
        resolve({
          code: error === null ? 0 : Number((error as { code?: number }).code ?? -1),
          stdout,
          stderr,
        }),
    );
  });
  await azure.close();
  process.stdout.write(JSON.stringify(outcome));
}

void main();
