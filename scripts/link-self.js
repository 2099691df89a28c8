// Links node_modules/pulumi-azure-gallery-lookup to this checkout, so that a Pulumi program run from
// the repository (Pulumi.yaml → examples/basic) works with the real Pulumi CLI: the dynamic provider
// host loads the provider text without a file name, so its `require("pulumi-azure-gallery-lookup/…")`
// resolves only through node_modules, exactly as it does in a user's project where the package is installed.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-azure-gallery-lookup");
try {
  fs.lstatSync(link);
} catch {
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(path.relative(path.dirname(link), root), link, "junction");
}
