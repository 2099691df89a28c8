// Stacks by name, through the user's own Pulumi CLI: `pulumi stack ls --all --json` to list them and
// `pulumi stack export --stack NAME` to read each, with whatever login, backend (Pulumi Cloud, azblob://,
// s3://, gs://, file://) and secrets provider the user's environment gives the CLI. So the drift check
// implements no backend itself.
//
// Every `pulumi` runs in a process group of its own, so that a timeout or Ctrl-C ends it together with
// anything it started (plugins, its language host); exports run a bounded number at a time, ahead of the
// reader, and what each prints stays in memory (never a file: with --show-secrets it holds plaintext).
import { PulumiCliError } from "../errors/PulumiCliError";
import { StateSourceError } from "../errors/StateSourceError";
import { sanitizeText } from "../errors/safeText";
import { killOwned, type OwnedChild } from "../process/processGroup";
import { spawnPulumi } from "../pulumiCli/pulumiCli";
import { globMatcher } from "./glob";
import { readDocument, type SourceOptions, type StateSource } from "./sources";

/** Where the state comes from when the Pulumi CLI is asked for it. */
export interface PulumiStacksOptions {
  /** Stacks to export, as `pulumi stack export --stack` takes them (`org/project/stack`, or as the CLI resolves them). */
  stacks?: readonly string[];
  /** Every stack `pulumi stack ls --all` lists (with {@link stackPattern}, those matching it). */
  allStacks?: boolean;
  /** A glob (`*`, any case) matched against each listed stack's `org/project/stack`, `project/stack` or `stack`. */
  stackPattern?: string;
  /** Passes `--show-secrets` to each export, so that secret arguments can be checked; the report still withholds them. */
  showSecrets?: boolean;
  /** The CLI to run. Default: `PULUMI_CLI` of {@link env}, else `pulumi` on its `PATH`. */
  pulumi?: string;
  /** Exports running at once (1-32, default 4): each `pulumi` is a process of about 100 MB. */
  concurrency?: number;
  /** Each `pulumi` command's time limit in ms (default 300,000); past it, its process group is killed. */
  timeoutMs?: number;
  /** The CLI's environment. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** The CLI's working folder (a project folder lets it resolve short stack names). Default the current one. */
  cwd?: string;
  /** Stops every running `pulumi` (its whole process group) and every export not yet started. */
  signal?: AbortSignal;
}

export const DEFAULT_EXPORT_CONCURRENCY = 4;
/** What the name of each stack's source starts with in the report: `pulumi:org/project/stack`. */
export const PULUMI_SOURCE_PREFIX = "pulumi:";
export const DEFAULT_PULUMI_TIMEOUT_MS = 300_000;

/** Values of the environment that could be echoed in a CLI's error text: never quoted back. */
const SECRET_VARIABLE = /TOKEN|SECRET|PASSWORD|PASSPHRASE|KEY|CONNECTION_?STRING|CREDENTIAL|SAS/i;

/** What one `pulumi` run gave. */
interface PulumiRun {
  code: number | null;
  /** The CLI's own account of a failure: its `error:` line (or last line), escaped and redacted. */
  complaint: string;
  timedOut: boolean;
  aborted: boolean;
  /** The stdout reader's error (over the size limit). */
  readError?: unknown;
  stdout?: string;
}

/** The binary to run and what chose it, for messages. */
export function pulumiCommand(options: Pick<PulumiStacksOptions, "pulumi" | "env">): {
  binary: string;
  chosenBy: string;
} {
  const env = options.env ?? process.env;
  if (options.pulumi !== undefined && options.pulumi !== "")
    return { binary: options.pulumi, chosenBy: "--pulumi" };
  if (env.PULUMI_CLI) return { binary: env.PULUMI_CLI, chosenBy: "PULUMI_CLI" };
  return { binary: "pulumi", chosenBy: "PATH" };
}

class PulumiRunner {
  private readonly running = new Set<OwnedChild>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly redact: string[];
  readonly binary: string;
  private readonly chosenBy: string;

  constructor(private readonly options: PulumiStacksOptions) {
    const chosen = pulumiCommand(options);
    this.binary = chosen.binary;
    this.chosenBy = chosen.chosenBy;
    const base = options.env ?? process.env;
    // The user's settings win; only the daily update check (a request per process) is turned off.
    this.env = { PULUMI_SKIP_UPDATE_CHECK: "true", ...base };
    this.redact = Object.entries(base)
      .filter(([name, value]) => SECRET_VARIABLE.test(name) && value !== undefined && value.length >= 4)
      .map(([, value]) => value as string)
      .sort((a, b) => b.length - a.length); // a value inside another must not leave the rest showing
    options.signal?.addEventListener("abort", () => this.killAll(), { once: true });
  }

