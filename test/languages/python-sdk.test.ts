// The generated Python SDK (sdk/python) through a whole lifecycle: an inline Automation API program with
// `pulumi` from PyPI in a cached venv (scripts/python-venv.js), the real CLI, the plugin from its tarball.
import * as path from "node:path";
import { REPO_ROOT } from "../support/engineInstall";
import { describeLifecycle, runDriverProcess } from "../support/languageLifecycle";

interface PythonVenvScript {
  findPython(why?: string[]): string | undefined;
}
const venv = require(path.join(REPO_ROOT, "scripts", "python-venv.js")) as PythonVenvScript;

let python: string | undefined;

describeLifecycle(
  "Python: the generated SDK's GalleryLookup and get_gallery_output, inline Automation API",
  (action, { env, scratch }) =>
    runDriverProcess(python!, [path.join(REPO_ROOT, "test", "languages", "python", "lifecycle.py"), action], {
      cwd: scratch,
      env: { ...env, PYTHONPATH: path.join(REPO_ROOT, "sdk", "python"), PYTHONDONTWRITEBYTECODE: "1" },
    }),
  {
    before() {
      const why: string[] = [];
      python = venv.findPython(why);
      if (!python) throw new Error(`no Python venv for the SDK: ${why.join("; ")}`);
    },
  },
);
