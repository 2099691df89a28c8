import { strict as assert } from "node:assert";
import fc from "fast-check";
import { helpText, parseArgs, secondsFlag, type CommandSpec } from "#internal/cli/args";
import { shellExports } from "#internal/cli/emulatorCommand";
import { UsageError } from "#internal/errors/UsageError";
import { execFileSync } from "node:child_process";

const SPEC: CommandSpec = {
  name: "preview",
  summary: "Preview",
  operands: "[DIR]",
  maxOperands: 1,
  flags: [
    { name: "seed", value: "FILE", description: "A seed" },
    { name: "json", description: "JSON" },
    { name: "env", value: "FORMAT", implied: "sh", choices: ["sh", "json"], description: "Env" },
    { name: "timeout", value: "SECONDS", description: "Time limit" },
  ],
};

describe("cli: the flag parser", () => {
  it("takes values spaced or inline, switches, operands, and -- ends the flags", () => {
    const p = parseArgs(SPEC, ["--seed", "a.json", "dir", "--json", "--timeout=5"]);
    assert.deepEqual(
      [...p.flags],
      [
        ["seed", "a.json"],
        ["json", true],
        ["timeout", "5"],
      ],
    );
    assert.deepEqual(p.operands, ["dir"]);
    assert.deepEqual(parseArgs(SPEC, ["--", "--json"]).operands, ["--json"]);
  });

  it("an optional value: --env alone is sh, --env json is json, and --env DIR leaves DIR an operand", () => {
    assert.equal(parseArgs(SPEC, ["--env"]).flags.get("env"), "sh");
    assert.equal(parseArgs(SPEC, ["--env", "json"]).flags.get("env"), "json");
    const p = parseArgs(SPEC, ["--env", "project"]);
    assert.deepEqual([p.flags.get("env"), p.operands], ["sh", ["project"]]);
    assert.throws(() => parseArgs(SPEC, ["--env=yaml"]), /--env must be one of sh, json, not 'yaml'/);
  });

  it("refuses, naming the flag and the rule: unknown flags, missing values, values to switches, extra operands", () => {
    const cases: [string[], RegExp][] = [
      [["--sed", "x"], /unknown option '--sed' for 'preview'/],
      [["--seed"], /--seed needs a value \(FILE\)/],
      [["--seed", "--json"], /--seed needs a value/],
      [["--json=yes"], /--json takes no value/],
      [["a", "b"], /at most 1 argument \[DIR\], got 2/],
    ];
    for (const [args, message] of cases) {
      assert.throws(
        () => parseArgs(SPEC, args),
        (e: unknown) => e instanceof UsageError && message.test(e.message),
      );
    }
  });

  it("any flag not declared is refused (property)", () => {
    const declared = new Set(SPEC.flags.map((f) => f.name));
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z-]{0,12}$/), (name) => {
        if (declared.has(name) || name === "help") return;
        assert.throws(() => parseArgs(SPEC, [`--${name}`]), UsageError);
      }),
    );
  });

  it("--timeout is a positive number of seconds", () => {
    assert.equal(secondsFlag(parseArgs(SPEC, ["--timeout", "1.5"]), "timeout", 60), 1500);
    assert.equal(secondsFlag(parseArgs(SPEC, []), "timeout", 60), 60_000);
    for (const bad of ["0", "-1", "soon"]) {
      assert.throws(
        () => secondsFlag(parseArgs(SPEC, [`--timeout=${bad}`]), "timeout", 60),
        /positive number/,
      );
    }
  });

  it("help describes every flag, and --help wins over a bad command line", () => {
    const text = helpText(SPEC);
    for (const f of SPEC.flags) assert.match(text, new RegExp(`--${f.name}.*${f.description}`));
    assert.match(text, /--env\[=FORMAT\]/);
    assert.equal(parseArgs(SPEC, ["a", "b", "--help"]).help, true);
  });

  it("help lists flags under their topics, in the spec's order, and wraps a long description under its column", () => {
    const long = "word ".repeat(40).trim();
    const text = helpText({
      name: "check",
      summary: "Checks",
      operands: "[FILE...]",
      operandsHelp: { topic: "Input", description: "Files" },
      flags: [
        { name: "json", topic: "Output", description: "As JSON" },
        { name: "from", value: "URL", topic: "Input", description: long },
        { name: "all", helpValue: "[=GLOB]", topic: "Input", description: "Every one" },
      ],
    });
    const lines = text.split("\n");
    const at = (start: string) => lines.findIndex((l) => l.startsWith(start));
    assert.ok(at("Input:") < at("  FILE...") && at("  FILE...") < at("  --from URL"), text);
    assert.ok(at("  --from URL") < at("  --all[=GLOB]") && at("  --all[=GLOB]") < at("Output:"), text);
    assert.ok(at("Output:") < at("  --json") && at("  --json") < at("Options:"), text);
    assert.ok(
      lines.every((l) => l.length <= 104),
      text,
    );
    const column = lines[at("  --from URL")].indexOf("word");
    const continued = lines.slice(at("  --from URL") + 1, at("  --all[=GLOB]"));
    assert.ok(continued.length > 0 && continued.every((l) => l.indexOf("word") === column), text);
    assert.equal(text.replace(/\s+/g, " ").includes(long), true);
  });

  it("shell exports survive quotes and spaces when evaluated by sh", () => {
    const env = { A: "it's a 'test'", B: "x y $HOME `id`" };
    const printed = execFileSync("sh", ["-c", `${shellExports(env)}\nprintf '%s|%s' "$A" "$B"`], {
      encoding: "utf8",
    });
    assert.equal(printed, `${env.A}|${env.B}`);
  });
});
