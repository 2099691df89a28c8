// `gallery-lookup drift`: checks every GalleryLookup in Pulumi state for drift without running the
// programs. The work is in ../drift; this module parses the flags, shows progress and prints the report.
import type { DriftCheckOptions } from "../drift/checkDrift";
import type { DriftReport } from "../drift/driftReport";
import { UsageError } from "../errors/UsageError";
import { pulumiStacksOf } from "./driftStacks";
import { isLoopbackEndpoint, probeEmulator } from "./emulatorProbe";
import { helpText, parseArgs, stringFlag, type CommandSpec } from "./args";
import { installStopHandlers, stopSignal } from "./lifecycle";

/** What the flags ask for. */
export interface DriftCommandArgs {
  options: DriftCheckOptions;
  format: "terminal" | "json" | "markdown";
  github: boolean;
  quiet: boolean;
  noColour: boolean;
  help: boolean;
}

const BYTE_UNITS: Record<string, number> = {
  "": 1,
  k: 2 ** 10,
  kib: 2 ** 10,
  m: 2 ** 20,
  mib: 2 ** 20,
  g: 2 ** 30,
  gib: 2 ** 30,
};

/** `--max-state-bytes 64MiB` as a number of bytes. */
function byteCount(flag: string, text: string, max: number): number {
  const m = /^(\d+)\s*([a-z]*)$/i.exec(text.trim());
  const unit = m ? m[2].toLowerCase() : "";
  const bytes = m && Object.hasOwn(BYTE_UNITS, unit) ? Number(m[1]) * BYTE_UNITS[unit] : NaN;
  if (!Number.isSafeInteger(bytes) || bytes < 1 || bytes > max) {
    throw new UsageError(
      `${flag} must be a number of bytes from 1 to ${max / 2 ** 20}MiB, with an optional K, M or G suffix (got ${JSON.stringify(text)})`,
    );
  }
  return bytes;
}

const STATE = "State (one or both)";
const REPORT = "Report (default: a readable report on stdout, coloured on a terminal)";
const COUNTS = "What counts";

