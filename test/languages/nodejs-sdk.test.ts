// The generated Node.js SDK (sdk/nodejs) through a whole lifecycle: a TypeScript project run by the real CLI
// (and its Node.js language host, tools/pulumi-cli/language-nodejs), with the SDK compiled as its publish
// step would (tsc) and installed in the project's node_modules, and the plugin from its tarball on PATH.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  describeLifecycle,
  runCommand,
  type DriverContext,
  type DriverResult,
  type LifecycleAction,
} from "../support/languageLifecycle";
import { writeNodejsSdkProject } from "../support/nodejsSdk";
import type { PreviewJson } from "../support/pulumiCli";

const PROGRAM = `import * as fs from "node:fs";
import * as lookups from "@gallery-lookup/azure-gallery-lookup";

const resourceGroupName = process.env.LOOKUP_RESOURCE_GROUP!;
const galleryName = process.env.LOOKUP_GALLERY!;
// What the program itself saw: an apply runs only on a known value.
const record = (key: string) => (value: string | undefined) => {
  fs.appendFileSync(process.env.LOOKUP_SEEN_FILE!, JSON.stringify({ [key]: value }) + "\\n");
  return value;
};
const gallery = new lookups.GalleryLookup("gallery", { resourceGroupName, galleryName });
const found = lookups.getGalleryOutput({ resourceGroupName, galleryName });
export const uniqueName = gallery.uniqueName.apply(record("uniqueName"));
export const principalId = gallery.principalId.apply(record("principalId"));
export const invokedUniqueName = found.apply((result) => record("invokedUniqueName")(result.uniqueName));
`;

function cli(context: DriverContext, args: string[]): Promise<{ code: number | null; out: string }> {
  return runCommand(context.pulumi, [...args, "--non-interactive"], {
    cwd: path.join(context.scratch, "project"),
    env: { ...context.env, LOOKUP_SEEN_FILE: path.join(context.scratch, "seen.jsonl") },
  });
}

async function json(context: DriverContext, args: string[]): Promise<PreviewJson> {
  const run = await cli(context, [...args, "--json"]);
  assert.equal(run.code, 0, `pulumi ${args.join(" ")}: ${run.out}`);
  return JSON.parse(run.out.slice(run.out.indexOf("{"))) as PreviewJson;
}

async function ok(context: DriverContext, args: string[]): Promise<string> {
  const run = await cli(context, args);
  assert.equal(run.code, 0, `pulumi ${args.join(" ")}: ${run.out}`);
  return run.out;
}

/** One step through the CLI; the changes from the matching preview (`--preview-only` for refresh and destroy). */
async function step(action: LifecycleAction, context: DriverContext): Promise<DriverResult> {
  const seenFile = path.join(context.scratch, "seen.jsonl");
  fs.rmSync(seenFile, { force: true });
  const result: DriverResult = { action, seen: {} };
  if (action === "preview") result.changes = (await json(context, ["preview"])).changeSummary;
  else if (action === "preview-expect-no-changes") {
    const run = await cli(context, ["preview", "--expect-no-changes"]);
    if (run.code !== 0) result.failed = `exit ${run.code}: ${run.out}`;
  } else if (action === "up") {
    await ok(context, ["up", "--yes", "--skip-preview"]);
    result.outputs = JSON.parse(await ok(context, ["stack", "output", "--json"])) as Record<string, unknown>;
  } else if (action === "refresh") {
    result.changes = (await json(context, ["refresh", "--preview-only"])).changeSummary;
    await ok(context, ["refresh", "--yes", "--skip-preview"]);
  } else {
    result.changes = (await json(context, ["destroy", "--preview-only"])).changeSummary;
    await ok(context, ["destroy", "--yes", "--skip-preview"]);
  }
  if (fs.existsSync(seenFile)) {
    for (const line of fs.readFileSync(seenFile, "utf8").trim().split("\n"))
      Object.assign(result.seen, JSON.parse(line));
  }
  return result;
}

describeLifecycle(
  "TypeScript, plugin: the generated Node.js SDK's GalleryLookup and getGalleryOutput, through the CLI",
  step,
  {
    async before(context) {
      writeNodejsSdkProject(path.join(context.scratch, "project"), "lookup-nodejs-sdk", PROGRAM);
      await ok(context, ["stack", "init", "dev"]);
    },
  },
);
