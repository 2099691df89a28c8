// The fenced code blocks of README.md and docs/*.md, where each starts, and how the page tags it. A
// block is run by test/docs/code-blocks.test.ts unless its info string is `text` (an output sample) or
// the line before it is `<!-- not-run: reason -->`; the reason is required. `<!-- run: exits N -->`
// before a block says that it ends with status N (a drift check's 7, say).
import * as fs from "node:fs";
import * as path from "node:path";

/** One fenced block of a page. */
export interface DocBlock {
  /** The page, relative to the repository root (README.md, docs/cli.md). */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The info string's first word, lower-cased ("ts", "sh", "" when none). */
  lang: string;
  code: string;
  /** Why the page says the block is not run, when it says so. */
  notRun?: string;
  /** The exit status the page says the block ends with (`<!-- run: exits N -->`), default 0. */
  exits: number;
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^\s`]*)/;
const NOT_RUN = /^<!--\s*not-run:\s*(.*?)\s*-->$/;
const EXITS = /^<!--\s*run:\s*exits\s+(\d+)\s*-->$/;

/** Every fenced block of README.md and docs/*.md under `root`, in page order. */
export function readDocBlocks(root: string): DocBlock[] {
  const pages = [
    "README.md",
    ...fs
      .readdirSync(path.join(root, "docs"))
      .filter((f) => f.endsWith(".md"))
      .sort()
      .map((f) => `docs/${f}`),
  ];
  const blocks: DocBlock[] = [];
  for (const file of pages) {
    const lines = fs.readFileSync(path.join(root, file), "utf8").split("\n");
    for (let i = 0; i < lines.length; i++) {
      const open = FENCE.exec(lines[i]);
      if (!open) continue;
      const fence = open[1];
      let end = i + 1;
      while (end < lines.length && !lines[end].trimStart().startsWith(fence)) end++;
      let before = i - 1;
      while (before >= 0 && lines[before].trim() === "") before--;
      const comment = before >= 0 ? lines[before].trim() : "";
      const tag = NOT_RUN.exec(comment);
      const exits = EXITS.exec(comment);
      blocks.push({
        file,
        line: i + 1,
        lang: (open[2] ?? "").toLowerCase(),
        code: lines.slice(i + 1, end).join("\n"),
        ...(tag ? { notRun: tag[1] ?? "" } : {}),
        exits: exits ? Number(exits[1]) : 0,
      });
      i = end;
    }
  }
  return blocks;
}
