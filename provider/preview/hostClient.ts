/* eslint-disable @typescript-eslint/no-explicit-any -- the generated gRPC messages are untyped (see proto.ts) */
// A client of Pulumi's Node.js dynamic provider host (`@pulumi/pulumi/cmd/dynamic-provider`), the very process
// the Pulumi engine starts for `pulumi-nodejs:dynamic:Resource`. Driving it over gRPC exercises the provider
// exactly as deployed: deserialized from the `__provider` input, its `require()`s resolved from the host's cwd.
// It speaks what the embedded engine asks (localEngine.ts): Configure, Check, Diff, and Create for an `up` of a
// new stack. Update, Read and Delete are only ever asked by the Pulumi CLI's engine, which starts its own host.
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import {
  fromStruct,
  loadProtos,
  resolvePulumiSdkDir,
  toStruct,
  type PropertyMap,
  type PulumiProtos,
} from "./proto";
import { endProcessGroup } from "../process/processGroup";

/** Options of {@link startProviderHost}. */
export interface ProviderHostOptions {
  /** Working directory of the host: a folder from which `pulumi-azure-gallery-lookup` resolves. */
  cwd: string;
  /** Full environment of the host (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** The @pulumi/pulumi package folder whose host to run (default: the one `cwd` resolves). */
  sdkDir?: string;
  /** Engine address passed as the host's argument (the host requires one; it does not call it). */
  engineAddress?: string;
  /** Milliseconds to wait for the port (default 20000). */
  startTimeoutMs?: number;
  /**
   * Ends the host (its whole group) when aborted, from the moment it is spawned: a command stopped while the
   * host starts leaves nothing behind. Already aborted: nothing is spawned.
   */
  signal?: AbortSignal;
}

/** The answer of Check. */
export interface CheckResult {
  inputs: PropertyMap;
  failures: { property: string; reason: string }[];
}

/** `DiffResponse.DiffChanges` as words. */
export type DiffChanges = "unknown" | "none" | "some";

/** The answer of Diff. */
export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
}

/** A running dynamic provider host and a promise-based client for it. */
export interface ProviderHost {
  readonly port: number;
  readonly pid: number | undefined;
  configure(args?: PropertyMap): Promise<void>;
  check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<CheckResult>;
  diff(
    id: string,
    urn: string,
    olds: PropertyMap,
    news: PropertyMap,
    oldInputs: PropertyMap,
  ): Promise<DiffResult>;
  create(urn: string, properties: PropertyMap): Promise<{ id: string; properties: PropertyMap }>;
  /** Whether the host process is still running. */
  alive(): boolean;
  /** Everything the host wrote on stderr so far (its provider errors are logged there). */
  stderr(): string;
  /** Stops the client and the host. */
  close(): Promise<void>;
}

/** Name and type of a resource from its URN (`urn:pulumi:stack::project::type::name`). */
function urnParts(urn: string): { name: string; type: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { name: parts.slice(3).join("::"), type: qualifiedType.split("$").pop() ?? "" };
}

/** Starts the dynamic provider host and connects to it. */
export async function startProviderHost(options: ProviderHostOptions): Promise<ProviderHost> {
  const sdkDir = options.sdkDir ?? resolvePulumiSdkDir(options.cwd);
  const protos = loadProtos(sdkDir);
  if (options.signal?.aborted) throw new Error("stopped before the dynamic provider host started");
  const child = spawn(
    process.execPath,
    [path.join(sdkDir, "cmd", "dynamic-provider"), options.engineAddress ?? "127.0.0.1:1"],
    // detached: a process group of its own, ended as a whole (endProcessGroup), with anything a provider starts.
    { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  let stderr = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr += chunk;
  });
  let exited = false;
  const onAbort = (): void => endProcessGroup(child, "SIGKILL");
  options.signal?.addEventListener("abort", onAbort, { once: true });
  child.on("exit", () => {
    exited = true;
  });
  // The group may outlive the host itself (a provider's own child): the listener stays until it is closed.
  child.on("close", () => options.signal?.removeEventListener("abort", onAbort));
  const port = await readPort(child, options.startTimeoutMs ?? 20000, () => stderr);
  return connect(
    protos,
    child,
    port,
    () => stderr,
    () => !exited,
  );
}

