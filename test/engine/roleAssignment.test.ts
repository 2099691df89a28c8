// examples/role-assignment run by Pulumi's own Node.js runtime (preview): the gallery's principalId, known
// at preview through the dynamic provider host, arrives in the RoleAssignment's registered inputs.
import { strict as assert } from "node:assert";
import * as path from "node:path";
import { startEmulator } from "#internal/emulator/index";
import type { EmulatorHandle } from "#internal/emulator/types";
import { runProgram } from "#internal/preview/runProgram";
import { installedProgram, REPO_ROOT } from "../support/engineInstall";
import { assertOnlyGets } from "../support/reliability";

describe("engine: examples/role-assignment under the Node.js language runtime", function () {
  this.timeout(60_000);
  let azure: EmulatorHandle;
  before(async () => {
    azure = await startEmulator({ throttle: false });
  });
  after(async () => azure?.close());

  it("previews a RoleAssignment whose principalId is the gallery's, and sends only GET", async () => {
    const program = installedProgram();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      ...azure.environment(),
      // The example resolves @pulumi/* from the repository and this package from the installed tarball.
      NODE_PATH: path.join(program.dir, "node_modules"),
    };
    const result = await runProgram({
      programDir: path.join(REPO_ROOT, "examples", "role-assignment"),
      project: "gallery-lookup-role-assignment",
      dryRun: true,
      env,
      hostCwd: program.dir,
      config: { "azure-native:subscriptionId": azure.subscriptionId },
    });
    assert.equal(result.exitCode, 0, `${result.errors.join("\n")}\n${result.stderr}`);
    const lookup = result.steps.find((s) => s.type.endsWith(":GalleryLookup"));
    const assignment = result.steps.find((s) => s.type === "azure-native:authorization:RoleAssignment");
    assert.ok(lookup && assignment, `steps: ${result.steps.map((s) => s.type).join(", ")}`);
    assert.equal(lookup.op, "create");
    const principalId = "00000000-0000-0000-0000-000000000000";
    assert.equal(lookup.outputs.principalId, principalId);
    // In preview the harness answers a foreign resource with its registered inputs.
    assert.equal(assignment.outputs.principalId, principalId);
    assert.equal(assignment.outputs.principalType, "ServicePrincipal");
    assert.match(
      String(assignment.outputs.scope),
      new RegExp(`/subscriptions/${azure.subscriptionId}/resourceGroups/`),
    );
    assert.equal(result.outputs.principalId, principalId);
    assertOnlyGets(azure);
  });
});
