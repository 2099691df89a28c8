// The generated Python SDK as a Python program gets it: the venv of scripts/python-venv.js (`pulumi` from
// PyPI) and a copy of sdk/python installed by its pip into a folder on PYTHONPATH.
import * as path from "node:path";
import { REPO_ROOT } from "./engineInstall";

interface PythonVenvScript {
  findPython(why?: string[]): string | undefined;
  installPythonSdk(python: string, target: string): void;
}
const venv = require(path.join(REPO_ROOT, "scripts", "python-venv.js")) as PythonVenvScript;

/** The driver of one lifecycle step (test/support/languageLifecycle.ts) in Python. */
export const PYTHON_LIFECYCLE = path.join(REPO_ROOT, "test", "languages", "python", "lifecycle.py");

/** The venv's python and the environment that puts the SDK, installed into `site`, in its reach. */
export function pythonWithSdk(site: string): { python: string; env: NodeJS.ProcessEnv } {
  const why: string[] = [];
  const python = venv.findPython(why);
  if (!python) throw new Error(`no Python venv for the SDK: ${why.join("; ")}`);
  venv.installPythonSdk(python, site);
  return { python, env: { PYTHONPATH: site, PYTHONDONTWRITEBYTECODE: "1" } };
}
