// `gallery-lookup preview`: runs a real Pulumi program through Pulumi's own Node.js runtime and dynamic
// provider host against the local Azure emulator, and prints the plan the way `pulumi preview` would.
// `--demo` (what `npm start` runs) previews examples/basic, applies it to an in-memory state, changes the
// gallery's sharing in the emulator and previews again, to show drift. No Pulumi CLI, account or Azure.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EmulatorHandle } from "../emulator/types";
import type { PropertyMap } from "../preview/proto";
import type { ResourceState, Step } from "../preview/monitor";
import type { ProviderHost } from "../preview/hostClient";
import type { RunProgramOptions, RunProgramResult } from "../preview/runProgram";

const PACKAGE_NAME = "pulumi-azure-gallery-lookup";
const PACKAGE_ROOT = path.resolve(__dirname, "..", "..");
const STACK = "dev";
/** The observed values worth showing for a GalleryLookup, in this order. */
const SHOWN = [
  "resourceId",
  "uniqueName",
  "principalId",
  "permissions",
  "sharedSubscriptionIds",
  "sharedTenantIds",
];
const SYMBOL: Record<Step["op"], string> = {
  create: "+",
  same: " ",
  update: "~",
  replace: "+-",
  delete: "-",
  read: ">",
};
/** An extra subscription the demo shares the gallery with, to make drift. */
const DEMO_NEW_SUBSCRIPTION = "9f0e8d7c-0000-4000-8000-00000000d1f7";
/** The demo's gallery: the spec's sharing-groups example with an identity and a uniqueName, so all show. */
const DEMO_GALLERY = "myDemoGallery";

const out = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};

function show(value: unknown): string {
  if (value === undefined) return "(not returned)";
  return JSON.stringify(value);
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The innermost changed values under `where`, so a nested change reads as one line (arrays of scalars whole). */
function leafChanges(where: string, before: unknown, after: unknown): [string, unknown, unknown][] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  const scalars = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x !== "object" || x === null);
  if (Array.isArray(before) && Array.isArray(after) && !scalars(before) && before.length === after.length) {
    return before.flatMap((b, i) => leafChanges(`${where}[${i}]`, b, after[i]));
  }
  if (isRecord(before) && isRecord(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => leafChanges(`${where}.${k}`, before[k], after[k]));
  }
  return [[where, before, after]];
}

function displayType(type: string): string {
  // `pulumi-nodejs:dynamic/azure-gallery-lookup:GalleryLookup` reads better by its last part.
  return type.startsWith("pulumi-nodejs:dynamic") ? (type.split(":").pop() ?? type) : type;
}

/** Prints the steps as a table and the details of every GalleryLookup. */
function printPlan(title: string, result: RunProgramResult): void {
  out(title);
  out();
  const rows = result.steps.map((s) => [
    SYMBOL[s.op],
    displayType(s.type),
    s.name,
    s.op === "same" ? "" : s.op,
  ]);
  const width = Math.max(...rows.map((r) => r[1].length), 4) + 2;
  const nameWidth = Math.max(...rows.map((r) => r[2].length), 4) + 2;
  out(`     ${"Type".padEnd(width)}${"Name".padEnd(nameWidth)}Plan`);
  for (const [symbol, type, name, op] of rows) {
    out(` ${symbol.padEnd(3)} ${type.padEnd(width)}${name.padEnd(nameWidth)}${op}`.trimEnd());
  }
  for (const step of result.steps) {
    if (!step.type.startsWith("pulumi-nodejs:dynamic")) continue;
    out();
    if (step.op === "update" || step.op === "replace") {
      out(`  ~ ${step.name} (${displayType(step.type)}): ${step.changedKeys.length} changed`);
      for (const key of step.changedKeys) {
        for (const [where, before, after] of leafChanges(key, step.oldOutputs?.[key], step.outputs[key])) {
          out(`      ~ ${where}: ${show(before)} => ${show(after)}`);
        }
      }
      if (step.replaces.length) out(`      (replace because of: ${step.replaces.join(", ")})`);
    } else {
      out(`  ${step.name} (${displayType(step.type)}):`);
      for (const key of SHOWN) out(`      ${key}: ${show(step.outputs[key])}`);
    }
  }
  out();
  out("Outputs:");
  for (const [key, value] of Object.entries(result.outputs).sort()) out(`    ${key}: ${showOutput(value)}`);
  out();
  const counts = new Map<string, number>();
  for (const s of result.steps) counts.set(s.op, (counts.get(s.op) ?? 0) + 1);
  out("Resources:");
  for (const [op, n] of counts)
    out(`    ${SYMBOL[op as Step["op"]].trim() || " "} ${n} ${op === "same" ? "unchanged" : `to ${op}`}`);
  out();
}

