// Child of the benchmark (target 6): registers 1, 100 and 1,000 GalleryLookups under Pulumi's mocks and
// reports the size of what the SDK sends to the engine for each. Also hands the orchestrator the two
// provider texts its host figures need (the lookup's and the no-I/O yardstick's), made the way the SDK
// makes them rather than written by hand.
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import { NoopResource } from "./noopProvider";
import { sendResult } from "./protocol";
import { registerUnderMocks as register } from "../test/support/registeredInputs";

export interface SerializedReport {
  sizes: { resources: number; maxProviderBytes: number; distinctTexts: number; ms: number }[];
  lookupProvider: string;
  noopProvider: string;
}

async function main(): Promise<void> {
  const sizes: SerializedReport["sizes"] = [];
  let lookupProvider = "";
  for (const count of [1, 100, 1000]) {
    const started = Date.now();
    const inputs = await register(
      (i) =>
        new GalleryLookup(`lookup-${count}-${i}`, {
          subscriptionId: "00000000-0000-0000-0000-000000000001",
          resourceGroupName: "rg",
          galleryName: `gallery${i}`,
        }),
      count,
    );
    const texts = inputs.map((input) => String(input.__provider));
    lookupProvider = texts[0];
    sizes.push({
      resources: inputs.length,
      maxProviderBytes: Math.max(...texts.map((t) => Buffer.byteLength(t))),
      distinctTexts: new Set(texts).size,
      ms: Date.now() - started,
    });
  }
  const noop = await register((i) => new NoopResource(`noop-${i}`, { value: "x" }), 1);
  sendResult({ sizes, lookupProvider, noopProvider: String(noop[0].__provider) } satisfies SerializedReport);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
