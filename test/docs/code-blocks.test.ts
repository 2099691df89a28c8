// Every fenced code block of README.md and docs/*.md runs as written, or says on its page why it is
// not run: `text` blocks are output samples; `<!-- not-run: reason -->` before any other block. An
// untagged block this test cannot run fails it, naming the page and the line of the opening fence.
// - ts blocks are type-checked together in the project Pulumi's TypeScript template makes (CommonJS,
//   the template's tsconfig.json, which has no skipLibCheck), so a block a user pastes into index.ts
//   compiles there; then each runs from a temporary folder that reaches the package by its name, as a
//   user's project does: a Pulumi program (one that creates a GalleryLookup) through `gallery-lookup
//   preview`, any other block as the CommonJS module it compiled to (a function it exports, as a Pulumi
//   program may export one, is called and awaited).
// - sh blocks run with `sh -e` in a folder holding the files they name (a project in ./infra, seed
//   files, exported stacks prod.json and dev.json), with `gallery-lookup` on PATH as after an install.
// - Every block runs in a user, network and pid namespace with loopback only: a fallback to a real
//   endpoint fails instead of leaking, and whatever a block leaves running ends with it. A block that
//   starts its own emulator gets a clean environment; any other gets an emulator in the namespace, its
//   environment() (as after `. ./emulator.env`, which is there too), and the galleries the pages name.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as ts from "typescript";
import { emulatorEndpoint, localClient } from "../support/localClients";
import { startEmulator } from "pulumi-azure-gallery-lookup/emulator";
import { baseResources, exportDocument, lookupAfterUp, writeDocument } from "../support/driftState";
import type { ChildOutcome } from "../support/emulatorInNamespace";
import { inNamespace } from "../support/namespaceRun";
import { readDocBlocks, type DocBlock } from "./docBlocks";
import { docsGallery } from "../support/docsGallery";

const ROOT = path.resolve(__dirname, "..", "..", "..");
const CLI = path.join(ROOT, "dist", "cli", "main.js");
const where = (b: DocBlock) => `${b.file}:${b.line}`;
const slug = (b: DocBlock) => `${b.file.replace(/\W+/g, "-")}-${b.line}`;

/** The gallery the pages' examples look up, in the emulator's default subscription. */
const SUBSCRIPTION = "5b5b5b5b-0000-4000-8000-000000000003";
const CORP_IMAGES = docsGallery(SUBSCRIPTION);
/**
 * `compilerOptions` of Pulumi's TypeScript template (pulumi/templates typescript/tsconfig.json), whose
 * package.json has no `"type"`: its index.ts is CommonJS.
 */
export const TEMPLATE_COMPILER_OPTIONS = {
  strict: true,
  outDir: "bin",
  target: "es2020",
  module: "nodenext",
  moduleResolution: "nodenext",
  sourceMap: true,
  experimentalDecorators: true,
  pretty: true,
  noFallthroughCasesInSwitch: true,
  noImplicitReturns: true,
  forceConsistentCasingInFileNames: true,
};

const PROGRAM = `import { GalleryLookup } from "pulumi-azure-gallery-lookup";

const gallery = new GalleryLookup("images", {
  resourceGroupName: "shared-images",
  galleryName: "corpImages",
  expand: "SharingProfile/Groups",
});
export const uniqueName = gallery.uniqueName;
`;

type Kind = "script" | "program" | "sh";
function kindOf(b: DocBlock): Kind | undefined {
  if (["ts", "typescript", "js", "javascript"].includes(b.lang))
    return /new GalleryLookup\(/.test(b.code) ? "program" : "script";
  if (["sh", "bash", "shell"].includes(b.lang)) return "sh";
  return undefined;
}

/** A Pulumi project folder: Pulumi.yaml, an empty dev stack, index.ts. */
function writeProject(dir: string, program: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: docs-example\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
  );
  fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), "config: {}\n");
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "docs-example", private: true }));
  fs.writeFileSync(path.join(dir, "index.ts"), program);
}