  /** Which CLI, for messages: `pulumi (on PATH)`, `/opt/pulumi (--pulumi)`. */
  describe(): string {
    return this.chosenBy === "PATH" ? "`pulumi` (on PATH)" : `${this.binary} (${this.chosenBy})`;
  }

  private killAll(): void {
    for (const owned of this.running) killGroup(owned);
  }

  /** Runs `pulumi ARGS --non-interactive`; stdout goes to `read` (which may stop early), stderr is kept short. */
  run(args: string[], read: (stdout: AsyncIterable<Buffer>) => Promise<string>): Promise<PulumiRun> {
    if (this.options.signal?.aborted) {
      return Promise.resolve({ code: null, complaint: "", timedOut: false, aborted: true });
    }
    return new Promise((resolve, reject) => {
      // A process group of its own: see killGroup.
      const owned = spawnPulumi(this.binary, args, {
        ...(this.options.cwd !== undefined ? { cwd: this.options.cwd } : {}),
        env: this.env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      const { child } = owned;
      // Both piped above.
      const [stdoutStream, stderrStream] = [child.stdout!, child.stderr!];
      this.running.add(owned);
      // `pulumi` has exited: what it wrote is in the pipe, and whatever it left behind (holding the pipe open,
      // so that "close" would wait for it) goes now.
      child.on("exit", () => killGroup(owned));
      let stderr = "";
      stderrStream.setEncoding("utf8").on("data", (chunk: string) => {
        stderr = (stderr + chunk).slice(-16_384);
      });
      let stdout: string | undefined;
      let readError: unknown;
      const reading = read(stdoutStream).then(
        (text) => (stdout = text),
        (error: unknown) => {
          readError = error;
          killGroup(owned);
        },
      );
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        killGroup(owned);
      }, this.options.timeoutMs ?? DEFAULT_PULUMI_TIMEOUT_MS);
      child.on("error", (error: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        this.running.delete(owned);
        stdoutStream.destroy();
        reject(this.spawnFailure(error));
      });
      child.on("close", (code) => {
        clearTimeout(timer);
        this.running.delete(owned);
        void reading.then(() =>
          resolve({
            code,
            complaint: this.complaint(stderr),
            timedOut,
            aborted: this.options.signal?.aborted === true,
            ...(readError !== undefined ? { readError } : {}),
            ...(stdout !== undefined ? { stdout } : {}),
          }),
        );
      });
    });
  }

  private spawnFailure(error: NodeJS.ErrnoException): PulumiCliError {
    const how =
      this.chosenBy === "PATH"
        ? "install it (https://www.pulumi.com/docs/install/) or name one with --pulumi PATH or PULUMI_CLI"
        : `check the path given by ${this.chosenBy}`;
    const what = error.code === "ENOENT" ? "not found" : `cannot be started (${error.code ?? error.message})`;
    return new PulumiCliError(`the Pulumi CLI ${this.describe()} is ${what}: ${how}`);
  }

  private complaint(stderr: string): string {
    const lines = stderr
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter(Boolean);
    const line = lines.find((l) => /^error:/i.test(l)) ?? lines.at(-1) ?? "no error text";
    return sanitizeText(line, 300, this.redact);
  }
}

/**
 * Ends a child and everything it started, whatever the child's own state: a `pulumi` that has exited may
 * still lead a group of survivors, and those hold its output open.
 */
function killGroup(owned: OwnedChild): void {
  void killOwned(owned);
}

const collectText = async (stream: AsyncIterable<Buffer>): Promise<string> => {
  let text = "";
  for await (const chunk of stream) {
    text += chunk.toString("utf8");
    if (text.length > 64 * 1024 * 1024) throw new Error("more than 64 MiB of output");
  }
  return text;
};

function failure(run: PulumiRun, command: string, limitMs: number): string {
  if (run.aborted) return `\`${command}\` was stopped`;
  if (run.timedOut) {
    return `\`${command}\` did not finish within ${limitMs / 1000} s, and was stopped with everything it started (raise --pulumi-timeout)`;
  }
  return `\`${command}\` exited ${run.code ?? "on a signal"}: ${run.complaint}`;
}

/** `pulumi whoami`: a CLI that is not logged in is named before any stack is asked for. */
async function checkLogin(runner: PulumiRunner, limitMs: number): Promise<void> {
  const run = await runner.run(["whoami"], collectText);
  if (run.code === 0) return;
  throw new PulumiCliError(
    `the Pulumi CLI ${runner.describe()} is not logged in to a backend (${failure(run, "pulumi whoami", limitMs)}): ` +
      "run `pulumi login` in this environment, or set PULUMI_BACKEND_URL (a self-managed backend) or PULUMI_ACCESS_TOKEN (Pulumi Cloud)",
  );
}

