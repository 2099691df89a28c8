// A Pulumi project folder as `pulumi preview` reads it: Pulumi.yaml (name, main, project config defaults) and
// Pulumi.<stack>.yaml (the stack's config). Plain values only: the offline preview has no key to decrypt a secret.
import * as fs from "fs";
import * as path from "path";
import { StackConfigError } from "../errors/StackConfigError";
import { resolvePulumiSdkDir } from "./proto";

/** The stack configuration of a project, keys as `namespace:key` (values as the runtime gets them). */
export type StackConfig = Record<string, string>;

type Yaml = { load: (text: string) => unknown };

/** js-yaml, from the @pulumi/pulumi the program uses (a dependency of the SDK, so nothing to install). */
function yaml(fromDir: string): Yaml {
  const sdkDir = resolvePulumiSdkDir(fromDir);
  return require(require.resolve("js-yaml", { paths: [sdkDir] })) as Yaml;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** One value as the runtime receives it in PULUMI_CONFIG: strings as they are, everything else as JSON. */
function configValue(key: string, value: unknown, file: string): string {
  if (isRecord(value) && "secure" in value) {
    throw new StackConfigError(
      `config '${key}' in ${file} is a secret; the offline preview cannot decrypt secrets. Use a stack file with ` +
        `a plain (non-secret) value for offline runs, e.g. Pulumi.offline.yaml with --stack offline`,
    );
  }
  if (isRecord(value) && "value" in value && Object.keys(value).length <= 2) {
    // Pulumi.yaml's long form: `key: { value: ..., type: ... }`.
    return configValue(key, value.value, file);
  }
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * Merges the project's config defaults (Pulumi.yaml `config:`, values given as `default` or plainly) with the
 * stack's `config:`; keys without a namespace belong to the project. Pure: the texts are passed in.
 */
export function stackConfig(
  project: string,
  projectConfig: unknown,
  stackConfigSection: unknown,
  stackFile: string,
): StackConfig {
  const config: StackConfig = {};
  const qualify = (key: string) => (key.includes(":") ? key : `${project}:${key}`);
  if (isRecord(projectConfig)) {
    for (const [key, declared] of Object.entries(projectConfig)) {
      const value = isRecord(declared) && "default" in declared ? declared.default : declared;
      if (isRecord(declared) && !("default" in declared) && !("value" in declared)) continue; // a type only
      config[qualify(key)] = configValue(qualify(key), value, "Pulumi.yaml");
    }
  }
  if (stackConfigSection !== undefined && stackConfigSection !== null && !isRecord(stackConfigSection)) {
    throw new StackConfigError(`'config' in ${stackFile} must be a map of keys to values`);
  }
  for (const [key, value] of Object.entries(stackConfigSection ?? {})) {
    config[qualify(key)] = configValue(qualify(key), value, stackFile);
  }
  return config;
}

/** What the offline engine needs to know about a project folder. */
export interface ProjectInfo {
  /** The folder of Pulumi.yaml. */
  rootDirectory: string;
  project: string;
  /** Where the runtime runs the program (`--pwd`) and its entry point. */
  programDir: string;
  entryPoint: string;
  stack: string;
  config: StackConfig;
  /** Pulumi.<stack>.yaml, when it exists. */
  stackFile?: string;
}

/**
 * Reads Pulumi.yaml and Pulumi.<stack>.yaml of `dir`; throws a clear error when the folder is not a project.
 * `stackNamed`: the user named the stack, so its file must exist (the default stack may have no config at all).
 */
export function readProject(dir: string, stack: string, stackNamed = false): ProjectInfo {
  // The folder itself, not a link to it: a copy of a link (the Pulumi CLI's run) would be the link. Links inside
  // it are left as they are.
  const rootDirectory = fs.existsSync(dir) ? fs.realpathSync(dir) : path.resolve(dir);
  const projectFile = ["Pulumi.yaml", "Pulumi.yml"]
    .map((f) => path.join(rootDirectory, f))
    .find((file) => fs.existsSync(file));
  if (!projectFile)
    throw new StackConfigError(`${rootDirectory} has no Pulumi.yaml: is it a Pulumi project?`);
  const { load } = yaml(rootDirectory);
  const doc = load(fs.readFileSync(projectFile, "utf8"));
  if (!isRecord(doc) || typeof doc.name !== "string") {
    throw new StackConfigError(`${projectFile} needs a 'name'`);
  }
  const project = doc.name;
  const runtime = isRecord(doc.runtime) ? doc.runtime.name : doc.runtime;
  if (runtime !== "nodejs") {
    throw new StackConfigError(
      `${projectFile}: runtime '${String(runtime)}' is not nodejs; only Node.js programs run offline`,
    );
  }
  let programDir = rootDirectory;
  let entryPoint = ".";
  if (typeof doc.main === "string") {
    const full = path.resolve(rootDirectory, doc.main);
    if (fs.existsSync(full) && fs.statSync(full).isDirectory()) programDir = full;
    else entryPoint = doc.main;
  }
  const stackFile = path.join(rootDirectory, `Pulumi.${stack}.yaml`);
  const hasStackFile = fs.existsSync(stackFile);
  if (stackNamed && !hasStackFile) {
    const others = fs
      .readdirSync(rootDirectory)
      .map((f) => /^Pulumi\.(.+)\.ya?ml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined);
    throw new StackConfigError(
      `--stack ${stack}: ${rootDirectory} has no Pulumi.${stack}.yaml. The offline run reads a stack's config from ` +
        `that file only (plain values under 'config:'; no Pulumi service, no secrets): create it` +
        (others.length ? `, or use a stack that has one: ${others.join(", ")}` : ""),
    );
  }
  const stackDoc = hasStackFile ? load(fs.readFileSync(stackFile, "utf8")) : undefined;
  const config = stackConfig(
    project,
    doc.config,
    isRecord(stackDoc) ? stackDoc.config : undefined,
    path.basename(stackFile),
  );
  return {
    rootDirectory,
    project,
    programDir,
    entryPoint,
    stack,
    config,
    stackFile: hasStackFile ? stackFile : undefined,
  };
}
