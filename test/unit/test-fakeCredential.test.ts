import { strict as assert } from "node:assert";
import { CANARY } from "../support/canaries";
import { FakeCredential } from "../support/fakeCredential";

// The one fake credential must stay as hard to please as a real one, or the code it stands in front
// of could ask for tokens wrongly and still pass.
describe("test support: the fake credential", () => {
  const ARM = "https://management.azure.com/.default";

  it("issues a new canary token at each call and counts the calls", async () => {
    const credential = new FakeCredential();
    const first = await credential.getToken(ARM);
    const second = await credential.getToken([ARM]);
    assert.notEqual(first.token, second.token);
    assert.ok(first.token.startsWith(CANARY.tokenPrefix) && second.token.startsWith(CANARY.tokenPrefix));
    assert.equal(credential.calls, 2);
    assert.deepEqual(credential.issued, [first.token, second.token]);
  });

  it("with cache: the same token while it has over five minutes left, a new one after", async () => {
    const long = new FakeCredential({ cache: true });
    assert.equal((await long.getToken(ARM)).token, (await long.getToken(ARM)).token);
    const short = new FakeCredential({ cache: true, lifetimeMs: 60_000 });
    assert.notEqual((await short.getToken(ARM)).token, (await short.getToken(ARM)).token);
  });

  it("refuses bad scopes, an aborted signal, the calls it is told to fail, and any call when never asked", async () => {
    const credential = new FakeCredential({
      fail: (call) => (call === 4 ? new Error("refused 4") : undefined),
    });
    await assert.rejects(credential.getToken([]), /scopes must be/);
    await assert.rejects(credential.getToken("https://management.azure.com"), /scopes must be/);
    await assert.rejects(credential.getToken(ARM, { abortSignal: AbortSignal.abort() }), {
      name: "AbortError",
    });
    await assert.rejects(credential.getToken(ARM), /refused 4/);
    await credential.getToken(ARM);
    await assert.rejects(new FakeCredential({ fail: "never ask" }).getToken(ARM), /must not ask for a token/);
  });
});
