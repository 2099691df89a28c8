// Azurite, Microsoft's Azure Storage emulator (the `azurite` devDependency, 3.33.0: the last release
// without the Application Insights telemetry client), serving Blob Storage on 127.0.0.1 from a temporary
// folder, in its own process group, for the real Pulumi CLI's azblob:// backend.
import { spawn, type ChildProcess } from "node:child_process";
import { createHmac } from "node:crypto";
import * as fs from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { REPO_ROOT } from "./engineInstall";

/** Azurite's default account and its well-known key (published in Azurite's README; not a secret). */
export const AZURITE_ACCOUNT = "devstoreaccount1";
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface Azurite {
  /** `127.0.0.1:PORT`: what gocloud's azureblob `domain=` takes. */
  host: string;
  /** Creates a container (Blob - Create Container, signed with the account key); Pulumi does not. */
  createContainer(name: string): Promise<void>;
  /** The blob names in a container (List Blobs). */
  listBlobs(container: string): Promise<string[]>;
  close(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** One Blob REST request, signed with Shared Key (the account key): enough for the test's own set-up. */
function blobRequest(
  host: string,
  method: string,
  pathAndQuery: string,
): Promise<{ status: number; body: string }> {
  const url = new URL(`http://${host}/${AZURITE_ACCOUNT}${pathAndQuery}`);
  const headers: Record<string, string> = {
    "x-ms-date": new Date().toUTCString(),
    "x-ms-version": "2021-08-06",
  };
  const query = [...url.searchParams.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `\n${k.toLowerCase()}:${v}`)
    .join("");
  const canonicalHeaders = Object.keys(headers)
    .sort()
    .map((k) => `${k}:${headers[k]}\n`)
    .join("");
  const toSign = `${method}\n\n\n\n\n\n\n\n\n\n\n\n${canonicalHeaders}/${AZURITE_ACCOUNT}${url.pathname}${query}`;
  const signature = createHmac("sha256", Buffer.from(AZURITE_KEY, "base64"))
    .update(toSign, "utf8")
    .digest("base64");
  headers.Authorization = `SharedKey ${AZURITE_ACCOUNT}:${signature}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, "Content-Length": "0" } }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (c: string) => (body += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

/** Starts Azurite's Blob service on a free port of 127.0.0.1, storing in a new temporary folder. */
export async function startAzurite(): Promise<Azurite> {
  const location = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-azurite-"));
  const port = await freePort();
  const main = path.join(REPO_ROOT, "node_modules", "azurite", "dist", "src", "blob", "main.js");
  const child: ChildProcess = spawn(
    process.execPath,
    [
      main,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--location",
      location,
      "--skipApiVersionCheck", // the Go SDK in Pulumi speaks a newer x-ms-version than this Azurite knows
      "--loose",
      "--disableProductStyleUrl",
    ],
    { stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const closed = new Promise((r) => child.once("close", r));
      try {
        process.kill(-child.pid!, "SIGKILL");
      } catch {
        // gone
      }
      await closed;
    }
    fs.rmSync(location, { recursive: true, force: true });
  };
  let output = "";
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`Azurite did not start in 30 s:\n${output}`)), 30_000);
      const seen = (chunk: Buffer) => {
        output += chunk.toString();
        if (/successfully listens/i.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout!.on("data", seen);
      child.stderr!.on("data", seen);
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`Azurite exited ${code}:\n${output}`));
      });
    });
  } catch (error) {
    await stop();
    throw error;
  }
  child.stdout!.resume();
  child.stderr!.resume();
  const host = `127.0.0.1:${port}`;
  return {
    host,
    async createContainer(name) {
      const res = await blobRequest(host, "PUT", `/${name}?restype=container`);
      if (res.status !== 201) throw new Error(`Create Container ${name}: HTTP ${res.status} ${res.body}`);
    },
    async listBlobs(container) {
      const res = await blobRequest(host, "GET", `/${container}?comp=list&restype=container`);
      if (res.status !== 200) throw new Error(`List Blobs ${container}: HTTP ${res.status} ${res.body}`);
      return [...res.body.matchAll(/<Name>([^<]*)<\/Name>/g)].map((m) => m[1]);
    },
    close: stop,
  };
}
