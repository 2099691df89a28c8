/* eslint-disable @typescript-eslint/no-explicit-any */
// The gRPC stubs and messages of the Pulumi SDK, loaded from the @pulumi/pulumi that the program uses.
// They are generated JavaScript without usable types for our purposes, so this one module holds the `any`s
// and everything else goes through the typed wrappers in hostClient.ts and monitor.ts.
import * as path from "path";

/** The modules of one @pulumi/pulumi install, loaded once per folder. */
export interface PulumiProtos {
  /** The folder of that @pulumi/pulumi package. */
  sdkDir: string;
  grpc: any;
  struct: any;
  empty: any;
  provider: any;
  providerGrpc: any;
  resource: any;
  resourceGrpc: any;
  engine: any;
  engineGrpc: any;
}

const cache = new Map<string, PulumiProtos>();

/**
 * Finds the @pulumi/pulumi that a program in `fromDir` would load (falling back to the one this package
 * resolves), so that gRPC stubs match the SDK version the program and the dynamic provider host run.
 */
export function resolvePulumiSdkDir(fromDir?: string): string {
  const paths = fromDir ? [fromDir, __dirname] : [__dirname];
  return path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths }));
}

/** Loads the protos of the SDK in `sdkDir` (see {@link resolvePulumiSdkDir}). */
export function loadProtos(sdkDir: string = resolvePulumiSdkDir()): PulumiProtos {
  const hit = cache.get(sdkDir);
  if (hit) return hit;
  // @grpc/grpc-js and google-protobuf are the SDK's own dependencies: resolve them from there, not from us.
  const fromSdk = (id: string): any => require(require.resolve(id, { paths: [sdkDir] }));
  const protos: PulumiProtos = {
    sdkDir,
    grpc: fromSdk("@grpc/grpc-js"),
    struct: fromSdk("google-protobuf/google/protobuf/struct_pb"),
    empty: fromSdk("google-protobuf/google/protobuf/empty_pb"),
    provider: require(path.join(sdkDir, "proto", "provider_pb")),
    providerGrpc: require(path.join(sdkDir, "proto", "provider_grpc_pb")),
    resource: require(path.join(sdkDir, "proto", "resource_pb")),
    resourceGrpc: require(path.join(sdkDir, "proto", "resource_grpc_pb")),
    engine: require(path.join(sdkDir, "proto", "engine_pb")),
    engineGrpc: require(path.join(sdkDir, "proto", "engine_grpc_pb")),
  };
  cache.set(sdkDir, protos);
  return protos;
}

/** A property bag as it travels in a `google.protobuf.Struct`. */
export type PropertyMap = Record<string, unknown>;

/** Converts to a Struct; `undefined` members are dropped (Struct has no such value). */
export function toStruct(protos: PulumiProtos, value: PropertyMap | undefined): any {
  return protos.struct.Struct.fromJavaScript(JSON.parse(JSON.stringify(value ?? {})));
}

/** Converts a Struct (possibly absent) to a plain object. */
export function fromStruct(value: any): PropertyMap {
  return value ? (value.toJavaScript() as PropertyMap) : {};
}
