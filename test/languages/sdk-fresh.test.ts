// sdk/python, sdk/go and sdk/nodejs are what `pulumi package gen-sdk` makes of provider/plugin/schema.json
// today (scripts/sdk-gen.js, through tools/sdkgen): a schema change without `npm run sdk:gen`, or a hand
// edit of a generated file, fails here. And each SDK carries the plugin's version (respectSchemaVersion),
// so a program on it asks the engine for the plugin that matches.
import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as path from "node:path";
import { REPO_ROOT } from "../support/engineInstall";
import { requirePulumi, temporaryFolder } from "../support/pulumiCli";
import { lazyFixture } from "../support/lazyFixture";

interface SdkGenScript {
  generate(out: string): void;
  LANGUAGES: string[];
}
const sdkGen = require(path.join(REPO_ROOT, "scripts", "sdk-gen.js")) as SdkGenScript;

/** Every file under `dir`, relative, sorted. */
function files(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((name) => fs.statSync(path.join(dir, name)).isFile())
    .sort();
}

describe("sdk/: the committed SDKs are a fresh generation of the schema", function () {
  this.timeout(300_000);
  const schema = JSON.parse(
    fs.readFileSync(path.join(REPO_ROOT, "provider", "plugin", "schema.json"), "utf8"),
  ) as {
    version: string;
    name: string;
  };

  before(function () {
    requirePulumi(this);
  });
  // A fresh generation of every SDK, which the tests below compare: made by the first of them.
  const generation = lazyFixture(() => {
    const fresh = temporaryFolder("gallery-lookup-sdk-fresh-");
    sdkGen.generate(fresh);
    return fresh;
  });

  for (const language of sdkGen.LANGUAGES) {
    it(`sdk/${language} is what gen-sdk makes of the schema, file for file`, async () => {
      const fresh = await generation();
      const committed = path.join(REPO_ROOT, "sdk", language);
      const generated = path.join(fresh, language);
      assert.deepEqual(files(committed), files(generated), `sdk/${language}: run npm run sdk:gen`);
      for (const name of files(generated)) {
        assert.equal(
          fs.readFileSync(path.join(committed, name), "utf8"),
          fs.readFileSync(path.join(generated, name), "utf8"),
          `sdk/${language}/${name} differs from a fresh generation: run npm run sdk:gen`,
        );
      }
    });
  }

  it("every SDK names the plugin and its version (respectSchemaVersion)", () => {
    // Python and Go carry a pulumi-plugin.json; Node.js the same block as package.json's "pulumi".
    const nodejs = JSON.parse(
      fs.readFileSync(path.join(REPO_ROOT, "sdk", "nodejs", "package.json"), "utf8"),
    ) as {
      version: string;
      pulumi: Record<string, unknown>;
    };
    const plugins = files(path.join(REPO_ROOT, "sdk"))
      .filter((file) => path.basename(file) === "pulumi-plugin.json")
      .map((file) => ({
        language: file.split(path.sep)[0],
        json: JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "sdk", file), "utf8")) as Record<
          string,
          unknown
        >,
      }))
      .concat([{ language: "nodejs", json: nodejs.pulumi }]);
    assert.deepEqual(plugins.map((p) => p.language).sort(), ["go", "nodejs", "python"]);
    for (const { language, json } of plugins) {
      assert.deepEqual(
        { resource: json.resource, name: json.name, version: json.version },
        { resource: true, name: schema.name, version: schema.version },
        `sdk/${language}: ${JSON.stringify(json)}`,
      );
    }
    assert.equal(nodejs.version, schema.version, "sdk/nodejs/package.json");
    assert.match(
      fs.readFileSync(path.join(REPO_ROOT, "sdk", "python", "pyproject.toml"), "utf8"),
      new RegExp(`^\\s*version = "${schema.version.replace(/\./g, "\\.")}"`, "m"),
      "sdk/python/pyproject.toml",
    );
  });
});
