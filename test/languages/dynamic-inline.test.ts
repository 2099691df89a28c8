// The dynamic GalleryLookup's lifecycle once more, as an inline Automation API program
// (test/languages/dynamicInline.ts): the same steps the plugin's languages prove.
import * as path from "node:path";
import { REPO_ROOT } from "../support/engineInstall";
import { describeLifecycle, runDriverProcess } from "../support/languageLifecycle";

describeLifecycle(
  "TypeScript, dynamic: GalleryLookup and getGalleryOutput as an inline Automation API program",
  (action, { env, scratch }) =>
    runDriverProcess(process.execPath, [path.join(__dirname, "dynamicInline.js"), action], {
      cwd: scratch,
      // The dynamic provider host requires pulumi-azure-gallery-lookup/dynamic-provider, and the inline
      // program's folder has no node_modules: NODE_PATH is how the host finds the package.
      env: { ...env, NODE_PATH: path.join(REPO_ROOT, "node_modules") },
    }),
  { dynamic: true },
);
