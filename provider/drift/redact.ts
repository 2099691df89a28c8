// Secrets out of drift reports. A `--show-secrets` export holds secrets in plaintext, and their values
// travel: a secret `subscriptionId` is part of the gallery's id, of the messages the package writes about
// the lookup, of ARM's 404 text and of the request log. Marking the secret properties is not enough, so
// every text that reaches a report or a log line has the run's secret values withheld, in any letter
// case (ARM echoes names in its own case) and in the escaped forms messages quote values in.
import { format } from "node:util";
import { AzureLogger } from "@azure/logger";
import { quoteValue } from "../gallery/validation";
import { WITHHELD } from "./verdict";

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The string leaves of a JSON value, and the keys of its objects when `keys` is set. */
function stringLeaves(value: unknown, out: string[], keys: boolean): void {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const v of value) stringLeaves(v, out, keys);
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (keys) out.push(k);
      stringLeaves(v, out, keys);
    }
  }
}

/** The secret values found so far in a run, and the rule that keeps them out of text. */
export class SecretValues {
  private readonly values = new Set<string>();
  private pattern: RegExp | undefined;

  /**
   * Adds the string parts of a value stored as a secret. A secret map's keys are not added: its own
   * change stops at the property, and a key such as `env` withheld from every text would read as noise.
   */
  add(value: unknown): void {
    const leaves: string[] = [];
    stringLeaves(value, leaves, false);
    for (const leaf of leaves) {
      if (leaf === "" || this.values.has(leaf)) continue;
      this.values.add(leaf);
      this.pattern = undefined;
    }
  }

  get empty(): boolean {
    return this.values.size === 0;
  }

  private regex(): RegExp {
    if (this.pattern === undefined) {
      const forms = new Set<string>();
      for (const v of this.values) {
        forms.add(v);
        // As messages quote a value (JSON-escaped, control characters visible, cut after 100 characters)
        // and as a URL carries it.
        forms.add(quoteValue(v));
        forms.add(JSON.stringify(v).slice(1, -1));
        forms.add(encodeURIComponent(v));
      }
      // Longest first, so that a value inside another is not matched first and leaves the rest showing.
      const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.pattern = new RegExp(alternatives.join("|"), "giu");
    }
    return this.pattern;
  }

  /** `text` with every secret value in it withheld. */
  scrub(text: string): string {
    return this.empty ? text : text.replace(this.regex(), WITHHELD);
  }

  /** Whether a value holds any secret value, in any string part of it. */
  reveals(value: unknown): boolean {
    if (this.empty) return false;
    const leaves: string[] = [];
    stringLeaves(value, leaves, true);
    return leaves.some((leaf) => this.scrub(leaf) !== leaf);
  }
}

const scrubbing = new Set<SecretValues>();
let unscrubbedLog: typeof AzureLogger.log | undefined;

/**
 * Runs `work` with every `@azure/logger` line (the package's request log, `@azure/identity`'s and the
 * pipeline's) stripped of the secret values in `secrets`, as they are found. Runs may overlap: each
 * line is scrubbed for all of them, and the logger is restored when the last ends.
 */
export async function withScrubbedLog<T>(secrets: SecretValues, work: () => Promise<T>): Promise<T> {
  if (scrubbing.size === 0) {
    const original = AzureLogger.log;
    unscrubbedLog = original;
    AzureLogger.log = (...args: unknown[]) => {
      let line = format(...args);
      for (const s of scrubbing) line = s.scrub(line);
      original(line);
    };
  }
  scrubbing.add(secrets);
  try {
    return await work();
  } finally {
    scrubbing.delete(secrets);
    if (scrubbing.size === 0 && unscrubbedLog !== undefined) {
      AzureLogger.log = unscrubbedLog;
      unscrubbedLog = undefined;
    }
  }
}