function showOutput(value: unknown): string {
  return value === "04da6b54-80e4-46f7-96ec-b56ff0331ba9" ? "output<string> (known after up)" : show(value);
}

/** A folder with a `pulumi-azure-gallery-lookup` link to this package, for NODE_PATH (see docs/engine-proof.md). */
function packageLinkDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "gallery-lookup-preview-"));
  fs.symlinkSync(PACKAGE_ROOT, path.join(dir, PACKAGE_NAME), "junction");
  return dir;
}

function failIfBroken(result: RunProgramResult, what: string): void {
  if (result.exitCode === 0 && result.errors.length === 0) return;
  const errors = result.logs.filter((l) => l.severity === "error").map((l) => l.message);
  throw new Error(
    `${what} failed (exit ${result.exitCode}):\n${[...result.errors, ...errors].join("\n")}\n${result.stderr}`.trim(),
  );
}

interface Session {
  azure: EmulatorHandle;
  host: ProviderHost;
  env: NodeJS.ProcessEnv;
  linkDir: string;
}

async function openSession(): Promise<Session> {
  const { startEmulator } = require("../emulator/index") as typeof import("../emulator/index");
  const { startProviderHost } = require("../preview/hostClient") as typeof import("../preview/hostClient");
  const azure = await startEmulator();
  const linkDir = packageLinkDir();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...azure.environment(),
    // The serialized provider requires this package by name; in a user's project it is in node_modules.
    NODE_PATH: [linkDir, process.env.NODE_PATH].filter(Boolean).join(path.delimiter),
    PULUMI_NODEJS_TRANSPILE_ONLY: "true",
  };
  try {
    const host = await startProviderHost({ cwd: PACKAGE_ROOT, env });
    await host.configure({});
    return { azure, host, env, linkDir };
  } catch (error) {
    await azure.close();
    throw error;
  }
}

async function closeSession(session: Session): Promise<void> {
  await session.host.close();
  await session.azure.close();
  fs.rmSync(session.linkDir, { recursive: true, force: true });
}

/** Adds a gallery that has everything the example prints: sharing groups, an identity and a uniqueName. */
function seedDemoGallery(azure: EmulatorHandle): string {
  const { galleryId, GALLERY_EXAMPLES } = require("../emulator/index") as typeof import("../emulator/index");
  // The sharing of the spec's Gallery_Get_WithExpandSharingProfileGroups example.
  const shared = GALLERY_EXAMPLES.find((e) => e.file === "Gallery_Get_WithExpandSharingProfileGroups.json");
  const id = galleryId(azure.subscriptionId, azure.resourceGroupName, DEMO_GALLERY);
  azure.putGallery({
    subscriptionId: azure.subscriptionId,
    resourceGroupName: azure.resourceGroupName,
    gallery: {
      id,
      name: DEMO_GALLERY,
      type: "Microsoft.Compute/galleries",
      location: "West US",
      identity: {
        type: "SystemAssigned",
        principalId: "7d1c3e9a-0000-4000-8000-00000000a11e",
        tenantId: azure.tenantId,
      },
      properties: {
        description: "Images shared with the platform subscriptions.",
        identifier: { uniqueName: `${azure.subscriptionId}-${DEMO_GALLERY.toUpperCase()}` },
        provisioningState: "Succeeded",
        sharingProfile: shared?.body.properties?.sharingProfile,
      },
    },
  });
  return id;
}

