// The README's snippet for each language the plugin serves, run as written under the real CLI against the
// emulator (test/docs runs the TypeScript and shell blocks of the dynamic face; these blocks say on their
// page that this file runs them): Python as an inline Automation API program, Go through a harness that
// hands its program to the Automation API, TypeScript on the generated Node.js SDK and YAML through
// Pulumi's own YAML language host, each with the plugin from its tarball on PATH.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { readDocBlocks, type DocBlock } from "../docs/docBlocks";
import { REPO_ROOT } from "../support/engineInstall";
import { offlineEnvironment, runDriverProcess, runCommand } from "../support/languageLifecycle";
import { nodejsSdkName, writeNodejsSdkProject } from "../support/nodejsSdk";
import { pythonWithSdk, PYTHON_LIFECYCLE } from "../support/pythonSdk";
import { armRequestsSeen, requirePulumi, temporaryFolder } from "../support/pulumiCli";
import { docsGallery, DOCS_PRINCIPAL_ID } from "../support/docsGallery";

interface Scripts {
  findLanguageYaml(why?: string[]): string | undefined;
}
const { findLanguageYaml } = require(path.join(REPO_ROOT, "scripts", "pulumi-language-yaml.js")) as Scripts;

const RUN_HERE = "test/languages/readme-snippets.test.ts";

/** The README block of `lang` that says this file runs it. */
function readmeBlock(lang: string, mentions: string): DocBlock {
  const found = readDocBlocks(REPO_ROOT).filter(
    (b) =>
      b.file === "README.md" && b.lang === lang && b.code.includes(mentions) && b.notRun?.includes(RUN_HERE),
  );
  assert.equal(
    found.length,
    1,
    `one README ${lang} block naming ${mentions} and ${RUN_HERE}: ${found.length}`,
  );
  return found[0];
}

describe("README: the snippet of every language the plugin serves runs as written", function () {
  this.timeout(600_000);
  let azure: EmulatorHandle;
  let pulumi: string;
  let uniqueName: string;

  before(async function () {
    pulumi = requirePulumi(this);
    azure = await startEmulator();
    // The gallery the README's examples look up.
    azure.putGallery(docsGallery(azure.subscriptionId));
    uniqueName = `${azure.subscriptionId}-CORPIMAGES`;
  });
  after(async () => {
    await azure?.close();
  });

  const expectOutputs = (outputs: Record<string, unknown> | undefined) => {
    assert.equal(outputs?.uniqueName, uniqueName, JSON.stringify(outputs));
    assert.equal(outputs?.principalId, DOCS_PRINCIPAL_ID, JSON.stringify(outputs));
    assert.ok(armRequestsSeen(azure).every((r) => r.method === "GET"));
  };

  /** `stack init`, `up`, the outputs checked, `destroy`: the program in `project` as a user runs it. */
  async function upOutputsDestroy(project: string, env: NodeJS.ProcessEnv): Promise<void> {
    const cli = (args: string[]) => runCommand(pulumi, [...args, "--non-interactive"], { cwd: project, env });
    assert.equal((await cli(["stack", "init", "dev"])).code, 0);
    const up = await cli(["up", "--yes", "--skip-preview"]);
    assert.equal(up.code, 0, up.out);
    expectOutputs(JSON.parse((await cli(["stack", "output", "--json"])).stdout) as Record<string, unknown>);
    assert.equal((await cli(["destroy", "--yes", "--skip-preview"])).code, 0);
  }

  it("Python", async () => {
    const block = readmeBlock("python", "pulumi_azure_gallery_lookup");
    const scratch = temporaryFolder("gallery-lookup-readme-python-");
    const { python, env: sdkEnv } = pythonWithSdk(path.join(scratch, "site"));
    const program = path.join(scratch, "__main__.py");
    fs.writeFileSync(program, block.code);
    const env = {
      ...offlineEnvironment(pulumi, azure, scratch),
      ...sdkEnv,
      LOOKUP_PROGRAM_FILE: program,
    };
    const script = PYTHON_LIFECYCLE;
    const up = await runDriverProcess(python, [script, "up"], { cwd: scratch, env });
    assert.equal(up.failed, undefined, up.failed);
    expectOutputs(up.outputs);
    const destroy = await runDriverProcess(python, [script, "destroy"], { cwd: scratch, env });
    assert.equal(destroy.failed, undefined, destroy.failed);
  });

  it("Go", async () => {
    const block = readmeBlock("go", "azuregallerylookup");
    assert.ok(block.code.includes("pulumi.Run("), "the Go block is a program: pulumi.Run(…)");
    const scratch = temporaryFolder("gallery-lookup-readme-go-");
    const module = path.join(scratch, "program");
    fs.mkdirSync(module);
    fs.writeFileSync(path.join(module, "readme.go"), block.code.replace("pulumi.Run(", "runInline("));
    fs.copyFileSync(
      path.join(REPO_ROOT, "test", "languages", "go-readme", "harness.go"),
      path.join(module, "harness.go"),
    );
    // The lifecycle program's module: the same requirements, its replace pointed back at sdk/.
    const goMod = fs
      .readFileSync(path.join(REPO_ROOT, "test", "languages", "go", "go.mod"), "utf8")
      .replace("=> ../../../sdk", `=> ${path.join(REPO_ROOT, "sdk")}`);
    fs.writeFileSync(path.join(module, "go.mod"), goMod);
    fs.copyFileSync(path.join(REPO_ROOT, "test", "languages", "go", "go.sum"), path.join(module, "go.sum"));
    const env = offlineEnvironment(pulumi, azure, scratch);
    const build = await runCommand("go", ["build", "-o", "readme", "."], {
      cwd: module,
      env: { ...process.env, GOFLAGS: "-mod=readonly", GOTOOLCHAIN: "local" },
    });
    assert.equal(build.code, 0, build.out);
    const up = await runCommand(path.join(module, "readme"), [], { cwd: scratch, env });
    assert.equal(up.code, 0, up.out);
    expectOutputs(
      (JSON.parse(up.stdout.trim().split("\n").pop()!) as { outputs: Record<string, unknown> }).outputs,
    );
    const destroy = await runCommand(path.join(module, "readme"), ["destroy"], { cwd: scratch, env });
    assert.equal(destroy.code, 0, destroy.out);
  });

  it("TypeScript on the generated Node.js SDK", async () => {
    const block = readmeBlock("ts", nodejsSdkName());
    const scratch = temporaryFolder("gallery-lookup-readme-ts-");
    const project = path.join(scratch, "project");
    writeNodejsSdkProject(project, "readme-ts", block.code);
    const env = offlineEnvironment(pulumi, azure, scratch);
    await upOutputsDestroy(project, env);
  });

  it("YAML", async () => {
    const block = readmeBlock("yaml", "azure-gallery-lookup:");
    const why: string[] = [];
    const yamlHost = findLanguageYaml(why);
    assert.ok(yamlHost, why.join("; "));
    const scratch = temporaryFolder("gallery-lookup-readme-yaml-");
    const project = path.join(scratch, "project");
    fs.mkdirSync(project);
    fs.writeFileSync(path.join(project, "Pulumi.yaml"), block.code);
    const env = offlineEnvironment(pulumi, azure, scratch, { extraPath: [path.dirname(yamlHost)] });
    await upOutputsDestroy(project, env);
  });
});
