// One line of the benchmark table, shared by run.ts and the modules that add figures to it.
import * as fs from "node:fs";
import * as os from "node:os";
import { round3 } from "./stats";

/** One line of the table: a figure, its yardstick, their ratio and the target it must meet. */
export interface Figure {
  id: string;
  figure: string;
  value: number;
  unit: string;
  yardstick: string;
  yardstickValue: number;
  /** value / yardstickValue. */
  ratio: number;
  target: string;
  pass: boolean;
  /** For ratios of interleaved rounds: the per-round ratios' median and range. */
  spread?: string;
}

export function figure(
  id: string,
  name: string,
  value: number,
  unit: string,
  yardstick: string,
  yardstickValue: number,
  target: string,
  pass: boolean,
): Figure {
  return {
    id,
    figure: name,
    value: round3(value),
    unit,
    yardstick,
    yardstickValue: round3(yardstickValue),
    ratio: round3(value / yardstickValue),
    target,
    pass,
  };
}

/** Writes one results file as every bench group writes it: when, on what, the figures and the raw rounds. */
export function writeResults(file: string, figures: Figure[], raw: unknown): void {
  const report = {
    when: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    figures,
    raw,
  };
  fs.writeFileSync(file, JSON.stringify(report, null, 2) + "\n");
}
