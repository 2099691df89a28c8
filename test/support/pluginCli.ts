// The provider plugin under the real Pulumi CLI: the tarball `npm run plugin:path` gives, installed with
// `pulumi plugin install --file` into the project's own empty PULUMI_HOME, and Pulumi's own YAML language
// host (scripts/pulumi-language-yaml.js) on PATH.
import * as path from "node:path";
import type { EmulatorHandle } from "#internal/emulator/types";
import { REPO_ROOT } from "./engineInstall";
import { pulumiProject, type ProjectFiles, type PulumiProject } from "./pulumiCli";

interface PluginScript {
  pluginTarball(): string;
}
interface YamlScript {
  findLanguageYaml(why?: string[]): string | undefined;
  VERSION: string;
}

const pluginScript = require(path.join(REPO_ROOT, "scripts", "plugin-path.js")) as PluginScript;
const yamlScript = require(path.join(REPO_ROOT, "scripts", "pulumi-language-yaml.js")) as YamlScript;

/** The package's version, which the plugin is installed as. */
export const PLUGIN_VERSION = (require(path.join(REPO_ROOT, "package.json")) as { version: string }).version;

/** The plugin tarball, built if need be (cached outside the clone). */
export function pluginTarball(): string {
  return pluginScript.pluginTarball();
}

/** The emulator's sign-in variables unset (for `env`): a run whose lookups must sign in some other way. */
export const NO_SIGN_IN: NodeJS.ProcessEnv = Object.fromEntries(
  [
    "AZURE_TENANT_ID",
    "AZURE_CLIENT_ID",
    "AZURE_CLIENT_SECRET",
    "AZURE_SUBSCRIPTION_ID",
    "ARM_SUBSCRIPTION_ID",
    "AZURE_TOKEN_CREDENTIALS",
  ].map((name) => [name, undefined]),
);

/** `pulumi plugin install resource azure-gallery-lookup <version> --file <tarball>` in the project's PULUMI_HOME. */
export async function installPlugin(project: PulumiProject): Promise<void> {
  await project.ok([
    "plugin",
    "install",
    "resource",
    "azure-gallery-lookup",
    PLUGIN_VERSION,
    "--file",
    pluginTarball(),
  ]);
}

/** Pulumi's YAML language host, for a suite's `before` hook: skipped with a banner, or failed under CI=true. */
export function requireLanguageYaml(context: Mocha.Context): string {
  const why: string[] = [];
  const found = yamlScript.findLanguageYaml(why);
  if (found) return found;
  const message = `No pulumi-language-yaml ${yamlScript.VERSION} for the plugin's YAML suite: ${why.join("; ")}`;
  if (process.env.CI === "true") throw new Error(`${message} (CI=true: the suite may not be skipped)`);
  process.stderr.write(`\n${"!".repeat(100)}\n!! SKIPPED: ${message}\n${"!".repeat(100)}\n\n`);
  context.skip();
}

/**
 * A YAML project on a fresh stack, with the plugin installed from its tarball into the project's empty
 * PULUMI_HOME (nothing on PATH but the CLI and the YAML host: no Node.js, so the plugin must be the single
 * executable it is meant to be).
 */
export async function yamlPluginProject(
  binary: string,
  languageYaml: string,
  azure: EmulatorHandle,
  program: string,
  options: { env?: NodeJS.ProcessEnv; files?: ProjectFiles } = {},
): Promise<PulumiProject> {
  const PATH = [path.dirname(binary), path.dirname(languageYaml)].join(path.delimiter);
  const project = await pulumiProject(
    binary,
    azure,
    { "Pulumi.yaml": program, ...options.files },
    { env: { PATH, ...options.env } },
  );
  await installPlugin(project);
  return project;
}
