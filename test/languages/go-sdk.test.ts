// The generated Go SDK (sdk/go) through a whole lifecycle: an inline Automation API program
// (test/languages/go, whose go.mod replaces the SDK's module with sdk/go), the real CLI, the plugin from
// its tarball.
import * as path from "node:path";
import { REPO_ROOT } from "../support/engineInstall";
import { describeLifecycle, runDriverProcess } from "../support/languageLifecycle";

interface GoProgramScript {
  buildGoProgram(output: string): string | undefined;
}
const goProgram = require(path.join(REPO_ROOT, "scripts", "go-program.js")) as GoProgramScript;

let binary: string | undefined;

describeLifecycle(
  "Go: the generated SDK's NewGalleryLookup and GetGalleryOutput, inline Automation API",
  (action, { env, scratch }) => runDriverProcess(binary!, [action], { cwd: scratch, env }),
  {
    before({ scratch }) {
      binary = path.join(scratch, "lifecycle");
      const failed = goProgram.buildGoProgram(binary);
      if (failed) throw new Error(failed);
    },
  },
);