/** `pulumi stack ls --all --json`, filtered by the pattern. */
async function listStacks(
  runner: PulumiRunner,
  pattern: string | undefined,
  limitMs: number,
): Promise<string[]> {
  const command = "pulumi stack ls --all --json";
  const run = await runner.run(["stack", "ls", "--all", "--json"], collectText);
  if (run.code !== 0 || run.stdout === undefined) {
    throw new PulumiCliError(`cannot list the stacks: ${failure(run, command, limitMs)}`);
  }
  let listed: unknown;
  try {
    listed = JSON.parse(run.stdout);
  } catch {
    throw new PulumiCliError(`cannot list the stacks: \`${command}\` printed no JSON`);
  }
  const names = (Array.isArray(listed) ? listed : [])
    .map((s) => (s as { name?: unknown } | null)?.name)
    .filter((n): n is string => typeof n === "string" && n !== "");
  if (!Array.isArray(listed) || names.length !== listed.length) {
    throw new PulumiCliError(
      `cannot list the stacks: \`${command}\` printed JSON that is not a list of named stacks`,
    );
  }
  if (pattern === undefined) return names;
  const matches = globMatcher([pattern]);
  // `org/project/stack`, `project/stack`, `stack`: as a user would name it.
  return names.filter((name) => {
    const parts = name.split("/");
    return matches(parts.map((_, i) => parts.slice(i).join("/")));
  });
}

/**
 * The state sources of stacks named through the Pulumi CLI. Fails (a {@link PulumiCliError}) when the CLI
 * cannot be run, is not logged in, or cannot list the stacks; each stack's export that fails later is that
 * source's error, and the others are still read.
 */
export async function pulumiStackSources(
  options: PulumiStacksOptions,
  sourceOptions: SourceOptions = {},
): Promise<StateSource[]> {
  const concurrency = options.concurrency ?? DEFAULT_EXPORT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 32) {
    throw new Error(
      `pulumi.concurrency must be a whole number from 1 to 32 (got ${String(options.concurrency)})`,
    );
  }
  const limitMs = options.timeoutMs ?? DEFAULT_PULUMI_TIMEOUT_MS;
  if (!Number.isInteger(limitMs) || limitMs < 1) {
    throw new Error(
      `pulumi.timeoutMs must be a whole number of ms, 1 or more (got ${String(options.timeoutMs)})`,
    );
  }
  const runner = new PulumiRunner(options);
  await checkLogin(runner, limitMs);
  const names = [...(options.stacks ?? [])];
  if (options.allStacks) {
    const listed = await listStacks(runner, options.stackPattern, limitMs);
    if (listed.length === 0) {
      throw new PulumiCliError(
        `\`pulumi stack ls --all\` lists no stack${options.stackPattern !== undefined ? ` matching ${JSON.stringify(options.stackPattern)}` : ""} on the backend the CLI is logged in to`,
      );
    }
    names.push(...listed);
  }
  const unique = [...new Set(names)];
  const limit = sourceOptions.maxStateBytes;
  const exportOne = async (name: string): Promise<string> => {
    const args = ["stack", "export", "--stack", name, ...(options.showSecrets ? ["--show-secrets"] : [])];
    const source = `${PULUMI_SOURCE_PREFIX}${name}`;
    const run = await runner.run(args, (stdout) =>
      readDocument(stdout, source, limit ?? Number.MAX_SAFE_INTEGER),
    );
    if (run.readError instanceof Error && !run.timedOut && !run.aborted) throw run.readError;
    if (run.code !== 0 || run.stdout === undefined) {
      throw new StateSourceError(`${source}: ${failure(run, `pulumi ${args.join(" ")}`, limitMs)}`);
    }
    return run.stdout;
  };
  // A window of `concurrency` exports ahead of the reader, which reads the sources in order: at most that
  // many processes run and that many documents wait in memory.
  const started: (Promise<string> | undefined)[] = [];
  const start = (i: number) => {
    if (i < unique.length && started[i] === undefined) {
      const p = exportOne(unique[i]);
      p.catch(() => undefined); // read (and reported) by its source; never an unhandled rejection
      started[i] = p;
    }
  };
  return unique.map((name, i) => ({
    name: `${PULUMI_SOURCE_PREFIX}${name}`,
    read: async () => {
      for (let j = i; j < i + concurrency; j++) start(j);
      try {
        return await started[i]!;
      } finally {
        started[i] = Promise.resolve(""); // the document is the reader's now
      }
    },
  }));
}
