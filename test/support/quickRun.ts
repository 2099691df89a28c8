// Loaded first by `npm run test:quick` (mocha --require): that run is the suites that need no Pulumi CLI,
// language host or Go build, chosen by folder in package.json. A suite there that asks for the CLI fails
// (requirePulumi in pulumiCli.ts reads this variable) instead of skipping, so the quick run stays a subset
// by construction rather than by a skip nobody sees.
process.env.GALLERY_LOOKUP_TEST_QUICK = "1";
