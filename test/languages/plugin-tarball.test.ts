// The plugin as a user installs it: the tarball `npm run --silent plugin:path` prints, installed with
// `pulumi plugin install resource azure-gallery-lookup <version> --file <tarball>` into an empty Pulumi
// home, and nothing of the plugin on PATH; then a YAML program (Pulumi's own YAML language host) and a
// Python program (the generated SDK, inline Automation API) both look the gallery up through it.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { REPO_ROOT } from "../support/engineInstall";
import {
  offlineEnvironment,
  runDriverProcess,
  pluginTarball,
  runCommand,
} from "../support/languageLifecycle";
import { pythonWithSdk, PYTHON_LIFECYCLE } from "../support/pythonSdk";
import { armRequestsSeen, requirePulumi, temporaryFolder } from "../support/pulumiCli";

interface Found {
  findLanguageYaml(why?: string[]): string | undefined;
}
const { findLanguageYaml } = require(path.join(REPO_ROOT, "scripts", "pulumi-language-yaml.js")) as Found;

describe("the plugin tarball, installed with pulumi plugin install --file into an empty Pulumi home", function () {
  this.timeout(600_000);
  let pulumi: string;
  let azure: EmulatorHandle;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  let tarball: string;

  before(async function () {
    pulumi = requirePulumi(this);
    tarball = pluginTarball();
    azure = await startEmulator();
    scratch = temporaryFolder("gallery-lookup-tarball-");
    // No plugin folder on PATH: the engine must find the plugin where `pulumi plugin install` put it.
    env = offlineEnvironment(pulumi, azure, scratch, { plugin: false });
  });
  after(async () => {
    await azure?.close();
  });

  it("installs under the name and version of its file name", async () => {
    const version = /-v(\d+\.\d+\.\d+)-/.exec(path.basename(tarball))![1];
    assert.equal(fs.existsSync(env.PULUMI_HOME!), false, "the Pulumi home starts empty");
    const install = await runCommand(
      pulumi,
      [
        "plugin",
        "install",
        "resource",
        "azure-gallery-lookup",
        version,
        "--file",
        tarball,
        "--non-interactive",
      ],
      { cwd: scratch, env },
    );
    assert.equal(install.code, 0, install.out);
    const listed = await runCommand(pulumi, ["plugin", "ls", "--json"], { cwd: scratch, env });
    const plugins = JSON.parse(listed.out) as { name: string; kind: string; version: string }[];
    assert.deepEqual(
      plugins.map((p) => `${p.kind} ${p.name} ${p.version}`),
      [`resource azure-gallery-lookup ${version}`],
    );
  });

  it("serves a YAML program: preview values known, up, the invoke, destroy sends nothing", async () => {
    const why: string[] = [];
    const yamlHost = findLanguageYaml(why);
    assert.ok(yamlHost, `no pulumi-language-yaml: ${why.join("; ")}`);
    const project = path.join(scratch, "yaml");
    fs.mkdirSync(project);
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      [
        "name: lookup-yaml-tarball",
        "runtime: yaml",
        "resources:",
        "  gallery:",
        "    type: azure-gallery-lookup:GalleryLookup",
        "    properties:",
        `      resourceGroupName: ${azure.resourceGroupName}`,
        "      galleryName: myDemoGallery",
        "variables:",
        "  found:",
        "    fn::invoke:",
        "      function: azure-gallery-lookup:getGallery",
        "      arguments:",
        `        resourceGroupName: ${azure.resourceGroupName}`,
        "        galleryName: myDemoGallery",
        "outputs:",
        "  uniqueName: ${gallery.uniqueName}",
        "  invokedUniqueName: ${found.uniqueName}",
        "",
      ].join("\n"),
    );
    const yamlEnv = { ...env, PATH: `${path.dirname(yamlHost)}${path.delimiter}${env.PATH}` };
    const cli = (args: string[]) =>
      runCommand(pulumi, [...args, "--non-interactive"], { cwd: project, env: yamlEnv });
    assert.equal((await cli(["stack", "init", "dev"])).code, 0);
    azure.clearJournal();
    const preview = await cli(["preview"]);
    assert.equal(preview.code, 0, preview.out);
    assert.match(preview.out, new RegExp(`uniqueName\\s*:\\s*"${azure.subscriptionId}-MYDEMOGALLERY"`));
    const up = await cli(["up", "--yes", "--skip-preview"]);
    assert.equal(up.code, 0, up.out);
    const outputs = JSON.parse((await cli(["stack", "output", "--json"])).out) as Record<string, string>;
    assert.equal(outputs.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.equal(outputs.invokedUniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.ok(armRequestsSeen(azure).every((r) => r.method === "GET"));
    azure.clearJournal();
    const destroy = await cli(["destroy", "--yes", "--skip-preview"]);
    assert.equal(destroy.code, 0, destroy.out);
    assert.deepEqual(armRequestsSeen(azure), [], "destroy sent a request");
  });

  it("serves a Python program on the generated SDK: up, then destroy", async () => {
    const { python, env: sdkEnv } = pythonWithSdk(path.join(scratch, "site"));
    const cwd = path.join(scratch, "python");
    fs.mkdirSync(cwd);
    const script = PYTHON_LIFECYCLE;
    const pythonEnv = { ...env, ...sdkEnv };
    const up = await runDriverProcess(python, [script, "up"], { cwd, env: pythonEnv });
    assert.equal(up.failed, undefined, up.failed);
    assert.equal(up.outputs?.uniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    assert.equal(up.outputs?.invokedUniqueName, `${azure.subscriptionId}-MYDEMOGALLERY`);
    const destroy = await runDriverProcess(python, [script, "destroy"], { cwd, env: pythonEnv });
    assert.equal(destroy.failed, undefined, destroy.failed);
  });
});
