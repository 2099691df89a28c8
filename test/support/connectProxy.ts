/**
 * A logging forward proxy on 127.0.0.1 for tests: it tunnels CONNECT requests (to 127.0.0.1 only) and
 * records every target it was asked for, and it records every plain request it receives (the way a
 * proxy sees a request that is not tunnelled: method, URL and headers in the clear) and answers it 502
 * without forwarding it. What a test reads from it is everything a real proxy could have seen, so "the
 * proxy saw no token" is checked against its raw bytes, not against a summary.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type AddressInfo, type Socket } from "node:net";

/** One CONNECT the proxy was asked for. */
export interface ProxyConnect {
  /** `host:port` from the request line. */
  target: string;
  /** Request headers as received (names lower-case): a proxy sees these. */
  headers: IncomingMessage["headers"];
  /** The status the proxy answered: 200 when it tunnelled. */
  status: number;
}

/** One request sent to the proxy in the clear (not tunnelled). */
export interface ProxyPlainRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
}

export interface ConnectProxyOptions {
  /** Answer CONNECT with 407 unless `Proxy-Authorization` carries these (Basic). */
  auth?: { username: string; password: string };
}

export interface ConnectProxy {
  /** `http://127.0.0.1:PORT`, for `HTTPS_PROXY`. */
  url: string;
  port: number;
  connects: ProxyConnect[];
  plainRequests: ProxyPlainRequest[];
  /** Every byte the proxy saw from clients, including tunnelled ones (TLS ciphertext there), as latin1. */
  seenText(): string;
  /** Forgets what was recorded. */
  clear(): void;
  close(): Promise<void>;
}

/** Starts the proxy on an ephemeral port of 127.0.0.1. */
export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const connects: ProxyConnect[] = [];
  const plainRequests: ProxyPlainRequest[] = [];
  const seen: Buffer[] = [];
  const sockets = new Set<Socket>();
  const expectedAuth = options.auth
    ? `Basic ${Buffer.from(`${options.auth.username}:${options.auth.password}`).toString("base64")}`
    : undefined;

  const server: Server = createServer((req, res) => {
    plainRequests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers });
    seen.push(Buffer.from(`${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n`, "latin1"));
    req.resume();
    res.writeHead(502, { "content-type": "text/plain" });
    res.end("This test proxy only tunnels (CONNECT).");
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  server.on("connect", (req: IncomingMessage, client: Socket, head: Buffer) => {
    const target = req.url ?? "";
    seen.push(Buffer.from(`CONNECT ${target}\n${JSON.stringify(req.headers)}\n`, "latin1"), head);
    const entry: ProxyConnect = { target, headers: req.headers, status: 200 };
    connects.push(entry);
    const refuse = (status: number, reason: string): void => {
      entry.status = status;
      client.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (expectedAuth !== undefined && req.headers["proxy-authorization"] !== expectedAuth) {
      refuse(407, "Proxy Authentication Required");
      return;
    }
    const match = /^(127\.0\.0\.1|localhost):(\d{1,5})$/.exec(target);
    if (!match) {
      // Tests never reach past loopback, even by mistake.
      refuse(403, "Forbidden");
      return;
    }
    let tunnelled = false;
    const upstream = connect(Number(match[2]), "127.0.0.1", () => {
      tunnelled = true;
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      client.on("data", (chunk: Buffer) => seen.push(chunk));
      client.pipe(upstream);
      upstream.pipe(client);
    });
    sockets.add(upstream);
    upstream.on("close", () => sockets.delete(upstream));
    const drop = (): void => {
      client.destroy();
      upstream.destroy();
    };
    upstream.on("error", () => {
      if (!tunnelled && !client.writableEnded) refuse(502, "Bad Gateway");
      drop();
    });
    client.on("error", drop);
    client.on("close", () => upstream.destroy());
  });
  server.on("clientError", (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connects,
    plainRequests,
    seenText: () => Buffer.concat(seen).toString("latin1"),
    clear() {
      connects.length = 0;
      plainRequests.length = 0;
      seen.length = 0;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
