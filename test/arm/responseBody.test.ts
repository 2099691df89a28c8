import { createHttpHeaders } from "@azure/core-rest-pipeline";
import assert from "node:assert/strict";
import { parseCloudError, parseGalleryBody } from "#internal/arm/responseBody";
import { InvalidResponseError } from "#internal/errors/index";

const ref = {
  subscriptionId: "11111111-2222-3333-4444-555555555555",
  resourceGroupName: "rg-img",
  galleryName: "galA",
};
const answer = (status: number, body: string) => ({
  status,
  headers: createHttpHeaders({
    "x-ms-request-id": "req-123",
    "content-type": "application/json; charset=utf-8",
  }),
  bodyAsText: body,
});

describe("responseBody: ARM's bodies, read without trusting them", () => {
  it("parses CloudError bodies and rejects others", () => {
    assert.deepEqual(parseCloudError('{"error":{"code":"X","message":"m","target":"t","details":[]}}'), {
      code: "X",
      message: "m",
    });
    assert.equal(parseCloudError("<html>"), undefined);
    assert.equal(parseCloudError('{"code":"X"}'), undefined);
  });

  it("parses a 200 Gallery and refuses HTML, truncated JSON and non-objects", () => {
    const id =
      "/subscriptions/11111111-2222-3333-4444-555555555555/resourceGroups/rg-img/providers/Microsoft.Compute/galleries/galA";
    assert.deepEqual(parseGalleryBody(ref, answer(200, JSON.stringify({ id, name: "galA" }))), {
      id,
      name: "galA",
    });
    // ARM compares ids without regard to case.
    const upper = JSON.stringify({ id: id.toUpperCase() });
    assert.deepEqual(parseGalleryBody(ref, answer(200, upper)), { id: id.toUpperCase() });
    for (const body of ["<html>login</html>", '{"name":"ga', "[]", "null", ""]) {
      assert.throws(() => parseGalleryBody(ref, answer(200, body)), InvalidResponseError);
    }
  });
});