describe("code blocks of README.md and docs/*.md", function () {
  this.timeout(300_000);
  const blocks = readDocBlocks(ROOT);
  let work: string;
  let files: string;
  const typeErrors = new Map<string, string[]>();
  const outcomes = new Map<string, Promise<{ outcome: ChildOutcome; left: string[] }>>();

  /** Runs one block in its own folder, in the namespace; what it printed and left in its TMPDIR. */
  async function runBlock(block: DocBlock, kind: Kind): Promise<{ outcome: ChildOutcome; left: string[] }> {
    const dir = path.join(work, slug(block));
    const tmp = path.join(dir, ".tmp");
    fs.cpSync(files, dir, { recursive: true });
    fs.mkdirSync(tmp, { recursive: true });
    let args: string[];
    if (kind === "program") {
      writeProject(path.join(dir, "program"), block.code);
      args = [
        "--no-emulator",
        process.execPath,
        CLI,
        "preview",
        "program",
        "--seed",
        path.join(work, "seed.json"),
      ];
    } else if (kind === "script") {
      args = [
        ...(block.code.includes("startEmulator(") ? ["--no-emulator"] : []),
        process.execPath,
        path.join(work, "runBlock.mjs"),
        path.join(work, `${slug(block)}.js`),
      ];
    } else {
      fs.writeFileSync(path.join(dir, ".block.sh"), `${block.code}\n`);
      args = ["sh", "-e", ".block.sh"];
    }
    const outcome = await inNamespace(args, {
      cwd: dir,
      env: {
        PATH: `${path.join(work, "node_modules", ".bin")}${path.delimiter}${process.env.PATH ?? ""}`,
        HOME: dir,
        TMPDIR: tmp,
        SEED_FILE: path.join(work, "seed.json"),
        CHILD_TIMEOUT_MS: "150000",
      },
    });
    // ts-node (inside Pulumi's Node.js runtime) keeps its compile cache there on purpose, for later runs.
    return { outcome, left: fs.readdirSync(tmp).filter((name) => !name.startsWith("ts-node-")) };
  }

  before(async function () {
    this.timeout(180_000);
    work = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-docs-"));
    const modules = path.join(work, "node_modules");
    fs.mkdirSync(path.join(modules, "@types"), { recursive: true });
    fs.mkdirSync(path.join(modules, ".bin"));
    // The package by its name, as an installed dependency resolves; its dependencies from the checkout.
    fs.symlinkSync(ROOT, path.join(modules, "pulumi-azure-gallery-lookup"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@pulumi"), path.join(modules, "@pulumi"));
    fs.symlinkSync(path.join(ROOT, "node_modules", "@types", "node"), path.join(modules, "@types", "node"));
    // What npm puts in node_modules/.bin for the package's bin.
    fs.writeFileSync(
      path.join(modules, ".bin", "gallery-lookup"),
      `#!/bin/sh\nexec "${process.execPath}" "${CLI}" "$@"\n`,
      { mode: 0o755 },
    );
    fs.writeFileSync(path.join(work, "runBlock.mjs"), RUN_BLOCK);
    fs.writeFileSync(path.join(work, "seed.json"), JSON.stringify([CORP_IMAGES], null, 2));

    // The files the sh blocks name, copied into each block's folder.
    files = path.join(work, "files");
    writeProject(path.join(files, "infra"), PROGRAM);
    for (const name of ["my-galleries.json", "changed.json", "galleries.json"])
      fs.copyFileSync(path.join(work, "seed.json"), path.join(files, name));
    const azure = await startEmulator({ throttle: false });
    azure.putGallery(CORP_IMAGES);
    const client = localClient(emulatorEndpoint(azure), { env: azure.environment() });
    for (const stack of ["prod", "dev"]) {
      const lookup = await lookupAfterUp(client, { project: "platform", stack, name: "images" }, {
        subscriptionId: SUBSCRIPTION,
        resourceGroupName: "shared-images",
        galleryName: "corpImages",
        expand: "SharingProfile/Groups",
        environment: "public",
      } as never);
      writeDocument(
        path.join(files, `${stack}.json`),
        exportDocument([...baseResources("platform", stack), lookup]),
      );
    }
    client.close();
    await azure.close();

    // The template's project: a package.json without "type", so each block is a CommonJS module.
    fs.writeFileSync(path.join(work, "package.json"), JSON.stringify({ name: "docs-blocks", private: true }));
    const sources = blocks
      .filter((b) => b.notRun === undefined && (kindOf(b) === "script" || kindOf(b) === "program"))
      .map((b) => {
        const file = path.join(work, `${slug(b)}.ts`);
        fs.writeFileSync(file, `${b.code}\n`);
        return { file, block: b };
      });
    const template = ts.convertCompilerOptionsFromJson(TEMPLATE_COMPILER_OPTIONS, work);
    assert.deepEqual(template.errors, []);
    const program = ts.createProgram(
      sources.map((f) => f.file),
      { ...template.options, outDir: work, sourceMap: false, pretty: false },
    );
    const emitted = program.emit();
    for (const d of [...ts.getPreEmitDiagnostics(program), ...emitted.diagnostics]) {
      const owner = sources.find((f) => f.file === d.file?.fileName);
      const key = owner ? where(owner.block) : "typescript";
      const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
      const at = owner ? `${owner.block.file}:${owner.block.line + 1 + line}` : "";
      typeErrors.set(key, [
        ...(typeErrors.get(key) ?? []),
        `${at} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`,
      ]);
    }
    // A few blocks at a time: most of each run is waiting on child processes.
    let running = 0;
    const waiting: (() => void)[] = [];
    const slot = async <T>(fn: () => Promise<T>): Promise<T> => {
      if (running >= 3) await new Promise<void>((resolve) => waiting.push(resolve));
      running += 1;
      try {
        return await fn();
      } finally {
        running -= 1;
        waiting.shift()?.();
      }
    };
    for (const b of blocks.filter((b) => b.notRun === undefined && kindOf(b) !== undefined)) {
      const run = slot(() => runBlock(b, kindOf(b)!));
      run.catch(() => undefined); // awaited by its test
      outcomes.set(where(b), run);
    }
  });
  after(() => (process.env.KEEP_DOCS_WORK ? undefined : fs.rmSync(work, { recursive: true, force: true })));

  it("finds the blocks of every page (the reader itself works)", () => {
    assert.ok(
      blocks.some((b) => b.file === "README.md" && b.lang === "ts" && b.code.includes("new ArmClient")),
    );
    assert.ok(blocks.some((b) => b.file === "docs/settings.md" && b.lang === "sh"));
  });

  for (const block of blocks) {
    const kind = kindOf(block);
    if (block.notRun !== undefined) {
      it(`${where(block)} (${block.lang || "no info string"}) says why it is not run`, () => {
        assert.notEqual(block.notRun, "", `${where(block)}: <!-- not-run: --> needs a reason`);
      });
      continue;
    }
    if (block.lang === "text") continue;
    if (kind === undefined) {
      it(`${where(block)} (${block.lang || "no info string"}) is run or tagged`, () => {
        assert.fail(
          `${where(block)}: a \`${block.lang || "(no info string)"}\` block that this test cannot run: make it ` +
            "ts or sh that runs, mark an output sample as ```text, or put <!-- not-run: reason --> before it",
        );
      });
      continue;
    }
    it(`${where(block)} (${block.lang}) runs as written`, async () => {
      if (kind !== "sh")
        assert.deepEqual(typeErrors.get(where(block)) ?? [], [], `${where(block)} does not type-check`);
      const { outcome, left } = await outcomes.get(where(block))!;
      assert.equal(
        outcome.code,
        block.exits,
        `${where(block)} exited ${outcome.code}, not ${block.exits}:\n${outcome.stderr}${outcome.stdout}`,
      );
      assert.deepEqual(left, [], `${where(block)} left files in its temporary folder`);
    });
  }
});

/**
 * Imports one compiled (CommonJS) block. A block that exports a function, as a Pulumi program may, is
 * called and awaited, and the process ends with its exit code then, whatever it left open; any other
 * block ends as a script does, when nothing it started is left.
 */
const RUN_BLOCK = `import { pathToFileURL } from "node:url";
import(pathToFileURL(process.argv[2]).href)
  .then(async (block) => {
    if (typeof block.default === "function") {
      await block.default();
      process.exit();
    }
  })
  .catch((error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + "\\n");
    process.exit(1);
  });
`;
