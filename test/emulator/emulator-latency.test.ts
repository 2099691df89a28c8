import assert from "node:assert/strict";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { destroyAgent, send } from "../fixtures/emulatorClient";

describe("emulator: service latency", () => {
  let azure: EmulatorHandle;
  before(async () => (azure = await startEmulator({ latencyMs: 1500 })));
  after(async () => {
    destroyAgent(azure);
    await azure.close();
  });

  const path = () =>
    `/subscriptions/${azure.subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/myGallery?api-version=2025-03-03`;

  /** Milliseconds one ARM answer takes. */
  const timed = async () => {
    const started = Date.now();
    const answer = await send(azure, "GET", path());
    return { ms: Date.now() - started, status: answer.status };
  };

  it("delays every ARM answer by at least latencyMs, and setLatency changes it, to 0 and then to 250", async () => {
    const first = await timed();
    assert.ok(first.ms >= 1495, `answered after ${first.ms} ms`);
    assert.equal(first.status, 401, "the answer itself is unchanged (no token: 401)");
    // 0 is observed on its own: the answer no longer waits the 1.5 s set at start (a bound a loopback GET
    // keeps even on a loaded machine).
    azure.setLatency(0);
    const none = await timed();
    assert.ok(none.ms < 1000, `with latency 0, answered after ${none.ms} ms`);
    assert.equal(none.status, 401);
    azure.setLatency(250);
    const slow = await timed();
    assert.ok(slow.ms >= 245, `answered after ${slow.ms} ms`);
  });

  it("a hold answers nothing until its count of ARM requests has arrived, then all at once; set and lifted over the control API", async () => {
    azure.setLatency(0);
    const answered: number[] = [];
    const hold = await send(azure, "POST", "/_emulator/hold", { body: JSON.stringify({ count: 3 }) });
    assert.equal(hold.status, 200);
    const first = [send(azure, "GET", path()), send(azure, "GET", path())].map((p, i) =>
      p.then((a) => (answered.push(i), a)),
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.deepEqual(answered, [], "two of three arrived: nothing answered");
    const third = await send(azure, "GET", path());
    assert.equal(third.status, 401);
    assert.deepEqual(
      (await Promise.all(first)).map((a) => a.status),
      [401, 401],
    );
    // Later requests are not held; a new hold can be lifted before it fills.
    assert.equal((await send(azure, "GET", path())).status, 401);
    assert.equal(
      (await send(azure, "POST", "/_emulator/hold", { body: JSON.stringify({ count: 5 }) })).status,
      200,
    );
    const held = send(azure, "GET", path());
    assert.equal((await send(azure, "DELETE", "/_emulator/hold")).status, 200);
    assert.equal((await held).status, 401);
    assert.equal(
      (await send(azure, "POST", "/_emulator/hold", { body: JSON.stringify({ count: 0 }) })).status,
      400,
    );
  });
});
