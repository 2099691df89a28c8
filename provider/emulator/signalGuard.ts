// The emulator's temporary folder holds its CA key: it must go even when a signal ends the process.

/**
 * SIGTERM, SIGINT and SIGHUP kill a process without running its "exit" handlers, which would leave the CA key
 * behind. While an emulator holds a temporary folder, a handler removes it and then dies of the same signal,
 * as the process would have. A program with handlers of its own decides itself (and ends with close() or
 * process.exit, which remove the folder), so nothing is done then: a listener must not change whether a
 * signal ends the process.
 */
export const signalGuard = (() => {
  const cleanups = new Set<() => void>();
  const signals: NodeJS.Signals[] = ["SIGTERM", "SIGINT", "SIGHUP"];
  const onSignal = (signal: NodeJS.Signals): void => {
    if (process.listenerCount(signal) > 1) return;
    for (const cleanup of cleanups) cleanup();
    cleanups.clear();
    for (const s of signals) process.off(s, onSignal);
    process.kill(process.pid, signal);
  };
  return {
    add(cleanup: () => void): void {
      if (cleanups.size === 0) for (const s of signals) process.on(s, onSignal);
      cleanups.add(cleanup);
    },
    delete(cleanup: () => void): void {
      cleanups.delete(cleanup);
      if (cleanups.size === 0) for (const s of signals) process.off(s, onSignal);
    },
  };
})();
