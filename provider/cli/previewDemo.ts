// `gallery-lookup preview --demo`, what `npm start` runs: preview → up → no change → drift, on a copy of
// examples/basic, with its own emulator so that the drift it shows is one it made.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { RunProgramOptions } from "../preview/runProgram";
import type { ParsedArgs } from "./args";
import { run, settingsOf, typeChecks } from "./embeddedRun";
import { temporaryFolder } from "./lifecycle";
import { out } from "./output";
import { changes, failed, planText } from "./plan";
import { openSession, PACKAGE_ROOT, type Session } from "./session";

/** An extra subscription the demo shares the gallery with, to make drift. */
const DEMO_NEW_SUBSCRIPTION = "9f0e8d7c-0000-4000-8000-00000000d1f7";

/** A project folder holding a copy of examples/basic (shipped in the package), removed at the end. */
function demoProject(): string {
  const source = path.join(PACKAGE_ROOT, "examples", "basic", "index.ts");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-demo-"));
  temporaryFolder(dir);
  fs.copyFileSync(source, path.join(dir, "index.ts"));
  fs.writeFileSync(
    path.join(dir, "Pulumi.yaml"),
    "name: gallery-lookup-basic\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
  );
  // A project has a package.json (the runtime warns without one); its dependencies resolve through NODE_PATH.
  fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "gallery-lookup-basic", "private": true }\n');
  return dir;
}
/** Preview, update, preview again, change the gallery, preview: the package's lookup seen whole, offline. */
export async function runDemo(parsed: ParsedArgs): Promise<number> {
  const { DEMO_GALLERY } = require("../emulator/seed") as typeof import("../emulator/seed");
  const started = Date.now();
  const dir = demoProject();
  const session: Session = await openSession({ hostCwd: dir, providerHost: true });
  const azure = session.azure.handle;
  if (!azure) throw new Error("the demo needs its own emulator");
  try {
    const id = azure.galleries().find((g) => g.endsWith(`/${DEMO_GALLERY}`)) as string;
    const base: Omit<RunProgramOptions, "providerHost"> = {
      programDir: dir,
      entryPoint: ".",
      project: "gallery-lookup-basic",
      stack: "dev",
      dryRun: true,
      env: session.env,
      config: {
        "gallery-lookup-basic:galleryName": DEMO_GALLERY,
        "gallery-lookup-basic:resourceGroupName": azure.resourceGroupName,
        "azure-native:subscriptionId": azure.subscriptionId,
      },
    };
    const settings = settingsOf(parsed);
    if (!typeChecks(dir, ".", session, settings)) return 1;
    out(`Azure emulator on ${azure.armEndpoint} serving ${id}`);
    out();
    const preview = await run(base, session, settings);
    if (failed(preview)) return 1;
    for (const line of planText("Previewing update (dev) of examples/basic, a new stack:", preview, true))
      out(line);

    const up = await run({ ...base, dryRun: false }, session, settings);
    if (failed(up)) return 1;
    const state = up.state;
    out(
      `Updating (dev): ${up.steps.filter((s) => s.op === "create").length} created, kept in the in-memory state.`,
    );
    out();
    const unchanged = await run({ ...base, state }, session, settings);
    if (failed(unchanged)) return 1;
    const n = changes(unchanged).length;
    out(`Previewing again with nothing changed in Azure: ${n === 0 ? "no changes" : `${n} changes`}.`);
    out();

    const groups = (up.state.find((r) => r.type.startsWith("pulumi-nodejs:dynamic"))?.outputs
      .sharedSubscriptionIds ?? []) as string[];
    azure.patchGallery(id, {
      properties: {
        sharingProfile: {
          permissions: "Groups",
          groups: [
            { type: "Subscriptions", ids: [...groups, DEMO_NEW_SUBSCRIPTION] },
            { type: "AADTenants", ids: ["c24c76aa-8897-4027-9b03-8f7928b54ff6"] },
          ],
        },
      },
    });
    out(`Someone shares the gallery with one more subscription (${DEMO_NEW_SUBSCRIPTION}) outside Pulumi.`);
    out();
    const drift = await run({ ...base, state }, session, settings);
    if (failed(drift)) return 1;
    for (const line of planText("Previewing update (dev) against the state of that update:", drift, true))
      out(line);
    const arm = azure.journal().filter((e) => e.kind === "arm");
    out(`ARM requests sent: ${arm.length}, methods: ${[...new Set(arm.map((e) => e.method))].join(", ")}.`);
    out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    out();
    out(
      "This was an offline preview for trying the package: Pulumi's own Node.js runtime and dynamic provider host",
    );
    out(
      "ran examples/basic against a local Azure emulator and an in-memory state. It is not a replacement for the",
    );
    out(
      "Pulumi CLI. Try your own project with `gallery-lookup preview DIR` (a new stack's preview; `up DIR`, and",
    );
    out(
      "drift against it, need the Pulumi CLI). With a real stack, run `pulumi preview --expect-no-changes` (fails",
    );
    out("on drift) and `pulumi refresh --preview-only --expect-no-changes`.");
    return 0;
  } finally {
    await session.close();
  }
}
