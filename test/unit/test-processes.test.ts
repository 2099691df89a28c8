import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { alive, waitFor } from "../support/processes";

// The rule every leak test relies on: a process that has exited but is not reaped (a zombie) has
// stopped. `kill(pid, 0)` still succeeds on it, so a check built on that alone waits for init forever.
describe("test support: whether a process is alive", () => {
  it("a running process is alive; its exited, unreaped child (a zombie) is not; a reaped one is not", async () => {
    // `sleep 0` exits at once, and its parent (exec'd into `sleep 3`) never waits for it: a zombie.
    const parent = spawn("sh", ["-c", "sleep 0 & echo $!; exec sleep 3"], {
      stdio: ["ignore", "pipe", "ignore"],
    });
    try {
      const zombie = await new Promise<number>((resolve) =>
        parent.stdout.once("data", (d) => resolve(Number(d))),
      );
      assert.ok(alive(parent.pid ?? 0), "the running parent is alive");
      await waitFor(() => !alive(zombie), 2_000, "the child to exit");
      process.kill(zombie, 0); // still in the process table: a zombie, not a reaped process
    } finally {
      parent.kill("SIGKILL");
    }
    await new Promise((resolve) => parent.once("exit", resolve));
    assert.equal(alive(parent.pid ?? 0), false, "a reaped process is not alive");
  });
});
