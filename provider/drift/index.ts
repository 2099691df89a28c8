// The drift check's public API: `checkDrift` and the report it returns, plus the renderings the CLI prints.
export { checkDrift, type DriftCheckOptions } from "./checkDrift";
export {
  DRIFT_FORMAT_VERSION,
  type DriftError,
  type DriftReport,
  type DriftSourceEntry,
  type LookupDriftEntry,
  type LookupStatus,
} from "./driftReport";
export type { DriftChange } from "./verdict";
export type { PulumiStacksOptions } from "./pulumiStacks";
export { renderJson, renderMarkdown, renderTerminal } from "./render";
