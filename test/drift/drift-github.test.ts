// `gallery-lookup drift --github`: inside GitHub Actions, the Markdown report appended to the job summary
// and one workflow annotation per lookup that needs attention, every line checked against the
// workflow-command format (with names and tags written to break it); outside Actions, a note and the
// plain report.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { galleryId } from "#internal/emulator/index";
import { runDrift } from "../support/driftCli";
import { parseReportMarkdown } from "../support/markdownMarkup";
import {
  baseResources,
  ciphertext,
  exportDocument,
  lookupAfterUp,
  lookupProviderText,
  lookupResource,
  useDriftRig,
  writeDocument,
  type Json,
} from "../support/driftState";
import { assertNoCanary } from "../support/canaries";
import { canaryEnvironment } from "../support/reliability";

/** A name and a tag made to break the format: line breaks, `::` (a URN cannot hold it in a name), commas, colons, percent escapes. */
const HOSTILE_NAME = "evil%0A:error title=x:pwned,a:b\nnext ##[warning]old form";
const HOSTILE_TAG = "50%,owner:x\r\n::warning::fake %25 %3A";

/** What varies from run to run in a plain report. */
const steady = (text: string) =>
  text.replace(/x-ms-request-id [0-9a-f-]+/g, "x-ms-request-id …").replace(/in \d+ ms/g, "in … ms");

/** The toolkit's unescaping (actions/toolkit packages/core command.ts), to read back what the runner reads. */
const unescapeData = (s: string) => s.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%");
const unescapeProperty = (s: string) => unescapeData(s.replace(/%3A/g, ":").replace(/%2C/g, ","));

/**
 * The workflow commands a runner would obey in `text` (stdout or stderr: it reads both), read as the runner
 * reads them (actions/runner ActionCommand.cs): line by line (CR, LF or CRLF end a line), `::command` after
 * leading white space, the older `##[command]` anywhere in a line, nothing between `::stop-commands::TOKEN`
 * and `::TOKEN::`.
 */
function commandsObeyed(text: string): string[] {
  const obeyed: string[] = [];
  let stoppedUntil: string | undefined;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (stoppedUntil !== undefined) {
      if (line === stoppedUntil) stoppedUntil = undefined;
      continue;
    }
    if (line.startsWith("::")) {
      const stop = /^::stop-commands::(.+)$/.exec(line);
      if (stop) stoppedUntil = `::${stop[1]}::`;
      obeyed.push(line);
    } else if (line.includes("##[")) obeyed.push(line.slice(line.indexOf("##[")));
  }
  return obeyed;
}

