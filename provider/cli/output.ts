// The two streams of `preview` and `up`: the plan (or its JSON) on stdout, diagnostics on stderr, so that
// `--json` output piped to a file never holds a warning.
import { stripAnsi } from "./plan";

/** Writes a line of the plan on stdout. */
export const out = (line = ""): void => {
  process.stdout.write(`${line}\n`);
};

/** Writes a diagnostic line on stderr, without colour codes unless stderr is a terminal. */
export function err(line: string): void {
  process.stderr.write(`${process.stderr.isTTY ? line : stripAnsi(line)}\n`);
}
