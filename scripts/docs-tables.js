#!/usr/bin/env node
// `npm run docs:tables`: copies the fault tables the last `npm test` wrote under build/ into
// docs/reliability.md (between its markers). The reliability suites fail when the doc is not what
// they saw, naming this command.
const { copyGeneratedTables, GENERATED_TABLES } = require("../build/test/support/docsTables.js");

const copied = copyGeneratedTables(GENERATED_TABLES);
if (copied.length === 0) {
  console.error("No generated table under build/: run `npm test` first.");
  process.exit(1);
}
console.log(`docs/reliability.md: copied ${copied.join(", ")}`);
