/* eslint-disable @typescript-eslint/no-explicit-any */
// A minimal, in-memory stand-in for the Pulumi engine's ResourceMonitor and Engine gRPC services: enough for
// the Node.js language runtime to run a real program, and for dynamic resources to go through the real
// dynamic provider host: Check, then Diff against a prior state in a preview, Create in an `up` of a new stack.
// It serves what `npm start` (preview --demo) and `preview DIR` without a Pulumi CLI need, nothing more: no
// Update, Delete or Read of a deployed stack (those are the Pulumi CLI's), no plugins, no secrets, no refresh.
import { isDynamicType, PROVIDER_KEY } from "../drift/recognise";
import { HOST_START_TOKEN } from "../lookup/providerHost";
import type { ProviderHost } from "./hostClient";
import { fromStruct, loadProtos, toStruct, type PropertyMap, type PulumiProtos } from "./proto";

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

/** What the state holds about one resource. */
export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent?: string;
  id?: string;
  inputs: PropertyMap;
  outputs: PropertyMap;
}

/** What happened (or, in preview, would happen) to one resource. */
export type StepOp = "create" | "same" | "update" | "replace";

/** One planned or executed step. */
export interface Step {
  op: StepOp;
  urn: string;
  type: string;
  name: string;
  id?: string;
  outputs: PropertyMap;
  oldOutputs?: PropertyMap;
  /** What the program gave the resource (for a dynamic one, as its provider's Check returned them). */
  inputs: PropertyMap;
  /** Top-level properties whose value differs between the old and new outputs (`__provider` excluded). */
  changedKeys: string[];
  /** Properties the provider says force a replacement. */
  replaces: string[];
}

/** One message from the program (`pulumi.log.*` or the runtime). */
export interface LogEntry {
  severity: "debug" | "info" | "warning" | "error";
  message: string;
  urn?: string;
}

/** Options of {@link LocalEngine}. */
export interface LocalEngineOptions {
  project: string;
  stack: string;
  dryRun: boolean;
  /** A prior state to preview against (default: a new stack); an `up` is of a new stack only. */
  state?: ResourceState[];
  /** The dynamic provider host: the command's, so one host serves all the demo's runs. */
  providerHost: ProviderHost;
  /** The SDK whose protos to serve (default: the one this package resolves). */
  sdkDir?: string;
  onLog?: (entry: LogEntry) => void;
  /** Called once per distinct error reported to the program, as it happens. */
  onError?: (message: string) => void;
}

/** What a run of the program produced. */
export interface EngineResult {
  steps: Step[];
  /** The stack outputs. */
  outputs: PropertyMap;
  /** The state after the run: unchanged in preview. */
  state: ResourceState[];
  logs: LogEntry[];
  /** Errors of registrations, already reported to the program. */
  errors: string[];
}

/** Features the SDK asks about. Everything beyond plain values stays off so that the wire format stays simple. */
const FEATURES: Record<string, boolean> = {
  secrets: false,
  resourceReferences: false,
  outputValues: false,
  deletedWith: false,
  replaceWith: false,
  aliasSpecs: false,
  transforms: false,
  invokeTransforms: false,
  parameterization: false,
  resourceHooks: false,
  errorHooks: false,
};

/** Top-level keys whose values differ (deep, by JSON), without the serialized provider. */
export function changedKeys(olds: PropertyMap, news: PropertyMap): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
  keys.delete(PROVIDER_KEY);
  return [...keys].filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k])).sort();
}

/** Builds a URN the way the engine does: children of the root stack are not qualified by its type. */
export function makeUrn(
  stack: string,
  project: string,
  type: string,
  name: string,
  parent?: ResourceState,
): string {
  const qualified = parent && parent.type !== ROOT_STACK_TYPE ? `${qualifiedType(parent.urn)}$${type}` : type;
  return `urn:pulumi:${stack}::${project}::${qualified}::${name}`;
}

function qualifiedType(urn: string): string {
  return urn.split("::")[2] ?? "";
}

/** Serves ResourceMonitor and Engine on 127.0.0.1 for one run of a program. */
export class LocalEngine {
  private readonly protos: PulumiProtos;
  private readonly server: any;
  private readonly old = new Map<string, ResourceState>();
  private readonly registered = new Map<string, ResourceState>();
  private readonly steps: Step[] = [];
  private readonly logs: LogEntry[] = [];
  private readonly errors: string[] = [];
  private outputs: PropertyMap = {};
  private rootUrn = "";
  private port = 0;

