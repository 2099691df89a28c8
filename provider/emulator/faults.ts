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

/** `EmulatorHandle.holdAnswers`: a barrier for ARM answers, counted by arrivals. */
export class AnswerHold {
  private held: (() => void)[] = [];
  private awaited = 0;

  hold(count: number): void {
    if (!Number.isInteger(count) || count < 1)
      throw new Error("hold 'count' must be an integer of at least 1");
    this.release();
    this.awaited = count;
  }

  release(): void {
    const held = this.held;
    this.held = [];
    this.awaited = 0;
    for (const go of held) go();
  }

  /**
   * Undefined when the request may be answered now (no hold, or it completes the count), else a promise
   * that resolves when the count is reached. Not a resolved promise: without a hold an ARM answer is
   * written in the same tick as before, since deferring it broke a kept-alive socket on which a DELETE
   * with a body was answered (emulator-arm's 405 tests).
   */
  arrive(): Promise<void> | undefined {
    if (this.awaited === 0) return undefined;
    if (--this.awaited === 0) {
      this.release();
      return undefined;
    }
    return new Promise((go) => this.held.push(go));
  }
}