async function runDemo(): Promise<number> {
  const { runProgram, programLocation } =
    require("../preview/runProgram") as typeof import("../preview/runProgram");
  const entry = path.join(PACKAGE_ROOT, "examples", "basic", "index.ts");
  if (!fs.existsSync(entry)) {
    process.stderr.write(
      `gallery-lookup preview --demo: ${entry} is missing; run it from a clone of the repository\n`,
    );
    return 1;
  }
  const started = Date.now();
  const session = await openSession();
  try {
    const id = seedDemoGallery(session.azure);
    const base: RunProgramOptions = {
      // Where `pulumi preview` in the repository runs the program from: the root Pulumi.yaml's `main`.
      ...programLocation(PACKAGE_ROOT),
      rootDirectory: PACKAGE_ROOT,
      stack: STACK,
      dryRun: true,
      env: session.env,
      providerHost: session.host,
      config: {
        "gallery-lookup-basic:galleryName": DEMO_GALLERY,
        "gallery-lookup-basic:resourceGroupName": session.azure.resourceGroupName,
        "azure-native:subscriptionId": session.azure.subscriptionId,
      },
    };
    out(`Azure emulator on ${session.azure.armEndpoint} serving ${id}`);
    out();

    const preview = await runProgram(base);
    failIfBroken(preview, "preview");
    printPlan(`Previewing update (${STACK}) of examples/basic, a new stack:`, preview);

    const up = await runProgram({ ...base, dryRun: false });
    failIfBroken(up, "up");
    const state: ResourceState[] = up.state;
    out(
      `Updating (${STACK}): ${up.steps.filter((s) => s.op === "create").length} created, kept in the in-memory state.`,
    );
    out();

    const unchanged = await runProgram({ ...base, state });
    failIfBroken(unchanged, "preview");
    const changes = unchanged.steps.filter((s) => s.op !== "same").length;
    out(
      `Previewing again with nothing changed in Azure: ${changes === 0 ? "no changes" : `${changes} changes`}.`,
    );
    out();

    const groups = (up.state.find((r) => r.type.startsWith("pulumi-nodejs:dynamic"))?.outputs
      .sharedSubscriptionIds ?? []) as string[];
    session.azure.patchGallery(id, {
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
    const drift = await runProgram({ ...base, state });
    failIfBroken(drift, "preview");
    printPlan(`Previewing update (${STACK}) against the state of that update:`, drift);

    const methods = [
      ...new Set(
        session.azure
          .journal()
          .filter((e) => e.kind === "arm")
          .map((e) => e.method),
      ),
    ];
    out(
      `ARM requests sent: ${session.azure.journal().filter((e) => e.kind === "arm").length}, methods: ${methods.join(", ")}.`,
    );
    out(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
    out();
    out(
      "This was an offline preview for trying the package: Pulumi's own Node.js runtime and dynamic provider host",
    );
    out(
      "ran examples/basic against a local Azure emulator and an in-memory state. It is not a replacement for the",
    );
    out(
      "Pulumi CLI. With a real stack, run: `pulumi preview`, `pulumi preview --expect-no-changes` (fails on drift),",
    );
    out("and `pulumi refresh --preview-only --expect-no-changes`.");
    return 0;
  } finally {
    await closeSession(session);
  }
}

/** Previews a Pulumi project folder once against the emulator's default galleries. */
async function runOnce(dir: string): Promise<number> {
  const { runProgram, programLocation } =
    require("../preview/runProgram") as typeof import("../preview/runProgram");
  const root = path.resolve(dir);
  const location = programLocation(root);
  const session = await openSession();
  try {
    const result = await runProgram({
      ...location,
      rootDirectory: root,
      stack: STACK,
      dryRun: true,
      env: session.env,
      providerHost: session.host,
      config: { "azure-native:subscriptionId": session.azure.subscriptionId },
    });
    failIfBroken(result, "preview");
    printPlan(`Previewing update (${STACK}) of ${root} against the Azure emulator:`, result);
    out("This is an offline preview, not a replacement for `pulumi preview`.");
    return 0;
  } finally {
    await closeSession(session);
  }
}

/** `gallery-lookup preview [--demo] [DIR]`. */
export async function runPreviewCommand(args: string[]): Promise<number> {
  if (args.includes("--demo")) return runDemo();
  const dir = args.find((a) => !a.startsWith("-"));
  if (!dir) {
    process.stderr.write("usage: gallery-lookup preview --demo | gallery-lookup preview DIR\n");
    return 2;
  }
  return runOnce(dir);
}

export type { PropertyMap };
