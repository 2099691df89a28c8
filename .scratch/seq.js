const { fork } = require("child_process");
if (process.argv[2] === "child") {
  (async () => {
    const env = process.env;
    const { getGallery } = require("pulumi-azure-gallery-lookup");
    const { ComputeManagementClient } = require("@azure/arm-compute");
    const { ClientSecretCredential } = require("@azure/identity");
    const ref = { subscriptionId: env.AZURE_SUBSCRIPTION_ID, resourceGroupName: "myResourceGroup", galleryName: "myManagedIdentityGallery" };
    const cred = new ClientSecretCredential(env.AZURE_TENANT_ID, env.AZURE_CLIENT_ID, env.AZURE_CLIENT_SECRET, { authorityHost: env.AZURE_AUTHORITY_HOST, disableInstanceDiscovery: true });
    const compute = new ComputeManagementClient(cred, ref.subscriptionId, { endpoint: env.AZURE_RESOURCE_MANAGER_ENDPOINT });
    const ours = () => getGallery(ref), official = () => compute.galleries.get(ref.resourceGroupName, ref.galleryName);
    const times = async (f, n) => { const t = process.hrtime.bigint(); for (let i = 0; i < n; i++) await f(); return Number(process.hrtime.bigint() - t) / 1e6 / n; };
    await times(ours, 300); await times(official, 300);
    const r = [];
    for (let i = 0; i < 12; i++) { const a = await times(ours, 100); const b = await times(official, 100); r.push(a / b); }
    r.sort((a, b) => a - b);
    console.log(process.env.LABEL || "", "ratio median", r[6].toFixed(3), "range", r[0].toFixed(3), r[11].toFixed(3));
    process.exit(0);
  })();
} else {
  (async () => {
    const { startEmulator } = require("pulumi-azure-gallery-lookup/dist/emulator/index");
    const e = await startEmulator({ throttle: false });
    const c = fork(__filename, ["child"], { env: { ...process.env, ...e.environment() } });
    c.on("exit", () => e.close());
  })();
}