describe("drift: --github (job summary and workflow annotations)", function () {
  this.timeout(60_000);
  const rig = useDriftRig({ prefix: "drift-github-" });
  let files: string[];
  let env: NodeJS.ProcessEnv;

  before(async () => {
    const { azure, client, dir, args } = rig;
    env = { PATH: process.env.PATH, HOME: os.homedir(), ...canaryEnvironment(azure) };
    for (const name of ["ghDrifted", "ghDeleted"]) {
      rig.seedGallery(name, { tags: { owner: "platform" }, properties: {} });
    }
    const where = (stack: string, name: string) => ({ project: "proj,ect:1", stack, name });
    const prod = baseResources("proj,ect:1", "prod%25");
    prod.push(await lookupAfterUp(client, where("prod%25", HOSTILE_NAME), args("ghDrifted")));
    prod.push(await lookupAfterUp(client, where("prod%25", "gone"), args("ghDeleted")));
    const secret = await lookupAfterUp(client, where("prod%25", "sealed"), args("myGalleryName"));
    for (const bag of ["inputs", "outputs"]) (secret[bag] as Json).galleryName = ciphertext();
    prod.push(secret);
    files = [
      writeDocument(path.join(dir, "prod.json"), exportDocument(prod)),
      path.join(dir, "broken,%0A.json"),
    ];
    fs.writeFileSync(files[1], "not json");
    azure.patchGallery(galleryId(azure.subscriptionId, azure.resourceGroupName, "ghDrifted"), {
      tags: { owner: HOSTILE_TAG },
    });
    assert.ok(azure.removeGallery(galleryId(azure.subscriptionId, azure.resourceGroupName, "ghDeleted")));
  });

  it("inside Actions: one annotation per lookup to look at, each line in the workflow-command format", async () => {
    const summary = path.join(rig.dir, "summary.md");
    fs.writeFileSync(summary, "# earlier step\n");
    const run = await runDrift(["--github", ...files], {
      ...env,
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
    });
    assertNoCanary(run.stdout + run.stderr, "drift --github");
    assert.equal(run.code, 1, "an unreadable lookup and source fail the run");
    assert.equal(run.stderr, "");
    const lines = run.stdout.split("\n");
    const fence = lines.findIndex((l) => l.startsWith("::stop-commands::"));
    assert.ok(fence > 0, run.stdout);
    const annotations = lines.slice(0, fence).map((line) => {
      // ::command key=value::data — properties escaped so that neither ':' nor ',' appears raw in them.
      const m = /^::(warning|error) title=([^:,\r\n]*)::([^\r\n]*)$/.exec(line);
      assert.ok(m, `not a workflow command: ${JSON.stringify(line)}`);
      assert.doesNotMatch(m[3], /%(?!25|0D|0A)/, `an unescaped % in the data of ${line}`);
      assert.doesNotMatch(m[2], /%(?!25|0D|0A|3A|2C)/, `an unescaped % in the title of ${line}`);
      return { command: m[1], title: unescapeProperty(m[2]), message: unescapeData(m[3]) };
    });
    assert.deepEqual(
      annotations.map((a) => [a.command, a.title.split(":")[0]]),
      [
        ["error", "State not read"],
        ["warning", "Gallery drifted"],
        ["warning", "Gallery deleted"],
        ["error", "Lookup unreadable"],
      ],
    );
    const drifted = annotations[1];
    // Read back as the runner reads it: the hostile name whole, its line break made visible, on one line.
    assert.equal(
      drifted.title,
      `Gallery drifted: proj,ect:1/prod%25 ${HOSTILE_NAME.replace("\n", "\\u000a")}`,
    );
    assert.ok(!drifted.title.includes("\n"));
    const [id, change] = drifted.message.split("\n");
    assert.equal(id, galleryId(rig.azure.subscriptionId, rig.azure.resourceGroupName, "ghDrifted"));
    assert.equal(change, `tags.owner: "platform" ⇒ ${JSON.stringify(HOSTILE_TAG)}`);
    assert.match(
      annotations[2].message,
      /resourceId: "\/subscriptions\/.*" ⇒ \(absent\)\nGalleryNotFoundError: .*ghDeleted failed with HTTP 404/,
    );
    assert.match(annotations[3].message, /EncryptedStateError: encrypted in state: galleryName/);
    assert.match(annotations[0].title, /^State not read$/);
    assert.match(annotations[0].message, /broken,%0A\.json/);

    // The plain report follows, fenced: nothing in it is read as a command, and nothing follows the fence.
    const token = lines[fence].slice("::stop-commands::".length);
    assert.match(token, /^gallery-lookup-[0-9a-f]{24}$/);
    const end = lines.indexOf(`::${token}::`);
    assert.ok(end > fence + 1, "the report is closed by the resume line");
    assert.deepEqual(lines.slice(end + 1), [""]);
    const plain = await runDrift(files, env);
    assert.equal(
      steady(`${lines.slice(fence + 1, end).join("\n")}\n`),
      steady(plain.stdout),
      "the plain report, as without --github",
    );

    const written = fs.readFileSync(summary, "utf8");
    assert.ok(written.startsWith("# earlier step\n"), "appended, not overwritten");
    const markdown = await runDrift(["--markdown", ...files], env);
    assert.equal(steady(written), steady(`# earlier step\n${markdown.stdout}\n`));
  });

  it("outside Actions: a note on stderr, and the plain report", async () => {
    for (const outside of [{}, { GITHUB_STEP_SUMMARY: path.join(rig.dir, "s.md") }]) {
      const run = await runDrift(["--github", files[0]], { ...env, ...outside });
      assert.equal(run.code, 1);
      assert.match(run.stderr, /--github: not inside GitHub Actions .*: printing the plain report\n$/);
      assert.equal(steady(run.stdout), steady((await runDrift([files[0]], env)).stdout));
      assert.ok(!fs.existsSync(path.join(rig.dir, "s.md")), "no summary written outside Actions");
    }
  });

  it("a job summary that cannot be written fails the run, after the annotations", async () => {
    const run = await runDrift(["--github", files[0]], {
      ...env,
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: path.join(rig.dir, "no-such-folder", "summary.md"),
    });
    assert.equal(run.code, 1);
    assert.match(run.stderr, /cannot append to the job summary GITHUB_STEP_SUMMARY names \(ENOENT\)/);
    assert.match(run.stdout, /^::warning title=Gallery drifted/);
  });

  it("stderr under --github obeys no command a folder, stack or argument names (no stack, ambiguous, bad flag)", async () => {
    // Project folders named to inject: a line break then a command, the older form, a mask.
    const projects = [
      "app\n::error title=pwned::injected",
      "ops\r::add-mask::hidden",
      "web ##[error]old form",
    ];
    const backend = path.join(rig.dir, "hostile-backend");
    for (const project of projects) {
      const folder = path.join(backend, ".pulumi", "stacks", project);
      fs.mkdirSync(folder, { recursive: true });
      fs.writeFileSync(path.join(folder, "dev.json"), "{}");
    }
    const inActions = { ...env, GITHUB_ACTIONS: "true", GITHUB_STEP_SUMMARY: path.join(rig.dir, "s2.md") };
    const runs = {
      "no stack": await runDrift(["--github", "--backend", backend, "--stack", "prod"], inActions),
      ambiguous: await runDrift(["--github", "--backend", backend, "--stack", "dev"], inActions),
      "bad flag": await runDrift(["--github", "--x\n::error::flag", files[0]], inActions),
    };
    for (const [what, run] of Object.entries(runs)) {
      assert.equal(run.code, 1, what);
      assert.equal(run.stdout, "", what);
      assert.deepEqual(commandsObeyed(run.stderr), [], `${what}: ${JSON.stringify(run.stderr)}`);
      assert.equal(run.stderr.split("\n").length, 2, `${what}: one line`);
    }
    // Still readable: unescaped as the runner shows data, the message names every folder.
    for (const what of ["no stack", "ambiguous"] as const) {
      const shown = unescapeData(runs[what].stderr);
      for (const project of projects) assert.ok(shown.includes(project.replace("##[", "##%5B")), what);
    }
    assert.match(runs.ambiguous.stderr, /stack "dev" is ambiguous/);
    assert.match(runs["bad flag"].stderr, /--x.*::error::flag/);
  });

  it("a runner without a job summary still reads commands: the plain report is fenced", async () => {
    const run = await runDrift(["--github", files[0]], { ...env, GITHUB_ACTIONS: "true" });
    assert.equal(run.code, 1);
    assert.deepEqual(
      commandsObeyed(run.stdout).map((c) => c.replace(/gallery-lookup-[0-9a-f]{24}/, "TOKEN")),
      ["::stop-commands::TOKEN"],
    );
    assert.deepEqual(commandsObeyed(run.stderr), []);
  });

  it("the job summary and --markdown: a stored name quoted in an unreadable reason renders as text", async () => {
    const galleryName = "<img src=x onerror=alert(1)>@octocat [x](https://e.example) **b** #1";
    const args = { subscriptionId: rig.azure.subscriptionId, resourceGroupName: "rg", galleryName };
    const where = { project: "<b>web</b>", stack: "@octocat", name: "![i](https://e.example/i.png)" };
    const hostileState = writeDocument(
      path.join(rig.dir, "hostile-markdown.json"),
      exportDocument([
        ...baseResources(where.project, where.stack),
        lookupResource({ ...where, inputs: args, outputs: args, provider: await lookupProviderText() }),
      ]),
    );
    const summary = path.join(rig.dir, "hostile-summary.md");
    const github = await runDrift(["--github", hostileState], {
      ...env,
      GITHUB_ACTIONS: "true",
      GITHUB_STEP_SUMMARY: summary,
    });
    const markdown = await runDrift(["--markdown", hostileState], env);
    for (const [what, text] of [
      ["job summary", fs.readFileSync(summary, "utf8")],
      ["--markdown", markdown.stdout],
    ]) {
      assert.match(text, /\| unreadable \|/, what);
      const parsed = parseReportMarkdown(text);
      assert.deepEqual(parsed.foreign, [], `${what}: ${text}`);
      assert.ok(
        parsed.code.some((c) => c.includes(JSON.stringify(galleryName))),
        `${what}: the reason quotes the name, as code`,
      );
      assert.deepEqual(parsed.rows[1].slice(0, 3), ["<b>web</b>/@octocat", where.name, parsed.rows[1][2]]);
    }
    assert.equal(github.code, 1);
  });
});
