// The generated Python SDK (sdk/python) through a whole lifecycle: an inline Automation API program with
// `pulumi` from PyPI in a cached venv (scripts/python-venv.js) and the SDK installed by pip, the real CLI,
// the plugin from its tarball.
import * as path from "node:path";
import { describeLifecycle, runDriverProcess } from "../support/languageLifecycle";
import { pythonWithSdk, PYTHON_LIFECYCLE } from "../support/pythonSdk";

let python: { python: string; env: NodeJS.ProcessEnv } | undefined;

describeLifecycle(
  "Python: the generated SDK's GalleryLookup and get_gallery_output, inline Automation API",
  (action, { env, scratch }) =>
    runDriverProcess(python!.python, [PYTHON_LIFECYCLE, action], {
      cwd: scratch,
      env: { ...env, ...python!.env },
    }),
  {
    before({ scratch }) {
      python = pythonWithSdk(path.join(scratch, "site"));
    },
  },
);
