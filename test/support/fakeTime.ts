import sinon from "sinon";

/** The real clock, for servers that must keep real time while a test fakes the client's. */
export const realNow: () => number = Date.now.bind(Date);

/** A test's fake time: sinon's fake timers, advancing by themselves. */
export interface FakeTime {
  readonly clock: sinon.SinonFakeTimers;
  /** The delay of every timer set since install, in order: the retries' and the pacer's waits. */
  waits(): number[];
  /** Fixes `Math.random` (the backoff's jitter) until {@link restore}. */
  setRandom(value: number): void;
  restore(): void;
}

/**
 * sinon's fake timers (`setTimeout`, `clearTimeout`, `Date`) for a lookup against a real local server.
 * In fake-timers' `nextAsync` tick mode, the clock jumps to the next timer after each native macrotask,
 * so a backoff or ARM's Retry-After passes at once while sockets keep real time. The lookup's deadline and
 * attempt timeout are `AbortSignal.timeout`s (Node's own timers) and keep real time. `random` fixes
 * `Math.random` (the backoff's jitter).
 */
export function fakeTime(options: { now?: number; random?: number } = {}): FakeTime {
  // A sandbox of its own: a test's `sinon.restore()` of the default sandbox must not undo these twice.
  const sandbox = sinon.createSandbox();
  const clock = sandbox.useFakeTimers({
    now: options.now ?? realNow(),
    toFake: ["setTimeout", "clearTimeout", "Date"],
  });
  const spy = sandbox.spy(globalThis, "setTimeout");
  let random: sinon.SinonStub<[], number> | undefined;
  const setRandom = (value: number): void => {
    random ??= sandbox.stub(Math, "random");
    random.returns(value);
  };
  if (options.random !== undefined) setRandom(options.random);
  clock.setTickMode({ mode: "nextAsync" });
  return {
    clock,
    waits: () => spy.getCalls().map((call) => Number(call.args[1] ?? 0)),
    setRandom,
    restore() {
      sandbox.restore();
    },
  };
}

/** Mocha hooks: a fresh {@link fakeTime} around each test of the suite; the getter returns the current one. */
export function useFakeTime(options: () => { now?: number; random?: number } = () => ({})): () => FakeTime {
  let current: FakeTime | undefined;
  beforeEach(() => {
    current = fakeTime(options());
  });
  afterEach(() => {
    current?.restore();
    current = undefined;
  });
  return () => {
    if (current === undefined) throw new Error("useFakeTime: no test is running");
    return current;
  };
}
