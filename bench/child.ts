// How the benchmark's orchestrator runs a compiled child: over Node's IPC channel, answering the child's
// questions about the emulator (bench/protocol.ts) until the child sends its result.
import { fork } from "node:child_process";
import * as path from "node:path";
import type { EmulatorHandle } from "#internal/emulator/index";
import type { ChildMessage, EmulatorQuery } from "./protocol";

function answer(emulator: EmulatorHandle, query: EmulatorQuery): unknown {
  switch (query.cmd) {
    case "tokensIssued":
      return emulator.tokensIssued();
    case "connections":
      return emulator.connections();
    case "throttle":
      emulator.setThrottle(query.settings);
      return true;
    case "clearJournal":
      emulator.clearJournal();
      return true;
    case "latency":
      emulator.setLatency(query.ms);
      return true;
    case "putLargeGallery": {
      // Padding in a property the lookup does not keep: the answer is large, the results are not.
      const gallery = {
        name: query.galleryName,
        location: "westus",
        properties: { identifier: { uniqueName: `${emulator.subscriptionId}-LARGE` }, benchPadding: "" },
      };
      const id = `/subscriptions/${emulator.subscriptionId}/resourceGroups/myResourceGroup/providers/Microsoft.Compute/galleries/${query.galleryName}`;
      const base = JSON.stringify({ ...gallery, id }).length;
      gallery.properties.benchPadding = "x".repeat(Math.max(0, query.bytes - base - 64));
      emulator.putGallery({
        subscriptionId: emulator.subscriptionId,
        resourceGroupName: "myResourceGroup",
        gallery,
      });
      return true;
    }
    case "armStats": {
      const arm = emulator.journal().filter((entry) => entry.kind === "arm");
      return { requests: arm.length, throttled: arm.filter((entry) => entry.status === 429).length };
    }
  }
}

/** Runs a compiled child with IPC, answering its emulator queries; resolves to its result. */
export function runChild<T>(script: string, env: NodeJS.ProcessEnv, emulator?: EmulatorHandle): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = fork(path.join(__dirname, script), [], {
      env,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result: T | undefined;
    child.on("message", (message: ChildMessage) => {
      if (message.kind === "result") result = message.result as T;
      else if (message.kind === "query" && emulator) {
        child.send({ kind: "answer", id: message.id, result: answer(emulator, message.query) });
      }
    });
    child.on("error", reject);
    child.on("exit", (code) =>
      result !== undefined ? resolve(result) : reject(new Error(`${script} exited with ${code}`)),
    );
  });
}
