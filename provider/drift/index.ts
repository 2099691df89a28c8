// The drift check's public API: `checkDrift` and the report it returns, plus the renderings the CLI prints.
export {
  checkDrift,
  DRIFT_FORMAT_VERSION,
  type DriftCheckOptions,
  type DriftError,
  type DriftReport,
  type DriftSourceEntry,
  type LookupDriftEntry,
  type LookupStatus,
} from "./checkDrift";
export type { DriftChange } from "./verdict";
export type { PulumiStacksOptions } from "./pulumiStacks";
export { renderJson, renderMarkdown, renderTerminal } from "./render";
