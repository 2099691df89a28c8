// What constructing a GalleryLookup costs the program (issue 26). Pulumi's runtime gives every registered
// property four promises and formats a stack trace for each of them when it is made (for its promise-leak
// report), through the program's source-map hook (ts-node's under `pulumi preview`): a lookup registers 25
// outputs, so that was about a hundred formatted stacks per lookup, most of the CPU that 50 lookups added to a
// preview. Counted here, not timed.
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import { GalleryLookup } from "pulumi-azure-gallery-lookup";
import { GALLERY_LOOKUP_OUTPUTS } from "#internal/lookup/galleryLookup";

const SUBSCRIPTION = "5b5b5b5b-0000-4000-8000-000000000003";
const ARGS = { resourceGroupName: "rg", galleryName: "g", subscriptionId: SUBSCRIPTION };

interface SourcePosition {
  getUri(): string;
  getLine(): number;
}

interface Registration {
  getName(): string;
  getSourceposition(): SourcePosition | undefined;
  getStacktrace(): { getFramesList(): { getPc(): SourcePosition | undefined }[] } | undefined;
}

/** Stack frames formatted while `construct` runs (V8's own format, so Pulumi still parses its positions). */
function framesFormattedDuring(construct: () => void): number {
  const original = Error.prepareStackTrace;
  let formatted = 0;
  Error.prepareStackTrace = (error, frames) => {
    formatted += frames.length;
    return [
      String(error),
      ...frames.map(
        (f) =>
          `    at ${f.getFunctionName() ?? "<anonymous>"} (${f.getFileName()}:${f.getLineNumber()}:${f.getColumnNumber()})`,
      ),
    ].join("\n");
  };
  try {
    construct();
  } finally {
    Error.prepareStackTrace = original;
  }
  return formatted;
}

describe("GalleryLookup: what its construction costs the program", () => {
  const registrations: Registration[] = [];
  before(async () => {
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => ({ id: "gallery-id", state: { ...args.inputs } }),
        call: () => ({}),
      },
      "project",
      "stack",
      true,
    );
    // Every RegisterResource request the runtime sends, as the engine would receive it.
    const monitor = pulumi.runtime.getMonitor() as unknown as {
      registerResource(req: Registration, callback: unknown): void;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
      registrations.push(req);
      register(req, callback);
    };
  });

  afterEach(() => delete process.env.PULUMI_DEBUG_PROMISE_LEAKS);

  it("formats the frames of its source position only, not a stack per registered output", () => {
    // The whole stack here, as Pulumi captures it (with no limit) for the source position.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = Infinity;
    let whole: number;
    try {
      whole = framesFormattedDuring(() => new Error().stack);
    } finally {
      Error.stackTraceLimit = limit;
    }
    const formatted = framesFormattedDuring(() => new GalleryLookup("counted", ARGS));
    // Pulumi's own capture of the constructor call's position: the whole stack, once. Before: about a hundred
    // stacks more, four per registered output.
    assert.ok(
      formatted <= whole + 10,
      `${formatted} stack frames formatted for one lookup of ${GALLERY_LOOKUP_OUTPUTS.length} outputs (the whole stack has ${whole})`,
    );
  });

  it("still sends the engine the source position of the constructor call", async () => {
    new GalleryLookup("positioned", ARGS);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const req = registrations.find((r) => r.getName() === "positioned");
    assert.ok(req, "no RegisterResource for the lookup");
    // Pulumi takes the frame below Resource, CustomResource and the resource's own class: as for any provider's
    // resource, the program's line (through `pulumi.dynamic.Resource`, one constructor more, it was ours).
    assert.match(req.getSourceposition()?.getUri() ?? "", /registration-cost\.test\.js$/);
    const frames = req.getStacktrace()?.getFramesList() ?? [];
    assert.ok(
      frames.some((frame) => /registration-cost\.test\.js$/.test(frame.getPc()?.getUri() ?? "")),
      "the stack trace sent to the engine does not reach the program's line",
    );
  });

  it("keeps every stack for Pulumi's leak report when PULUMI_DEBUG_PROMISE_LEAKS is set", () => {
    process.env.PULUMI_DEBUG_PROMISE_LEAKS = "true";
    const formatted = framesFormattedDuring(() => new GalleryLookup("debugged", ARGS));
    assert.ok(formatted > GALLERY_LOOKUP_OUTPUTS.length, `only ${formatted} stack traces formatted`);
  });

  it("leaves Error.stackTraceLimit as it was, also when the constructor throws, and the error its frames", () => {
    const before = Error.stackTraceLimit;
    new GalleryLookup("restored", ARGS);
    assert.equal(Error.stackTraceLimit, before);
    // Pulumi's Resource constructor throws, synchronously, for a missing name: with the program's frames.
    assert.throws(
      () => new GalleryLookup(undefined as unknown as string, ARGS),
      (error: Error) => /name/.test(error.message) && /registration-cost\.test\.js/.test(error.stack ?? ""),
    );
    assert.equal(Error.stackTraceLimit, before);
  });
});
