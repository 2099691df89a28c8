import { strict as assert } from "node:assert";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { StackConfigError } from "#internal/errors/StackConfigError";
import { readProject, stackConfig } from "#internal/preview/project";

describe("preview: a project's Pulumi.yaml and Pulumi.<stack>.yaml", () => {
  it("qualifies bare keys with the project, keeps strings, JSON-encodes the rest; the stack wins", () => {
    const config = stackConfig(
      "app",
      { region: { type: "string", default: "westus" }, count: 2, onlyType: { type: "string" } },
      { region: "northeurope", "azure-native:subscriptionId": "sub", flags: { a: [1, true] }, on: true },
      "Pulumi.dev.yaml",
    );
    assert.deepEqual(config, {
      "app:region": "northeurope",
      "app:count": "2",
      "azure-native:subscriptionId": "sub",
      "app:flags": '{"a":[1,true]}',
      "app:on": "true",
    });
  });

  it("a secret is refused naming the key and the file", () => {
    assert.throws(
      () => stackConfig("app", undefined, { token: { secure: "AAAB" } }, "Pulumi.prod.yaml"),
      (e: unknown) =>
        e instanceof StackConfigError &&
        /config 'app:token' in Pulumi\.prod\.yaml is a secret/.test(e.message),
    );
  });

  it("reads main, the stack file and the runtime; a folder without Pulumi.yaml is named", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
    try {
      assert.throws(() => readProject(dir, "dev"), /has no Pulumi\.yaml/);
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nruntime: nodejs\nmain: src/index.ts\n");
      fs.writeFileSync(path.join(dir, "Pulumi.ci.yaml"), "config:\n  app:name: x\n");
      const project = readProject(dir, "ci");
      assert.deepEqual(
        [project.project, project.programDir, project.entryPoint, project.config],
        ["app", dir, "src/index.ts", { "app:name": "x" }],
      );
      assert.deepEqual(readProject(dir, "dev").config, {}, "no stack file: no config");
      fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: app\nruntime: python\n");
      assert.throws(() => readProject(dir, "dev"), /runtime 'python' is not nodejs/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
