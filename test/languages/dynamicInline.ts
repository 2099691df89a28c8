// One step of the dynamic GalleryLookup's lifecycle as an inline Automation API program: the program runs in
// this process through @pulumi/pulumi's own language server (no language host of ours), and the CLI on PATH
// starts Pulumi's dynamic provider host (pulumi-resource-pulumi-nodejs, beside the CLI), which requires the
// package through NODE_PATH. Run by test/languages/dynamic-inline.test.ts as `node dynamicInline.js ACTION`;
// prints one JSON line of what it saw (test/support/languageLifecycle.ts).
import * as fs from "node:fs";
import { LocalWorkspace, type OpMap } from "@pulumi/pulumi/automation";
import { GalleryLookup, getGalleryOutput } from "pulumi-azure-gallery-lookup";
import type { DriverResult, LifecycleAction } from "../support/languageLifecycle";

const PROJECT = "lookup-dynamic-inline";

async function main(action: LifecycleAction): Promise<void> {
  const resourceGroupName = process.env.LOOKUP_RESOURCE_GROUP!;
  const galleryName = process.env.LOOKUP_GALLERY!;
  const seen: Record<string, unknown> = {};
  const record =
    (key: string) =>
    <T>(value: T): T => {
      seen[key] = value;
      return value;
    };

  const program = async () => {
    const lookup = new GalleryLookup("gallery", { resourceGroupName, galleryName });
    const found = getGalleryOutput({ resourceGroupName, galleryName });
    return {
      uniqueName: lookup.uniqueName.apply(record("uniqueName")),
      principalId: lookup.principalId.apply(record("principalId")),
      invokedUniqueName: found.apply((result) => record("invokedUniqueName")(result.uniqueName)),
    };
  };
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "dev", projectName: PROJECT, program },
    {
      projectSettings: {
        name: PROJECT,
        runtime: "nodejs",
        backend: { url: process.env.PULUMI_BACKEND_URL! },
      },
    },
  );

  const result: DriverResult = { action, seen };
  const counts = (summary: OpMap | Record<string, number> | undefined) =>
    ({ ...summary }) as Record<string, number>;
  try {
    if (action === "preview") result.changes = counts((await stack.preview()).changeSummary);
    else if (action === "preview-expect-no-changes") {
      result.changes = counts((await stack.preview({ expectNoChanges: true })).changeSummary);
    } else if (action === "up") {
      const up = await stack.up();
      result.changes = counts(up.summary.resourceChanges);
      result.outputs = Object.fromEntries(
        Object.entries(up.outputs).map(([key, output]) => [key, output.value]),
      );
    } else if (action === "refresh") result.changes = counts((await stack.refresh()).summary.resourceChanges);
    else result.changes = counts((await stack.destroy()).summary.resourceChanges);
  } catch (error) {
    result.failed = String(error);
  } finally {
    // The Automation API made a work folder for this one step (its Pulumi.yaml): nothing may outlive the step.
    fs.rmSync(stack.workspace.workDir, { recursive: true, force: true });
  }
  result.seen = seen;
  console.log(JSON.stringify(result));
}

main(process.argv[2] as LifecycleAction).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
