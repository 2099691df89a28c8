import { ArmClient, type ArmClientOptions } from "#internal/arm/armClient";
import { Pacer } from "#internal/arm/pacer";

/** Where a suite's clients send their lookups: a local HTTPS server or the emulator, and its CA. */
export interface LocalEndpoint {
  url: string;
  ca: string | Buffer;
}

/** Options of every client of a suite; `env` is merged with each client's own. */
export type SuiteDefaults = Partial<ArmClientOptions> & { env?: Record<string, string> };

/** Makes a suite's clients; {@link LocalClients.closeAll} closes them all (the suite's `after`). */
export interface LocalClients {
  (env?: Record<string, string>, extra?: Partial<ArmClientOptions>): ArmClient;
  closeAll(): void;
}

/**
 * The ArmClient factory of a suite: each client talks to `endpoint()` trusting its CA, with a pacer of
 * its own (so that one test's 429 cannot slow the next) unless `defaults` or `extra` give one; then the
 * suite's `defaults()` (asked anew for each client), then the client's own `env` and `extra`.
 */
export function localClients(
  endpoint: () => LocalEndpoint,
  defaults: () => SuiteDefaults = () => ({}),
): LocalClients {
  const made: ArmClient[] = [];
  const make = (env: Record<string, string> = {}, extra: Partial<ArmClientOptions> = {}): ArmClient => {
    const { url, ca } = endpoint();
    const { env: suiteEnv, ...suiteOptions } = defaults();
    const client = new ArmClient({
      ca,
      pacer: new Pacer(),
      ...suiteOptions,
      ...extra,
      env: { AZURE_RESOURCE_MANAGER_ENDPOINT: url, ...suiteEnv, ...env },
    });
    made.push(client);
    return client;
  };
  return Object.assign(make, {
    closeAll() {
      for (const client of made.splice(0)) client.close();
    },
  });
}
