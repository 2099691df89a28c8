import { ArmClient, type ArmClientOptions } from "#internal/arm/armClient";
import { Pacer } from "#internal/arm/pacer";
import type { EmulatorHandle } from "#internal/emulator/index";

/** Where a test's clients send their lookups: a local HTTPS server or the emulator, and its CA. */
export interface LocalEndpoint {
  url: string;
  ca: string | Buffer;
}

/** The emulator's ARM endpoint and CA. */
export function emulatorEndpoint(emulator: Pick<EmulatorHandle, "armEndpoint" | "caCert">): LocalEndpoint {
  return { url: emulator.armEndpoint, ca: emulator.caCert };
}

/** Options of a test's client; `env` is merged over the endpoint's `AZURE_RESOURCE_MANAGER_ENDPOINT`. */
export type LocalClientOptions = Partial<ArmClientOptions> & { env?: NodeJS.ProcessEnv };

/**
 * The one way tests make an ArmClient for a local server or the emulator: it talks to `endpoint`
 * trusting its CA, with a pacer of its own (so that one test's 429 cannot slow the next) unless
 * `options` give one, then `options` (their `env` merged over the endpoint's). A test whose subject is
 * the constructor itself (its validation, its defaults from `process.env`) calls `new ArmClient`.
 */
export function localClient(endpoint: LocalEndpoint, options: LocalClientOptions = {}): ArmClient {
  const { env, ...rest } = options;
  return new ArmClient({
    ca: endpoint.ca,
    pacer: new Pacer(),
    ...rest,
    env: { AZURE_RESOURCE_MANAGER_ENDPOINT: endpoint.url, ...env },
  });
}

/** Options of every client of a suite; `env` is merged with each client's own. */
export type SuiteDefaults = Partial<ArmClientOptions> & { env?: Record<string, string> };

/** Makes a suite's clients; {@link LocalClients.closeAll} closes them all (the suite's `after`). */
export interface LocalClients {
  (env?: Record<string, string>, extra?: Partial<ArmClientOptions>): ArmClient;
  closeAll(): void;
}

/**
 * {@link localClient} for a suite: each client talks to `endpoint()`, with the suite's `defaults()`
 * (asked anew for each client), then the client's own `env` and `extra`.
 */
export function localClients(
  endpoint: () => LocalEndpoint,
  defaults: () => SuiteDefaults = () => ({}),
): LocalClients {
  const made: ArmClient[] = [];
  const make = (env: Record<string, string> = {}, extra: Partial<ArmClientOptions> = {}): ArmClient => {
    const { env: suiteEnv, ...suiteOptions } = defaults();
    const client = localClient(endpoint(), { ...suiteOptions, ...extra, env: { ...suiteEnv, ...env } });
    made.push(client);
    return client;
  };
  return Object.assign(make, {
    closeAll() {
      for (const client of made.splice(0)) client.close();
    },
  });
}
