// The `--require` preload that the embedded engine gives Pulumi's Node.js runtime (runProgram.ts), and the
// public `pulumi-azure-gallery-lookup/runtime-preload` path for NODE_OPTIONS. The workaround itself lives in
// lookup/runtimeErrors.ts, which the package root also loads, so that a program importing the package gets
// it with nothing of the offline engine.
export * from "../lookup/runtimeErrors";
