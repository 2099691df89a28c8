import assert from "node:assert/strict";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { destroyAgent, send } from "../fixtures/emulatorClient";

describe("emulator: service latency", () => {
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ latencyMs: 120 })));
  after(async () => {
    destroyAgent(azure);
    await azure.close();
  });

  const path = () =>
    `/subscriptions/${azure.subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGallery?api-version=2025-03-03`;

  it("delays every ARM answer by at least latencyMs, and setLatency changes it", async () => {
    let started = Date.now();
    const first = await send(azure, "GET", path());
    assert.ok(Date.now() - started >= 115, `answered after ${Date.now() - started} ms`);
    assert.equal(first.status, 401, "the answer itself is unchanged (no token: 401)");
    azure.setLatency(0);
    azure.setLatency(250);
    started = Date.now();
    await send(azure, "GET", path());
    assert.ok(Date.now() - started >= 245, `answered after ${Date.now() - started} ms`);
  });
});
