// A stand-in `pulumi` for what the real CLI cannot be made to do on demand: hang with a child of its own,
// echo secrets of its environment in an error, take its time so that overlap can be counted. As strict as
// the real one about its command line: anything but `whoami`, `stack ls --all --json` and
// `stack export --stack NAME [--show-secrets]`, each with `--non-interactive`, exits 255.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

const SCRIPT = String.raw`
const fs = require("node:fs");
const { spawn } = require("node:child_process");
const args = process.argv.slice(2);
const mode = process.env.FAKE_PULUMI_MODE || "ok";
const log = process.env.FAKE_PULUMI_LOG;
const note = (line) => log && fs.appendFileSync(log, line + "\n");
const fail = (code, text) => { process.stderr.write(text + "\n"); process.exit(code); };
const last = args.pop();
if (last !== "--non-interactive") fail(255, "error: expected --non-interactive last, got " + JSON.stringify(last));
const line = args.join(" ");
if (line === "whoami") {
  if (mode === "logged-out") fail(3, "error: PULUMI_ACCESS_TOKEN must be set for login during non-interactive CLI sessions");
  process.stdout.write("someone\n");
} else if (line === "stack ls --all --json") {
  const names = (process.env.FAKE_PULUMI_STACKS || "org/p/a,org/p/b").split(",");
  process.stdout.write(JSON.stringify(names.map((name) => ({ name, current: false }))));
} else if (/^stack export --stack \S+( --show-secrets)?$/.test(line)) {
  const name = args[3];
  note("start " + name + " " + Date.now());
  if (mode === "hang") {
    const child = spawn("sleep", ["300"], { stdio: "ignore" });
    fs.writeFileSync(process.env.FAKE_PULUMI_PIDS + "/" + name.replace(/\//g, "_"), String(child.pid));
    setInterval(() => undefined, 1000);
  } else if (mode === "straggler") {
    // Exits at once, its answer written, leaving a child of its own that holds its output open.
    const child = spawn("sleep", ["300"], { stdio: ["ignore", "inherit", "inherit"] });
    fs.writeFileSync(process.env.FAKE_PULUMI_PIDS + "/" + name.replace(/\//g, "_"), String(child.pid));
    process.stdout.write(JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } }));
    process.exit(0);
  } else if (mode === "leak") {
    fail(1, "error: could not decrypt: passphrase " + process.env.PULUMI_CONFIG_PASSPHRASE + " key " + process.env.AZURE_STORAGE_KEY + " token " + process.env.PULUMI_ACCESS_TOKEN);
  } else if (mode === "huge") {
    process.stdout.write("{" + " ".repeat(4 * 1024 * 1024));
    setInterval(() => process.stdout.write(" ".repeat(1024 * 1024)), 10);
  } else {
    setTimeout(() => {
      note("end " + name + " " + Date.now());
      process.stdout.write(JSON.stringify({ version: 3, deployment: { manifest: {}, resources: [] } }));
    }, Number(process.env.FAKE_PULUMI_DELAY_MS || 0));
  }
} else {
  fail(255, "error: unknown command " + JSON.stringify(line));
}
`;

/** Writes the fake into a new folder as `pulumi`; returns its path and the folder. */
export function fakePulumi(): { binary: string; dir: string; close(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-fake-pulumi-"));
  const binary = path.join(dir, "pulumi");
  fs.writeFileSync(binary, `#!${process.execPath}\n${SCRIPT}`, { mode: 0o755 });
  return { binary, dir, close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