function readPort(child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    let stdout = "";
    const fail = (why: string) => {
      clearTimeout(timer);
      endProcessGroup(child, "SIGKILL");
      reject(new Error(`dynamic provider host ${why}\n${stderr()}`));
    };
    const timer = setTimeout(() => fail(`printed no port within ${timeoutMs} ms`), timeoutMs);
    child.stdout?.setEncoding("utf8");
    const onData = (chunk: string) => {
      stdout += chunk;
      const line = stdout.split("\n")[0];
      if (stdout.includes("\n") && /^\d+$/.test(line.trim())) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        // Keep draining stdout so that a chatty provider never blocks on a full pipe.
        child.stdout?.resume();
        resolve(Number(line.trim()));
      }
    };
    child.stdout?.on("data", onData);
    child.once("exit", (code) => fail(`exited with code ${code} before printing its port`));
    child.once("error", (err) => fail(`could not start: ${err.message}`));
  });
}

function connect(
  protos: PulumiProtos,
  child: ChildProcess,
  port: number,
  stderr: () => string,
  alive: () => boolean,
): ProviderHost {
  const { grpc, provider: p } = protos;
  const client = new protos.providerGrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  const call = <T>(method: string, request: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      client[method](request, (err: Error | null, response: T) => (err ? reject(err) : resolve(response)));
    });
  /** A request about the resource at `urn`, with its Struct-valued fields set (`olds` → `setOlds`). */
  const request = (Type: any, urn: string, structs: Record<string, PropertyMap> = {}): any => {
    const { name, type } = urnParts(urn);
    const req = new Type();
    req.setUrn(urn);
    req.setName(name);
    req.setType(type);
    for (const [field, value] of Object.entries(structs)) {
      req[`set${field[0].toUpperCase()}${field.slice(1)}`](toStruct(protos, value));
    }
    return req;
  };
  return {
    port,
    pid: child.pid,
    async configure(args) {
      const req = new p.ConfigureRequest();
      req.setArgs(toStruct(protos, args ?? {}));
      req.setAcceptsecrets(false);
      req.setAcceptresources(false);
      await call("configure", req);
    },
    async check(urn, olds, news) {
      const resp: any = await call("check", request(p.CheckRequest, urn, { olds, news }));
      return {
        inputs: fromStruct(resp.getInputs()),
        failures: resp
          .getFailuresList()
          .map((f: any) => ({ property: f.getProperty(), reason: f.getReason() })),
      };
    },
    async diff(id, urn, olds, news, oldInputs) {
      const req = request(p.DiffRequest, urn, { olds, news, oldInputs });
      req.setId(id);
      const resp: any = await call("diff", req);
      const kinds = p.DiffResponse.DiffChanges;
      const changes = resp.getChanges();
      return {
        changes: changes === kinds.DIFF_SOME ? "some" : changes === kinds.DIFF_NONE ? "none" : "unknown",
        replaces: resp.getReplacesList(),
      };
    },
    async create(urn, properties) {
      const resp: any = await call("create", request(p.CreateRequest, urn, { properties }));
      return { id: resp.getId(), properties: fromStruct(resp.getProperties()) };
    },
    alive,
    stderr,
    async close() {
      client.close();
      if (alive()) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(() => endProcessGroup(child, "SIGKILL"), 3000);
          child.once("exit", () => {
            clearTimeout(timer);
            resolve();
          });
          endProcessGroup(child, "SIGTERM");
        });
      }
      // Whatever the provider started and left running ends with the host.
      endProcessGroup(child, "SIGKILL");
    },
  };
}
