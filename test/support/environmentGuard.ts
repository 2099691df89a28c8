/**
 * A root hook plugin (loaded by .mocharc.json): a test that leaves `process.env` changed fails,
 * naming what it changed. A leaked TMPDIR="undefined" once broke every later test in CI, where
 * TMPDIR is unset, while passing on machines that set it; this makes such a leak fail where it
 * happens, on any machine.
 */
type Snapshot = Map<string, string | undefined>;

const snapshot = (): Snapshot => new Map(Object.entries(process.env));

/** The names whose values differ between two snapshots, as `NAME: before -> after`. */
export function envChanges(before: Snapshot, after: Snapshot): string[] {
  const names = new Set([...before.keys(), ...after.keys()]);
  return [...names]
    .filter((name) => before.get(name) !== after.get(name))
    .sort()
    .map((name) => `${name}: ${before.has(name) ? "set" : "unset"} -> ${after.has(name) ? "set" : "unset"}`);
}

let atStart: Snapshot;
let atTest: Snapshot;

export const mochaHooks = {
  beforeAll(): void {
    atStart = snapshot();
  },
  beforeEach(): void {
    atTest = snapshot();
  },
  afterEach(): void {
    const changed = envChanges(atTest, snapshot());
    if (changed.length > 0) {
      throw new Error(
        `the test left process.env changed (restore it with test/support/environment): ${changed.join("; ")}`,
      );
    }
  },
  afterAll(): void {
    const changed = envChanges(atStart, snapshot());
    if (changed.length > 0) throw new Error(`the suite left process.env changed: ${changed.join("; ")}`);
  },
};
