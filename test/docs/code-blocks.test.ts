// Every fenced code block of README.md and docs/*.md runs as written, or says on its page why it is
// not run (`text` blocks are output samples; `<!-- not-run: reason -->` before any other block).
// - ts blocks are type-checked together (strict, as a user's project would be), then each runs as an
//   ES module from a temporary folder that reaches the package by its name, the way a user imports it.
// - Every block runs in a network namespace with loopback only (`unshare -rn`), so a fallback to a
//   real endpoint fails instead of leaking. A block that starts its own emulator gets a clean
//   environment and nothing else; any other block gets an emulator in the namespace and its
//   environment() (as after `. ./emulator.env`), seeded with the galleries the pages name.
// A failure names the page and the line of the block's opening fence.
import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import type { ChildOutcome } from "../support/emulatorInNamespace";
import { readDocBlocks, type DocBlock } from "./docBlocks";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const RIG = path.join(ROOT, "build", "test", "support", "emulatorInNamespace.js");
const where = (b: DocBlock) => `${b.file}:${b.line}`;
const slug = (b: DocBlock) => `${b.file.replace(/\W+/g, "-")}-${b.line}`;

/** The blocks this test runs: TypeScript that starts its own emulator. */
const runs = (b: DocBlock) => b.notRun === undefined && b.lang === "ts" && b.code.includes("startEmulator(");

function inNamespace(
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv },
): Promise<ChildOutcome> {
  const command = [
    "ip link set lo up",
    `exec "${process.execPath}" "${RIG}" ${args.map((a) => `"${a}"`).join(" ")}`,
  ];
  return new Promise((resolve, reject) => {
    execFile(
      "unshare",
      ["-rn", "sh", "-c", command.join("; ")],
      { ...options, timeout: 60_000 },
      (error, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout) as ChildOutcome);
        } catch {
          reject(new Error(`the namespace rig failed: ${error?.message ?? ""}\n${stderr}`));
        }
      },
    );
  });
}

describe("code blocks of README.md and docs/*.md", function () {
  this.timeout(120_000);
  const blocks = readDocBlocks(ROOT);
  let work: string;
  const typeErrors = new Map<string, string[]>();

  before(function () {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-docs-"));
    const modules = path.join(work, "node_modules");
    fs.mkdirSync(path.join(modules, "@types"), { recursive: true });
    // The package by its name, as an installed dependency resolves; its own dependencies from the checkout.
    fs.symlinkSync(ROOT, path.join(modules, "pulumi-azure-gallery-lookup"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(modules, "@pulumi"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@types", "node"), path.join(modules, "@types", "node"));
    fs.writeFileSync(path.join(work, "runBlock.mjs"), RUN_BLOCK);
    const files = blocks
      .filter((b) => runs(b) && b.lang === "ts")
      .map((b) => {
        const file = path.join(work, `${slug(b)}.mts`);
        fs.writeFileSync(file, `${b.code}\n`);
        return { file, block: b };
      });
    const program = ts.createProgram(
      files.map((f) => f.file),
      {
        strict: true,
        target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext,
        moduleResolution: ts.ModuleResolutionKind.NodeNext,
        types: ["node"],
        skipLibCheck: true,
        outDir: work,
      },
    );
    const emitted = program.emit();
    for (const d of [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]) {
      const owner = files.find((f) => f.file === d.file?.fileName);
      const key = owner ? where(owner.block) : "typescript";
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const at = owner ? `${owner.block.file}:${owner.block.line + 1 + line}` : "";
      typeErrors.set(key, [
        ...(typeErrors.get(key) ?? []),
        `${at} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      ]);
    }
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("finds the blocks of every page (the reader itself works)", () => {
    assert.ok(
      blocks.some((b) => b.file === "README.md" && b.lang === "ts" && b.code.includes("new ArmClient")),
    );
  });

  for (const block of blocks.filter(runs)) {
    it(`${where(block)} (${block.lang}) runs as written`, async () => {
      assert.deepEqual(typeErrors.get(where(block)) ?? [], [], `${where(block)} does not type-check`);
      const dir = path.join(work, slug(block));
      const tmp = path.join(dir, "tmp");
      fs.mkdirSync(tmp, { recursive: true });
      const ownEmulator = block.code.includes("startEmulator(");
      const outcome = await inNamespace(
        [
          ...(ownEmulator ? ["--no-emulator"] : []),
          process.execPath,
          path.join(work, "runBlock.mjs"),
          path.join(work, `${slug(block)}.mjs`),
        ],
        { cwd: dir, env: { PATH: process.env.PATH, HOME: dir, TMPDIR: tmp } },
      );
      assert.equal(
        outcome.code,
        0,
        `${where(block)} failed (exit ${outcome.code}):\n${outcome.stderr}${outcome.stdout}`,
      );
      assert.deepEqual(fs.readdirSync(tmp), [], `${where(block)} left files in its temporary folder`);
    });
  }
});

/** Imports one compiled block and ends the process when it is done: a block need not close what it opened. */
const RUN_BLOCK = `import { pathToFileURL } from "node:url";
import(pathToFileURL(process.argv[2]).href).then(
  () => process.exit(0),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\\n");
    process.exit(1);
  },
);
`;