/** The flags, for the shared parser and the `--help` text (args.ts's `helpText`, by topic). */
export const DRIFT_SPEC: CommandSpec = {
  name: "drift",
  summary: "Check every GalleryLookup in Pulumi state for drift",
  description:
    "Reads each distinct gallery once from Azure (GET only, with the package's credentials and throttling) " +
    "and compares it with what the state holds, through the provider's own diff, so the verdict is the one " +
    "`pulumi preview` would reach. Writes nothing, to Azure or to the state.",
  operands: "[FILE...]",
  operandsHelp: {
    topic: STATE,
    description:
      "Files written by `pulumi stack export` (one stack each), plain or gzipped; `-` reads standard input",
  },
  maxOperands: Infinity,
  flags: [
    {
      name: "backend",
      value: "URL",
      topic: STATE,
      description:
        "A self-managed backend, read in place: file://<folder> (as given to `pulumi login`) or the folder; " +
        "every stack in it, or those named by --stack",
    },
    {
      name: "stack",
      value: "NAME",
      multiple: true,
      topic: STATE,
      description:
        "With --backend: check this stack only (stack or project/stack); repeatable. Without --backend: " +
        "`pulumi stack export --stack NAME` through the Pulumi CLI, with its own login, backend (Pulumi " +
        "Cloud, azblob://, s3://, gs://, file://) and secrets provider; NAME as the CLI takes it (org/project/stack)",
    },
    { name: "json", topic: REPORT, description: "The report as JSON (versioned schema: docs/drift.md)" },
    {
      name: "markdown",
      topic: REPORT,
      description: "The report as Markdown (pull-request comment, CI step summary)",
    },
    {
      name: "no-color",
      topic: REPORT,
      description: "No colour even on a terminal (NO_COLOR is honoured too)",
    },
    {
      name: "quiet",
      short: "q",
      topic: REPORT,
      description: "No progress on stderr (progress shows only on a terminal, after 1 s)",
    },
    {
      name: "ignore-field",
      value: "PATH",
      multiple: true,
      topic: COUNTS,
      description:
        "A changed output that is accepted: a name or a dotted path (sharingStatus, tags.costCenter); " +
        "repeatable or comma-separated",
    },
    {
      name: "ignore-lookup",
      value: "GLOB",
      multiple: true,
      topic: COUNTS,
      description:
        "A lookup not to check, matched (* wildcard, any case) against its URN, gallery id, " +
        "project/stack or name; repeatable",
    },
    {
      name: "unreadable",
      value: "error|warn",
      topic: COUNTS,
      description:
        "A lookup whose state cannot be read (encrypted secrets, bad arguments): fails the run " +
        "(error, default) or is reported only (warn)",
    },
    {
      name: "concurrency",
      value: "N",
      topic: COUNTS,
      description: "Galleries read at once (1-256, default 32)",
    },
    {
      name: "max-state-bytes",
      value: "N",
      topic: COUNTS,
      description:
        "Bytes of JSON one state source may hold once decompressed (default 256MiB, at most 512MiB; " +
        "K/KiB, M/MiB, G/GiB suffixes); a larger source is an error naming it, and the others are still checked",
    },
    {
      name: "all-stacks",
      helpValue: "[=GLOB]",
      topic: STATE,
      description:
        "Every stack `pulumi stack ls --all --json` lists, or those matching GLOB (* wildcard, any case; " +
        "against org/project/stack, project/stack or stack)",
    },
    {
      name: "show-secrets",
      topic: STATE,
      description:
        "Passed to each `pulumi stack export`, so that lookups whose arguments are secrets can be checked; " +
        "no decrypted value reaches the report or a message",
    },
    {
      name: "pulumi",
      value: "PATH",
      topic: STATE,
      description:
        "The Pulumi CLI to run (default: PULUMI_CLI, else `pulumi` on PATH). Not found: exit 1, naming it. " +
        "Not logged in (`pulumi whoami` fails): exit 1, quoting its error, before any stack is read",
    },
    {
      name: "export-concurrency",
      value: "N",
      topic: STATE,
      description:
        "Stacks exported at once (1-32, default 4); each export that fails is that stack's error, and " +
        "the others are still checked",
    },
    {
      name: "pulumi-timeout",
      value: "S",
      topic: STATE,
      description:
        "Seconds each `pulumi` command may take (default 300); past it (or on Ctrl-C) its whole process " +
        "group is killed",
    },
    {
      name: "github",
      topic: REPORT,
      description:
        "In GitHub Actions (GITHUB_ACTIONS=true, GITHUB_STEP_SUMMARY set): the Markdown report appended " +
        "to the job summary, one ::warning:: (drift) or ::error:: (not checked) annotation per lookup, then " +
        "the plain report; elsewhere a note on stderr and the plain report",
    },
  ],
  notes: `Exit codes (Terraform's -detailed-exitcode):
  0  no drift          every lookup matches its gallery
  2  drift found       a gallery changed or was deleted
  1  error             bad input, a gallery that could not be read, or an unreadable lookup
                       (unless --unreadable warn); reported drift is still listed

Azure sign-in and settings are the package's: see the README (DefaultAzureCredential, ARM_* / AZURE_*,
GALLERY_LOOKUP_* variables).`,
};

