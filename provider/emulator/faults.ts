// Injected faults: each matches by side and path and answers the next `times` matching requests.
import type { FaultSpec } from "./types";

interface ArmedFault {
  spec: FaultSpec;
  left: number;
}

export class FaultQueue {
  private faults: ArmedFault[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!(times >= 1)) throw new Error("fault 'times' must be at least 1");
    if (spec.target !== undefined && spec.target !== "arm" && spec.target !== "token") {
      throw new Error("fault 'target' must be 'arm' or 'token'");
    }
    this.faults.push({ spec: { ...spec }, left: times });
  }

  clear(): void {
    this.faults = [];
  }

  size(): number {
    return this.faults.length;
  }

  /** The first fault that matches, consumed once; undefined when none does. */
  take(target: "arm" | "token", path: string): FaultSpec | undefined {
    if (this.faults.length === 0) return undefined;
    const lower = path.toLowerCase();
    const index = this.faults.findIndex(
      (f) =>
        (f.spec.target ?? "arm") === target &&
        (f.spec.pathIncludes === undefined || lower.includes(f.spec.pathIncludes.toLowerCase())),
    );
    if (index < 0) return undefined;
    const fault = this.faults[index];
    if (--fault.left <= 0) this.faults.splice(index, 1);
    return fault.spec;
  }
}
