/**
 * Changing `process.env` for a test and putting it back exactly.
 *
 * `process.env` is the process's real environment: assigning `undefined` to a name stores the
 * string "undefined" (so `os.tmpdir()` became "undefined" for every later test when CI had no
 * TMPDIR), and replacing the object detaches it from what `os` and child processes see. Every test
 * that touches the environment goes through here instead.
 */

/** Names to set (a string) or remove (`undefined`). */
export type EnvChanges = Readonly<Record<string, string | undefined>>;

/** Applies `changes` and returns the function that restores each name to what it was. */
export function applyEnv(changes: EnvChanges): () => void {
  const before = new Map(Object.keys(changes).map((name) => [name, process.env[name]]));
  const put = (name: string, value: string | undefined): void => {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  };
  for (const [name, value] of Object.entries(changes)) put(name, value);
  return () => before.forEach((value, name) => put(name, value));
}

/** Runs `fn` with `changes` applied, restoring the environment however `fn` ends. */
export async function withEnv<T>(changes: EnvChanges, fn: () => T | Promise<T>): Promise<T> {
  const restore = applyEnv(changes);
  try {
    return await fn();
  } finally {
    restore();
  }
}

/** Mocha hooks: `changes` applied before the suite's tests and restored after them. */
export function envForSuite(changes: EnvChanges): void {
  let restore: (() => void) | undefined;
  before(() => {
    restore = applyEnv(changes);
  });
  after(() => restore?.());
}
