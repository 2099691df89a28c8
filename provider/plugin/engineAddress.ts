// Imported first by main.ts, before anything loads @pulumi/pulumi. Pulumi's log module writes to the engine
// only when its settings know the engine's address, which a program is given in PULUMI_NODEJS_ENGINE and a
// plugin as its first argument. Without it, check's warnings (the expand hint) would go to the plugin's
// stderr, which the CLI does not show.
const engineAddress = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
if (engineAddress && !process.env.PULUMI_NODEJS_ENGINE) process.env.PULUMI_NODEJS_ENGINE = engineAddress;
