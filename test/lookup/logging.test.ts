import { strict as assert } from "node:assert";
import { format } from "node:util";
import { AzureLogger, getLogLevel, setLogLevel, type AzureLogLevel } from "@azure/logger";
import { getGallery } from "pulumi-azure-gallery-lookup";
import { startEmulator, type EmulatorHandle } from "pulumi-azure-gallery-lookup/emulator";
import { FakeCredential } from "../support/fakeCredential";
import { localClients } from "../support/localClients";
import { useFakeTime } from "../support/fakeTime";
import { CANARY } from "../support/canaries";

// Users debugging a pipeline set AZURE_LOG_LEVEL (or DEBUG=azure:gallery-lookup:*) and expect to see
// what the Azure SDK shows: retries, waits and token acquisitions, on stderr, without any secret.
describe("logging through @azure/logger", () => {
  let azure: EmulatorHandle;
  let lines: string[];
  const savedLog = AzureLogger.log;
  let savedLevel: AzureLogLevel | undefined;

  before(async () => {
    azure = await startEmulator({
      throttle: false,
      tokenPrefix: CANARY.tokenPrefix,
      clientSecret: CANARY.clientSecret,
    });
    savedLevel = getLogLevel();
    setLogLevel("verbose");
    AzureLogger.log = (...args: unknown[]) => lines.push(format(...args));
  });
  after(async () => {
    client.closeAll();
    AzureLogger.log = savedLog;
    setLogLevel(savedLevel);
    await azure.close();
  });
  beforeEach(() => (lines = []));
  // Backoffs are 0 ms (no jitter) and any other wait passes at once.
  useFakeTime(() => ({ random: 0 }));

  const client = localClients(
    () => ({ url: azure.armEndpoint, ca: azure.caCert }),
    () => ({ credential: new FakeCredential({ emulator: azure }) }),
  );
  const ref = () => ({
    subscriptionId: azure.subscriptionId,
    resourceGroupName: azure.resourceGroupName,
    galleryName: "myGalleryName",
  });

  it("shows the token acquisition, each retry with its cause and wait, and the outcome", async () => {
    azure.injectFault({ status: 503, times: 2 });
    await getGallery(ref(), { client: client() });
    const log = lines.join("\n");
    assert.match(log, /azure:gallery-lookup:info token: requesting an ARM token \(none cached\)/);
    assert.match(log, /token: obtained, valid for \d+ s/);
    assert.match(
      log,
      /azure:gallery-lookup:warning GET \/subscriptions\/.*\/myGalleryName: HTTP 503; retry 1 of \d+ in \d+ ms/,
    );
    assert.match(log, /HTTP 503; retry 2 of/);
    assert.match(log, /azure:gallery-lookup:verbose GET .*: HTTP 200 after 3 attempt\(s\)/);
  });

  it("shows a refused token and the renewal past every cache, never the token or the secret", async () => {
    const armClient = client();
    await getGallery(ref(), { client: armClient });
    azure.revokeTokens();
    lines = [];
    await getGallery(ref(), { client: armClient });
    const log = lines.join("\n");
    assert.match(log, /ARM refused the token \(HTTP 401\); requesting a new one past every token cache/);
    assert.match(log, /token: requesting an ARM token \(past every cache, after ARM refused the last one\)/);
    assert.ok(!log.includes(CANARY.tokenPrefix), "a token reached the log");
    assert.ok(!log.includes(CANARY.clientSecret), "the client secret reached the log");
  });

  it("shows nothing at the default level", async () => {
    setLogLevel(undefined);
    try {
      azure.injectFault({ status: 503 });
      await getGallery(ref(), { client: client() });
      assert.deepEqual(lines, []);
    } finally {
      setLogLevel("verbose");
    }
  });
});
