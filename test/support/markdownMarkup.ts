// Reads a drift report's Markdown as a renderer does (markdown-it with raw HTML and linkify on, the
// closest to GitHub's GFM), and lists whatever markup in it did not come from the report's own layout:
// a link, image, HTML, emphasis, a new block, or text outside code that GitHub would turn into an
// @mention, #reference or autolink.
import MarkdownIt from "markdown-it";

type Token = ReturnType<MarkdownIt["parse"]>[number];

const md = new MarkdownIt({ html: true, linkify: true });

/** The blocks the report lays out: a heading, paragraphs, one table, one bullet list. */
const LAYOUT_BLOCKS = new Set(
  ["heading", "paragraph", "table", "thead", "tbody", "tr", "th", "td", "bullet_list", "list_item"].flatMap(
    (t) => [`${t}_open`, `${t}_close`],
  ),
);

/** What GitHub makes into a mention, a reference or a link in plain text, and what only markup leaves. */
const LIVE_TEXT = /[@#<>[\]!*_~`&\\]|:\/\/|www\./i;

export interface ParsedMarkdown {
  /** Markup that the report's layout does not make, as `type: content`. */
  foreign: string[];
  /** The contents of every code span, in order. */
  code: string[];
  /** The table's rows (header included), each a list of cells' code-span contents. */
  rows: string[][];
}

/** Parses `text` and sorts its tokens into the report's layout and anything else. */
export function parseReportMarkdown(text: string): ParsedMarkdown {
  const foreign: string[] = [];
  const code: string[] = [];
  const rows: string[][] = [];
  let row: string[] | undefined;
  const inline = (children: Token[]) => {
    for (const child of children) {
      if (child.type === "code_inline") {
        code.push(child.content);
        row?.push(child.content);
      } else if (child.type === "text") {
        if (LIVE_TEXT.test(child.content)) foreign.push(`text: ${child.content}`);
      } else if (child.type === "html_inline" && child.content === "<br>") {
        continue;
      } else if (child.type !== "strong_open" && child.type !== "strong_close") {
        foreign.push(`${child.type}: ${child.content}`);
      }
    }
  };
  for (const token of md.parse(text, {})) {
    if (token.type === "inline") inline(token.children ?? []);
    else if (!LAYOUT_BLOCKS.has(token.type)) foreign.push(`${token.type}: ${token.content}`);
    if (token.type === "tr_open") rows.push((row = []));
    if (token.type === "tr_close") row = undefined;
  }
  return { foreign, code, rows };
}
