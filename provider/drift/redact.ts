// Secrets out of drift reports. A `--show-secrets` export holds secrets in plaintext, and their values
// travel: a secret `subscriptionId` is part of the gallery's id, of the messages the package writes about
// the lookup, of ARM's 404 text and of the request log. Marking the secret properties is not enough, so
// every text that reaches a report or a log line has the run's secret values withheld, in any letter
// case (ARM echoes names in its own case) and in the escaped forms messages quote values in.
import { format } from "node:util";
import { AzureLogger } from "@azure/logger";
import { quoteValue } from "../gallery/validation";
import { WITHHELD } from "./verdict";

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

const folded = new Map<number, number>();

/**
 * A code point in the one letter case that both spellings of a letter share (what a `u` + `i` regex
 * compares), or itself when that case is not one code point.
 */
function fold(cp: number): number {
  if (cp < 0x80) return cp >= 0x41 && cp <= 0x5a ? cp + 0x20 : cp;
  let f = folded.get(cp);
  if (f === undefined) {
    const single = (text: string): number | undefined => {
      const first = text.codePointAt(0);
      return first !== undefined && text.length === String.fromCodePoint(first).length ? first : undefined;
    };
    const char = String.fromCodePoint(cp);
    const upper = single(char.toUpperCase());
    f =
      (upper === undefined ? undefined : single(String.fromCodePoint(upper).toLowerCase())) ??
      single(char.toLowerCase()) ??
      cp;
    folded.set(cp, f);
  }
  return f;
}

/**
 * Transitions taken, failure links followed and states built by every matcher of the process: the work
 * done, so that a test can hold it to the inputs' size.
 */
let work = 0;

/** The work every value matcher of the process has done so far (see {@link ValueMatcher}). */
export function matcherWork(): number {
  return work;
}

/** Keys of the transition map: one number per (state, code point). */
const CODE_POINTS = 0x110000;

/**
 * Every value of a set found in a text in one pass, in any letter case: an Aho-Corasick automaton over
 * case-folded code points. A text costs its length, whatever the number of values; the automaton
 * costs the values' total length to build. (One regex alternation of every value would try each value
 * at each position: a drift run over N secret lookups did N times the work per text.)
 */
class ValueMatcher {
  private readonly next = new Map<number, number>();
  private readonly children: number[][] = [[]];
  /** Per state: the length, in code points, of the longest value that ends there (0 for none). */
  private readonly longest: number[] = [0];
  private readonly fail: number[] = [0];
  constructor(values: Iterable<string>) {
    for (const value of values) this.insert(value);
    this.link();
  }

  private insert(value: string): void {
    let state = 0;
    let length = 0;
    for (const char of value) {
      const key = state * CODE_POINTS + fold(char.codePointAt(0)!);
      let to = this.next.get(key);
      if (to === undefined) {
        to = this.longest.length;
        this.next.set(key, to);
        this.children[state].push(key);
        this.children.push([]);
        this.longest.push(0);
        this.fail.push(0);
      }
      state = to;
      length += 1;
      work += 1;
    }
    if (length > 0) this.longest[state] = length;
  }

  /** Failure links, breadth first; each state's longest value includes those ending at its suffixes. */
  private link(): void {
    const queue: number[] = [];
    for (const key of this.children[0]) queue.push(this.next.get(key)!);
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head];
      for (const key of this.children[state]) {
        const child = this.next.get(key)!;
        const cp = key - state * CODE_POINTS;
        let f = this.fail[state];
        while (f !== 0 && !this.next.has(f * CODE_POINTS + cp)) {
          f = this.fail[f];
          work += 1;
        }
        const target = this.next.get(f * CODE_POINTS + cp);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        if (this.longest[child] === 0) this.longest[child] = this.longest[this.fail[child]];
        queue.push(child);
        work += 1;
      }
    }
  }

  /**
   * Where values occur in `text`: `[start, end)` code-unit ranges, in order, overlapping occurrences
   * merged into one (so no part of a value inside or across another is left showing).
   */
  ranges(text: string): [number, number][] {
    const ranges: [number, number][] = [];
    const offsets: number[] = [];
    let state = 0;
    for (let i = 0; i < text.length;) {
      const cp = text.codePointAt(i)!;
      const c = fold(cp);
      offsets.push(i);
      i += cp > 0xffff ? 2 : 1;
      while (state !== 0 && !this.next.has(state * CODE_POINTS + c)) {
        state = this.fail[state];
        work += 1;
      }
      state = this.next.get(state * CODE_POINTS + c) ?? 0;
      work += 1;
      const length = this.longest[state];
      if (length === 0) continue;
      let start = offsets[offsets.length - length];
      while (ranges.length > 0 && ranges[ranges.length - 1][1] > start) {
        start = Math.min(start, ranges.pop()![0]);
      }
      ranges.push([start, i]);
    }
    return ranges;
  }
}

/** The secret values found so far in a run, and the rule that keeps them out of text. */
export class SecretValues {
  private readonly values = new Set<string>();
  private matcher: ValueMatcher | undefined;

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
      this.matcher = undefined;
    }
  }

  get empty(): boolean {
    return this.values.size === 0;
  }

  private current(): ValueMatcher {
    if (this.matcher === undefined) {
      const forms = new Set<string>();
      for (const v of this.values) {
        forms.add(v);
        // As messages quote a value (JSON-escaped, control characters visible, cut after 100 characters)
        // and as a URL carries it.
        forms.add(quoteValue(v));
        forms.add(JSON.stringify(v).slice(1, -1));
        forms.add(encodeURIComponent(v));
      }
      this.matcher = new ValueMatcher(forms);
    }
    return this.matcher;
  }

  /** `text` with every secret value in it withheld. */
  scrub(text: string): string {
    if (this.empty) return text;
    const ranges = this.current().ranges(text);
    if (ranges.length === 0) return text;
    let out = "";
    let from = 0;
    for (const [start, end] of ranges) {
      out += text.slice(from, start) + WITHHELD;
      from = end;
    }
    return out + text.slice(from);
  }

  /** Whether a value holds any secret value, in any string part of it. */
  reveals(value: unknown): boolean {
    if (this.empty) return false;
    const leaves: string[] = [];
    stringLeaves(value, leaves, true);
    return leaves.some((leaf) => this.current().ranges(leaf).length > 0);
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