  constructor(private readonly options: LocalEngineOptions) {
    if (!options.dryRun && options.state) {
      throw new Error(
        "the embedded engine updates only a new stack: an update of a deployed stack needs the Pulumi CLI",
      );
    }
    this.hostStderrRead = options.providerHost.stderr().lastIndexOf("\n") + 1;
    this.protos = loadProtos(options.sdkDir);
    for (const r of options.state ?? []) this.old.set(r.urn, r);
    this.server = new this.protos.grpc.Server();
    this.server.addService(this.protos.resourceGrpc.ResourceMonitorService, this.monitorService());
    this.server.addService(this.protos.engineGrpc.EngineService, this.engineService());
  }

  /** Starts listening; both services share the address. */
  async start(): Promise<string> {
    const { grpc } = this.protos;
    this.port = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(
        "127.0.0.1:0",
        grpc.ServerCredentials.createInsecure(),
        (err: Error | null, p: number) => (err ? reject(err) : resolve(p)),
      ),
    );
    return this.address;
  }

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /**
   * The run's result once the program has exited. A prior state comes only from an `up` of the same program
   * (the demo's), so no resource of it goes undeclared: there is no delete step to plan.
   */
  finish(): EngineResult {
    const state = this.options.dryRun ? [...this.old.values()] : [...this.registered.values()];
    return {
      steps: [...this.steps],
      outputs: this.outputs,
      state,
      logs: [...this.logs],
      errors: [...this.errors],
    };
  }

  /** Stops serving (the provider host belongs to whoever gave it). */
  async close(): Promise<void> {
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }

  private log(entry: LogEntry): void {
    this.logs.push(entry);
    this.options.onLog?.(entry);
  }

  private monitorService(): Record<string, (call: any, callback: any) => void> {
    const { resource: r, empty } = this.protos;
    return {
      supportsFeature: (call, callback) => {
        const resp = new r.SupportsFeatureResponse();
        resp.setHassupport(FEATURES[call.request.getId()] ?? false);
        callback(null, resp);
      },
      registerResource: (call, callback) => {
        this.registerResource(call.request).then(
          (resp) => callback(null, resp),
          (err: Error) => callback(this.grpcError(err)),
        );
      },
      registerResourceOutputs: (call, callback) => {
        if (call.request.getUrn() === this.rootUrn) this.outputs = fromStruct(call.request.getOutputs());
        callback(null, new empty.Empty());
      },
      readResource: (call, callback) =>
        callback(
          this.unserved(`reads of existing resources ('${call.request.getType()}' ${call.request.getId()})`),
        ),
      invoke: (call, callback) =>
        // The lookups' request to start the provider host early (lookup/providerHost.ts): this engine starts
        // its host for itself, so there is nothing to do and nothing to report.
        call.request.getTok() === HOST_START_TOKEN
          ? callback(null, new this.protos.provider.InvokeResponse())
          : callback(this.unserved(`functions: '${call.request.getTok()}'`)),
      call: (call, callback) => callback(this.unserved(`method calls: '${call.request.getTok()}'`)),
      signalAndWaitForShutdown: (_call, callback) => callback(null, new empty.Empty()),
    };
  }

  private engineService(): Record<string, (call: any, callback: any) => void> {
    const { engine: e, empty } = this.protos;
    const severities = ["debug", "info", "warning", "error"] as const;
    return {
      log: (call, callback) => {
        const req = call.request;
        this.log({
          severity: severities[req.getSeverity()] ?? "info",
          message: req.getMessage(),
          urn: req.getUrn() || undefined,
        });
        callback(null, new empty.Empty());
      },
      getRootResource: (_call, callback) => {
        const resp = new e.GetRootResourceResponse();
        resp.setUrn(this.rootUrn);
        callback(null, resp);
      },
      setRootResource: (call, callback) => {
        this.rootUrn = call.request.getUrn();
        callback(null, new e.SetRootResourceResponse());
      },
      requirePulumiVersion: (_call, callback) => callback(null, new e.RequirePulumiVersionResponse()),
    };
  }

  /** What only the Pulumi CLI serves, named once. */
  private unserved(what: string): ReturnType<LocalEngine["grpcError"]> {
    return this.grpcError(new Error(`the offline preview does not serve ${what}: that needs the Pulumi CLI`));
  }

  private grpcError(err: Error): { code: number; details: string; message: string } {
    // A program may call an unserved function in a loop: its name is reported once.
    if (!this.errors.includes(err.message)) {
      this.errors.push(err.message);
      this.options.onError?.(err.message);
    }
    return { code: this.protos.grpc.status.UNKNOWN, details: err.message, message: err.message };
  }

  private async registerResource(req: any): Promise<any> {
    const type: string = req.getType();
    const name: string = req.getName();
    const custom: boolean = req.getCustom();
    const parent = this.registered.get(req.getParent());
    const urn = makeUrn(this.options.stack, this.options.project, type, name, parent);
    const inputs = fromStruct(req.getObject());
    const prior = this.old.get(urn);
    let state: ResourceState;
    if (!custom) {
      state = { urn, type, name, custom, parent: parent?.urn, inputs, outputs: {} };
      this.steps.push(this.step(prior ? "same" : "create", state, prior));
    } else if (isDynamicType(type)) {
      state = await this.registerDynamic(urn, type, name, parent?.urn, inputs, prior);
    } else if (this.options.dryRun) {
      // Another provider's resource: Pulumi would ask that provider; a preview that knows only its inputs
      // shows them as its outputs, and its id stays unknown, as for any resource not created yet.
      state = { urn, type, name, custom, parent: parent?.urn, id: prior?.id, inputs, outputs: { ...inputs } };
      const changed = prior ? changedKeys(prior.inputs, inputs) : [];
      this.steps.push(
        this.step(!prior ? "create" : changed.length ? "update" : "same", state, prior, changed),
      );
    } else {
      throw new Error(
        `the offline preview cannot create '${type}' resources (only dynamic resources run offline): use the Pulumi CLI`,
      );
    }
    this.registered.set(urn, state);
    const resp = new this.protos.resource.RegisterResourceResponse();
    resp.setUrn(urn);
    resp.setId(state.id ?? "");
    resp.setObject(toStruct(this.protos, state.outputs));
    return resp;
  }

  private async registerDynamic(
    urn: string,
    type: string,
    name: string,
    parent: string | undefined,
    news: PropertyMap,
    prior: ResourceState | undefined,
  ): Promise<ResourceState> {
    const host = this.options.providerHost;
    const checked = await host.check(urn, prior?.inputs ?? {}, news);
    this.forwardHostWarnings(host);
    if (checked.failures.length) {
      throw new Error(
        checked.failures.map((f) => `${name}: ${f.property ? `${f.property}: ` : ""}${f.reason}`).join("\n"),
      );
    }
    const inputs = checked.inputs;
    const base = { urn, type, name, custom: true, parent, inputs };
    if (!prior) {
      // What the engine does too: during preview a new resource's checked inputs stand for its outputs.
      const created = this.options.dryRun
        ? { id: undefined, properties: inputs }
        : await host.create(urn, inputs);
      const state = { ...base, id: created.id, outputs: created.properties };
      this.steps.push(this.step("create", state));
      return state;
    }
    // A prior state exists only in a preview (see the constructor): Diff decides, nothing is changed.
    const diff = await host.diff(prior.id ?? "", urn, prior.outputs, inputs, prior.inputs);
    if (diff.changes === "none") {
      const state = { ...base, id: prior.id, outputs: prior.outputs };
      this.steps.push(this.step("same", state, prior));
      return state;
    }
    const replace = diff.replaces.length > 0;
    // A replacement's id is not known until it is created; checked inputs stand for outputs, as above.
    const state = { ...base, id: replace ? undefined : prior.id, outputs: inputs };
    this.steps.push({ ...this.step(replace ? "replace" : "update", state, prior), replaces: diff.replaces });
    return state;
  }

  /** How much of the host's stderr has been read for warnings: earlier runs (the demo's) showed theirs then. */
  private hostStderrRead: number;

  /**
   * A dynamic provider's `pulumi.log.warn` has no engine to reach in the host (pulumi/pulumi#6065), so the SDK
   * writes it on stderr as `warning: [runtime] …`, which is also where the Pulumi CLI shows it: pass each on.
   */
  private forwardHostWarnings(host: ProviderHost): void {
    const text = host.stderr();
    const end = text.lastIndexOf("\n") + 1;
    if (end <= this.hostStderrRead) return;
    const fresh = text.slice(this.hostStderrRead, end);
    this.hostStderrRead = end;
    for (const line of fresh.split("\n")) {
      const warning = /^warning: \[runtime\] (.*)$/.exec(line)?.[1];
      if (warning) {
        const entry: LogEntry = { severity: "warning", message: warning };
        this.logs.push(entry);
        this.options.onLog?.(entry);
      }
    }
  }

  private step(op: StepOp, state: ResourceState, prior?: ResourceState, changed?: string[]): Step {
    return {
      op,
      urn: state.urn,
      type: state.type,
      name: state.name,
      id: state.id,
      outputs: state.outputs,
      oldOutputs: prior?.outputs,
      inputs: state.inputs,
      changedKeys: changed ?? (prior ? changedKeys(prior.outputs, state.outputs) : []),
      replaces: [],
    };
  }
}