/** Parses the command's flags; throws {@link UsageError} on anything it does not know, naming the flag and the rule. */
export function parseDriftArgs(args: string[]): DriftCommandArgs {
  // node:util's parser has no optional values: `--all-stacks=GLOB` is parsed as the flag, and
  // driftStacks.ts reads the pattern from the raw arguments.
  const parsed = parseArgs(
    DRIFT_SPEC,
    args.map((arg, i) =>
      arg.startsWith("--all-stacks=") && !args.slice(0, i).includes("--") ? "--all-stacks" : arg,
    ),
  );
  const list = (name: string) => parsed.lists.get(name);
  // Absent flags are undefined, as node:util reports them (driftStacks.ts tells given from not given).
  const v = {
    backend: stringFlag(parsed, "backend"),
    stack: list("stack"),
    json: parsed.flags.has("json") || undefined,
    markdown: parsed.flags.has("markdown") || undefined,
    "no-color": parsed.flags.has("no-color") || undefined,
    quiet: parsed.flags.has("quiet") || undefined,
    "ignore-field": list("ignore-field"),
    "ignore-lookup": list("ignore-lookup"),
    unreadable: stringFlag(parsed, "unreadable"),
    concurrency: stringFlag(parsed, "concurrency"),
    "max-state-bytes": stringFlag(parsed, "max-state-bytes"),
    "all-stacks": parsed.flags.has("all-stacks") || undefined,
    "show-secrets": parsed.flags.has("show-secrets") || undefined,
    pulumi: stringFlag(parsed, "pulumi"),
    "export-concurrency": stringFlag(parsed, "export-concurrency"),
    "pulumi-timeout": stringFlag(parsed, "pulumi-timeout"),
    github: parsed.flags.has("github") || undefined,
    help: parsed.help,
  };
  if (v.json && v.markdown) throw new UsageError("--json and --markdown cannot be combined: pick one format");
  if (v.github && (v.json || v.markdown))
    throw new UsageError(
      "--github prints its own report (Markdown to the job summary): drop --json/--markdown",
    );
  if (v.unreadable !== undefined && v.unreadable !== "error" && v.unreadable !== "warn") {
    throw new UsageError(`--unreadable must be "error" or "warn" (got ${JSON.stringify(v.unreadable)})`);
  }
  let concurrency: number | undefined;
  if (v.concurrency !== undefined) {
    concurrency = Number(v.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 256) {
      throw new UsageError(
        `--concurrency must be a whole number from 1 to 256 (got ${JSON.stringify(v.concurrency)})`,
      );
    }
  }
  const { MAX_STATE_BYTES_LIMIT } = require("../drift/sources") as typeof import("../drift/sources");
  const maxStateBytes =
    v["max-state-bytes"] === undefined
      ? undefined
      : byteCount("--max-state-bytes", v["max-state-bytes"], MAX_STATE_BYTES_LIMIT);
  const pulumi = pulumiStacksOf(v, args);
  const ignoreFields = (v["ignore-field"] ?? [])
    .flatMap((f) => f.split(","))
    .map((f) => f.trim())
    .filter(Boolean);
  const options: DriftCheckOptions = {
    files: parsed.operands,
    ...(v.backend !== undefined ? { backend: v.backend } : {}),
    ...(v.stack && v.backend !== undefined ? { stacks: v.stack } : {}),
    ...(pulumi ? { pulumi } : {}),
    ignoreFields,
    ignoreLookups: v["ignore-lookup"] ?? [],
    unreadable: v.unreadable ?? "error",
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(maxStateBytes !== undefined ? { maxStateBytes } : {}),
  };
  if (!v.help && parsed.operands.length === 0 && v.backend === undefined && !pulumi) {
    throw new UsageError(
      "no state given: name export files (`-` for stdin), --backend file://<folder>, --stack NAME or --all-stacks",
    );
  }
  return {
    options,
    format: v.json ? "json" : v.markdown ? "markdown" : "terminal",
    github: v.github === true,
    quiet: v.quiet === true,
    noColour: v["no-color"] === true,
    help: v.help === true,
  };
}

