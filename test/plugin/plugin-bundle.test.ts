// What the provider plugin's one file holds. The plugin is an esbuild bundle of dist/plugin/main.js
// (scripts/plugin-path.js), and everything in it is compiled at every start of the plugin, which every
// preview, up, refresh and destroy pays. Pulumi's SDK index (`@pulumi/pulumi`) pulls in the program-side
// tooling a plugin never runs: the TypeScript compiler (closure serialization), npm's arborist (the
// serializer's package walk) and the Automation API. So the plugin's code imports the SDK's parts by path
// (`@pulumi/pulumi/provider`, `/output`, `/config`, `/runtime/...`); one import of the index anywhere the
// plugin reaches brings back 14 MB and about half a second of every start (docs/performance.md, 16e).
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { REPO_ROOT } from "../support/engineInstall";

interface Metafile {
  inputs: Record<string, { imports: { path: string }[] }>;
}

const { bundleOptions } = require(path.join(REPO_ROOT, "scripts", "plugin-path.js")) as {
  bundleOptions(entry: string, outfile: string): Record<string, unknown>;
};

/** Whoever first imports `input` on the way from the plugin's entry, entry first. */
function importChain(metafile: Metafile, entry: string, input: string): string[] {
  const from = new Map<string, string | undefined>([[entry, undefined]]);
  const queue = [entry];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const { path: next } of metafile.inputs[current]?.imports ?? []) {
      if (from.has(next) || !metafile.inputs[next]) continue;
      from.set(next, current);
      queue.push(next);
    }
  }
  const chain: string[] = [];
  for (let at: string | undefined = input; at !== undefined; at = from.get(at)) chain.unshift(at);
  return chain;
}

describe("the provider plugin's bundle", function () {
  this.timeout(60_000);
  let metafile: Metafile;
  let entry: string;

  before(async () => {
    const esbuild = require(require.resolve("esbuild", { paths: [REPO_ROOT] })) as {
      build(options: Record<string, unknown>): Promise<{ metafile: Metafile }>;
      stop(): Promise<void> | void;
    };
    const options = bundleOptions(path.join(REPO_ROOT, "dist", "plugin", "main.js"), "plugin.js");
    try {
      ({ metafile } = await esbuild.build({ ...options, write: false, metafile: true }));
    } finally {
      // esbuild's service process would otherwise outlive the suite.
      await esbuild.stop();
    }
    entry = Object.keys(metafile.inputs).find((input) => input.endsWith("dist/plugin/main.js"))!;
    assert.ok(entry, "the bundle's inputs hold the plugin's entry");
  });

  const programSide: [string, RegExp][] = [
    ["the SDK's index", /node_modules\/@pulumi\/pulumi\/index\.js$/],
    ["the TypeScript compiler", /node_modules\/typescript\//],
    ["the closure serializer", /node_modules\/@pulumi\/pulumi\/runtime\/closure\//],
    ["npm's arborist", /node_modules\/@npmcli\/arborist\//],
    ["the Automation API", /node_modules\/@pulumi\/pulumi\/automation\//],
  ];
  for (const [what, pattern] of programSide) {
    it(`leaves out ${what}`, () => {
      const found = Object.keys(metafile.inputs).filter((input) => pattern.test(input));
      assert.deepEqual(
        found.slice(0, 1).map((input) => importChain(metafile, entry, input).join("\n  -> ")),
        [],
        `${found.length} files of ${what} in the plugin's bundle, the first reached through the chain above`,
      );
    });
  }

  it("still holds what the plugin runs: the SDK's provider server, and the ARM stack", () => {
    // The guard above must not pass on a bundle that lost the parts the plugin needs.
    for (const needed of [
      /node_modules\/@pulumi\/pulumi\/provider\/server\.js$/,
      /node_modules\/axios\//,
      /node_modules\/@azure\/identity\//,
      /dist\/lookup\/operations\.js$/,
    ])
      assert.ok(
        Object.keys(metafile.inputs).some((input) => needed.test(input)),
        `the plugin's bundle holds ${needed}`,
      );
  });
});
