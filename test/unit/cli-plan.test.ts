import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { failureLines, planJson, planText, showValue, stripAnsi } from "#internal/cli/plan";
import {
  applyRuntimeWorkaround,
  hasInspectBug,
  KEEP_RUNTIME_ERRORS,
  patchRuntime,
  plainErrorMessage,
} from "#internal/lookup/runtimeErrors";
import type { RunProgramResult } from "#internal/preview/runProgram";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

function result(partial: Partial<RunProgramResult>): RunProgramResult {
  return {
    steps: [],
    outputs: {},
    state: [],
    logs: [],
    errors: [],
    exitCode: 1,
    stoppedAfterError: false,
    stdout: "",
    stderr: "",
    ...partial,
  };
}

describe("cli: how a run reads", () => {
  it("an engine error once; the runtime's copy of it and its stack are left out", () => {
    const engine = 'images: galleryName: gallery "x" was not found';
    const lines = failureLines(
      result({
        errors: [engine],
        logs: [
          {
            severity: "error",
            message: `Running program '/p' failed with an unhandled exception:\nError: failed to register: 2 UNKNOWN: ${engine}\n    at f (/p/node_modules/@pulumi/resource.ts:1:1)`,
          },
        ],
      }),
      false,
    );
    assert.deepEqual(lines, [`error: ${engine}`]);
  });

  it("a program error: the message and the first frame of the user's code; --verbose keeps all of it", () => {
    const message = `Running program '/p' failed with an unhandled exception:\nError: boom\n    at /p/node_modules/@pulumi/output.ts:5:1\n    at Object.<anonymous> (/p/index.ts:4:59)\n    at node:internal/x:1:1`;
    const r = result({ logs: [{ severity: "error", message }], stderr: "runtime noise" });
    assert.deepEqual(failureLines(r, false), [
      "error: the program failed: Error: boom\n    at /p/index.ts:4:59",
    ]);
    const verbose = failureLines(r, true);
    assert.match(verbose[0], /node_modules\/@pulumi\/output\.ts/);
    assert.match(verbose[1], /runtime noise/);
  });

  it("an updated resource: the count is of the changes listed, and a value's keys read in one order on both sides", () => {
    // Outputs whose `rules` changed (keys in another order) and whose `seen` went away.
    const oldOutputs = { label: "one", rules: [{ zone: "a", allow: true }], seen: "saw one" };
    const outputs = { label: "two", rules: [{ allow: false, zone: "a" }] };
    const step = {
      op: "update" as const,
      urn: "urn:pulumi:dev::p::pulumi-nodejs:dynamic:Resource::consumer",
      type: "pulumi-nodejs:dynamic:Resource",
      name: "consumer",
      inputs: outputs,
      outputs,
      oldOutputs,
      changedKeys: ["label", "rules", "seen"],
      replaces: [],
    };
    const text = planText("t", result({ exitCode: 0, steps: [step] }), true).join("\n");
    const header = /^ {2}~ consumer \(Resource\): (\d+) changed$/m.exec(text);
    assert.ok(header, text);
    const listed = text
      .slice(header.index)
      .split("\n")
      .slice(1)
      .filter((l) => l.startsWith("      ~ "));
    assert.equal(Number(header[1]), listed.length, text);
    assert.equal(listed.length, 3, text);
    assert.equal(
      listed.find((l) => l.includes("rules")),
      `      ~ rules: [{"allow":true,"zone":"a"}] ⇒ [{"allow":false,"zone":"a"}]`,
      text,
    );
  });

  it("absent and unknown values read the same in every section; JSON lists unknown outputs", () => {
    assert.equal(showValue(undefined, true), "(absent)");
    assert.equal(showValue(UNKNOWN, true), "(not known in preview)");
    assert.equal(showValue(["a"], true), '["a"]');
    const json = planJson(result({ exitCode: 0, outputs: { a: UNKNOWN, b: "x" } }), true);
    assert.deepEqual([json.outputs, json.unknownOutputs], [{ a: null, b: "x" }, ["a"]]);
  });

  it("strips terminal colour codes", () => {
    assert.equal(stripAnsi("\u001b[31mred\u001b[39m and \u001b[1;4mbold\u001b[0m"), "red and bold");
  });
});

describe("preview: the runtime preload (Node's util.inspect loop on node_modules/@scope/file frames)", () => {
  const error = () => {
    const e = new Error("boom");
    e.stack = "Error: boom\n    at new Resource (/app/node_modules/@pulumi/resource.ts:602:13)";
    return e;
  };

  it("formats such an error without colours, in the runtime's own (uncoloured) form", () => {
    const text = plainErrorMessage(error());
    assert.equal(text, error().stack);
    assert.equal(plainErrorMessage("a string"), "a string");
  });

  it("replaces defaultErrorMessage of a runtime's cmd/run, and leaves other processes alone", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preload-"));
    try {
      const run = path.join(dir, "cmd", "run");
      fs.mkdirSync(run, { recursive: true });
      fs.writeFileSync(path.join(run, "error.js"), "exports.defaultErrorMessage = () => 'original';\n");
      assert.equal(patchRuntime(path.join(dir, "cmd", "other")), false);
      assert.equal(patchRuntime(run), true);
      const patched = require(path.join(run, "error.js")) as { defaultErrorMessage(e: unknown): string };
      assert.equal(patched.defaultErrorMessage(error()), error().stack);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("applies itself only on a Node.js with the bug, and not under GALLERY_LOOKUP_KEEP_RUNTIME_ERRORS=1", () => {
    assert.equal(hasInspectBug("20.20.2"), true);
    assert.equal(hasInspectBug("v26.3.1"), true);
    assert.equal(hasInspectBug("27.0.0"), false);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "preload-"));
    try {
      const run = path.join(dir, "cmd", "run");
      fs.mkdirSync(run, { recursive: true });
      const file = path.join(run, "error.js");
      fs.writeFileSync(file, "exports.defaultErrorMessage = () => 'original';\n");
      assert.equal(applyRuntimeWorkaround(run, { [KEEP_RUNTIME_ERRORS]: "1" }, "20.20.2"), false);
      assert.equal(applyRuntimeWorkaround(run, {}, "27.1.0"), false);
      const errors = require(file) as { defaultErrorMessage(e: unknown): string };
      assert.equal(errors.defaultErrorMessage(error()), "original");
      assert.equal(applyRuntimeWorkaround(run, {}, "20.20.2"), true);
      assert.equal(errors.defaultErrorMessage(error()), error().stack);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