/** Progress on stderr: only on a terminal, only once the run has lasted a second, erased at the end. */
function progressReporter(enabled: boolean): {
  update: (done: number, total: number) => void;
  end: () => void;
} {
  if (!enabled) return { update: () => undefined, end: () => undefined };
  const started = Date.now();
  let shown = false;
  let last = { done: 0, total: 0 };
  const draw = () => {
    shown = true;
    process.stderr.write(`\r\u001b[2Kgallery-lookup drift: ${last.done}/${last.total} galleries read`);
  };
  const timer = setInterval(() => {
    if (Date.now() - started >= 1000 && last.total > 0) draw();
  }, 250);
  timer.unref();
  return {
    update: (done, total) => {
      last = { done, total };
    },
    end: () => {
      clearInterval(timer);
      if (shown) process.stderr.write("\r\u001b[2K");
    },
  };
}

/**
 * Why the environment's local emulator cannot be used, when it names one (a loopback ARM endpoint or
 * authority) with nothing listening there: every lookup would fail, after seconds of sign-in retries.
 */
async function staleEmulator(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const variable of ["AZURE_RESOURCE_MANAGER_ENDPOINT", "AZURE_AUTHORITY_HOST"] as const) {
    const endpoint = env[variable];
    if (!isLoopbackEndpoint(endpoint)) continue;
    const probe = await probeEmulator(endpoint, env.NODE_EXTRA_CA_CERTS);
    if (!probe.answered && probe.refused) {
      return (
        `${variable}=${endpoint} names a local emulator, but ${probe.reason}: start it ` +
        "(`gallery-lookup emulator --env > emulator.env &`, then `. ./emulator.env`), or unset the emulator's variables"
      );
    }
  }
  return undefined;
}

/** `gallery-lookup drift ...`: resolves to the exit code (0 no drift, 2 drift, 1 error). */
export async function runDriftCommand(args: string[]): Promise<number> {
  // A UsageError goes to main.ts, which words it as for every command (exit 1 here: 2 means drift).
  const parsed = parseDriftArgs(args);
  if (parsed.help) {
    process.stdout.write(helpText(DRIFT_SPEC));
    return 0;
  }
  // Under --github the runner reads stderr for workflow commands too, and a message may quote a folder,
  // stack or endpoint name: each message is then one inert line.
  const say = parsed.github
    ? (text: string) =>
        process.stderr.write((require("../drift/github") as typeof import("../drift/github")).inertLine(text))
    : (text: string) => process.stderr.write(text);
  const stale = await staleEmulator(process.env);
  if (stale) {
    say(`gallery-lookup drift: ${stale}\n`);
    return 1;
  }
  const { checkDrift } = require("../drift/checkDrift") as typeof import("../drift/checkDrift");
  const render = require("../drift/render") as typeof import("../drift/render");
  const progress = progressReporter(!parsed.quiet && process.stderr.isTTY === true);
  let report: DriftReport;
  // Stacks exported through the Pulumi CLI are child process groups: Ctrl-C must end them too.
  if (parsed.options.pulumi) installStopHandlers();
  try {
    report = await checkDrift({
      ...parsed.options,
      ...(parsed.options.pulumi ? { pulumi: { ...parsed.options.pulumi, signal: stopSignal } } : {}),
      onProgress: progress.update,
    });
  } catch (error) {
    progress.end();
    say(`gallery-lookup drift: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  } finally {
    progress.end();
  }
  if (parsed.github) {
    const { reportToGitHub } = require("../drift/github") as typeof import("../drift/github");
    const written = reportToGitHub(
      report,
      { markdown: render.renderMarkdown(report), plain: render.renderTerminal(report, false) },
      {
        env: process.env,
        stdout: (t) => process.stdout.write(t),
        stderr: (t) => process.stderr.write(t),
      },
    );
    return written ? report.exitCode : 1;
  }
  const colour = process.stdout.isTTY === true && !parsed.noColour && !process.env.NO_COLOR;
  process.stdout.write(
    parsed.format === "json"
      ? render.renderJson(report)
      : parsed.format === "markdown"
        ? render.renderMarkdown(report)
        : render.renderTerminal(report, colour),
  );
  return report.exitCode;
}
