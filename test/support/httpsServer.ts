import { createServer, type Server } from "node:https";
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** What the server saw of one request (headers lower-case). */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

export type Handler = (req: IncomingMessage, res: ServerResponse, index: number) => void;

/** A TLS server on 127.0.0.1 with a fresh self-signed certificate (IP SAN 127.0.0.1). */
export interface TestHttpsServer {
  /** `https://127.0.0.1:PORT` */
  url: string;
  /** PEM of the self-signed certificate: pass as `ca`. */
  ca: string;
  requests: RecordedRequest[];
  /** Replaces the handler and clears {@link requests}. */
  reset(handler: Handler): void;
  close(): Promise<void>;
}

/** Starts the server. Every request is recorded, then given to the current handler. */
export async function startHttpsServer(handler: Handler = (_q, res) => res.end()): Promise<TestHttpsServer> {
  const selfsigned = require("selfsigned") as typeof import("selfsigned");
  const pems = await selfsigned.generate([{ name: "commonName", value: "127.0.0.1" }], {
    keyType: "ec",
    algorithm: "sha256",
    extensions: [
      { name: "basicConstraints", cA: true },
      { name: "subjectAltName", altNames: [{ type: 7, ip: "127.0.0.1" }] },
    ],
  });
  let current = handler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    current(req, res, requests.length - 1);
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  // Handshake failures (a client that does not trust the cert) are expected in tests.
  server.on("tlsClientError", () => undefined);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `https://127.0.0.1:${port}`,
    ca: pems.cert,
    requests,
    reset(next) {
      current = next;
      requests.length = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Answers with a JSON body, as ARM does (`application/json; charset=utf-8`), plus `headers`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: OutgoingHttpHeaders = {},
): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", ...headers });
  res.end(JSON.stringify(body));
}
