// Figure 1d: why axiosHttpClient.ts calls axios's `http` adapter rather than its public request path
// (issue 27 asked for the public path unless a test or a figure shows why not). Both send the same GET,
// over the same keep-alive agent, with the same config, to a local HTTPS server, in interleaved rounds;
// the figure is the public path's ms per GET against the adapter's (median of the per-round ratios).
import * as https from "node:https";
import * as path from "node:path";
import type { Readable } from "node:stream";
import type { AxiosResponse, AxiosStatic } from "axios";
import { AXIOS_CONFIG } from "#internal/arm/axiosHttpClient";
import { startHttpsServer } from "../test/support/httpsServer";
import { figure, writeResults, type Figure } from "./figure";
import { median, msSince, round3 } from "./stats";

const RESULTS_FILE = path.join(__dirname, "..", "..", "bench", "axios-results.json");
const PLAN = { warmUp: 500, rounds: 20, perRound: 200 };
/** Below this, the public path would cost too little to keep a hand-merged config for. */
const KEEP_ADAPTER_ABOVE = 1.05;

export async function axiosPathFigures(log: (line: string) => void): Promise<Figure[]> {
  const axios = require("axios") as AxiosStatic;
  // A gallery's size (the seed's largest is ~1.5 KiB).
  const body = JSON.stringify({
    id: "x",
    properties: { identifier: { uniqueName: "u" } },
    pad: "x".repeat(1500),
  });
  const server = await startHttpsServer((_q, res) => {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets: 64, ca: server.ca });
  const instance = axios.create({ httpsAgent, ...AXIOS_CONFIG });
  const { headers: _perMethod, ...merged } = instance.defaults;
  const adapter = axios.getAdapter("http") as unknown as (config: object) => Promise<AxiosResponse<Readable>>;
  const url = `${server.url}/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g`;
  const headers = {
    Accept: "application/json",
    authorization: "Bearer token",
    "user-agent": "pulumi-azure-gallery-lookup",
    "x-ms-client-request-id": "1",
  };
  const read = async (pending: Promise<AxiosResponse<Readable>>): Promise<void> => {
    const response = await pending;
    for await (const _chunk of response.data);
  };
  const variants = {
    adapter: () =>
      read(
        adapter({
          ...merged,
          method: "get",
          url,
          signal: new AbortController().signal,
          headers: new axios.AxiosHeaders(headers),
        }),
      ),
    public: () => read(instance.get(url, { signal: new AbortController().signal, headers })),
  };
  const times = async (send: () => Promise<void>, count: number): Promise<number> => {
    const start = process.hrtime.bigint();
    for (let i = 0; i < count; i++) await send();
    return msSince(start) / count;
  };
  const rounds = { adapter: [] as number[], public: [] as number[] };
  try {
    log(`axios paths: ${PLAN.rounds} interleaved rounds of ${PLAN.perRound} GETs each`);
    await times(variants.adapter, PLAN.warmUp);
    await times(variants.public, PLAN.warmUp);
    for (let round = 0; round < PLAN.rounds; round++) {
      rounds.adapter.push(await times(variants.adapter, PLAN.perRound));
      rounds.public.push(await times(variants.public, PLAN.perRound));
    }
  } finally {
    httpsAgent.destroy();
    await server.close();
  }
  const ratios = rounds.public.map((ms, i) => ms / rounds.adapter[i]);
  const ratio = median(ratios);
  const figures: Figure[] = [
    {
      ...figure(
        "1d",
        "axios public path (instance.get), ms per GET (loopback)",
        median(rounds.public),
        "ms",
        "axios http adapter, as axiosHttpClient.ts calls it",
        median(rounds.adapter),
        `> ${KEEP_ADAPTER_ABOVE}x keeps the adapter (median of rounds)`,
        ratio > KEEP_ADAPTER_ABOVE,
      ),
      ratio: round3(ratio),
      spread: `rounds ${round3(Math.min(...ratios))}–${round3(Math.max(...ratios))}x`,
    },
  ];
  writeResults(RESULTS_FILE, figures, { plan: PLAN, rounds });
  return figures;
}
