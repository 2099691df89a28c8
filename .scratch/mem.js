const { fork } = require("child_process");
if (process.argv[2] === "child") {
  (async () => {
    const { getGallery } = require("pulumi-azure-gallery-lookup");
    const ref = { subscriptionId: process.env.AZURE_SUBSCRIPTION_ID, resourceGroupName: "myResourceGroup", galleryName: "myManagedIdentityGallery" };
    const m = () => { gc(); gc(); const u = process.memoryUsage(); return Object.fromEntries(Object.entries(u).map(([k, v]) => [k, Math.round(v / 1e5) / 10])); };
    for (let i = 0; i < 1000; i++) await getGallery(ref);
    await new Promise(r => setTimeout(r, 1000));
    console.log("before", JSON.stringify(m()));
    let n = 0;
    await Promise.all(Array.from({ length: 20 }, async () => { while (n++ < 10000) await getGallery(ref); }));
    await new Promise(r => setTimeout(r, 1000));
    console.log("after ", JSON.stringify(m()));
    const s = require("v8").getHeapSpaceStatistics().map(x => [x.space_name, Math.round(x.space_size / 1e5) / 10]);
    console.log(JSON.stringify(s));
    process.exit(0);
  })();
} else {
  (async () => {
    const { startEmulator } = require("pulumi-azure-gallery-lookup/dist/emulator/index");
    const e = await startEmulator({ throttle: false });
    const c = fork(__filename, ["child"], { env: { ...process.env, ...e.environment() }, execArgv: ["--expose-gc"] });
    c.on("exit", () => e.close());
  })();
}
