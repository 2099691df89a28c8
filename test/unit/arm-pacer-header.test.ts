import assert from "node:assert/strict";
import { Pacer } from "pulumi-azure-gallery-lookup/dist/arm/pacer";

const FULL = { "x-ms-ratelimit-remaining-subscription-reads": "249" };

describe("Pacer and ARM's remaining-reads header", () => {
  it("does not pace sequential lookups while ARM reports a full bucket", () => {
    const now = 0;
    const pacer = new Pacer({ now: () => now });
    const waits: number[] = [];
    for (let i = 0; i < 1000; i++) {
      waits.push(pacer.reserve("k"));
      pacer.observe("k", { status: 200, headers: FULL });
    }
    assert.ok(
      waits.every((w) => w === 0),
      `first wait at lookup ${waits.findIndex((w) => w > 0)}`,
    );
  });

  it("counts slots still in flight against what ARM reported", () => {
    const now = 0;
    const pacer = new Pacer({ now: () => now });
    for (let i = 0; i < 230; i++) pacer.reserve("k");
    // One answer says 249 left, but 229 booked slots will still be spent: 20 left, under the reserve.
    pacer.observe("k", { status: 200, headers: FULL });
    assert.ok(pacer.reserve("k") > 0);
  });
});
