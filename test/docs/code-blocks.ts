import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** README.md and every document in docs/, as repository-relative paths. */
export function documentationFiles(): string[] {
  return ["README.md", ...readdirSync(path.join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => `docs/${f}`)];
}

export type CodeBlock = {
  /** `README.md › Connect a client #3`: the file, the nearest heading above and the block's place under it */
  key: string;
  file: string;
  /** 1-based line of the opening fence */
  line: number;
  /** the info string's first word: `sh`, `ts`, `json`, … or "" */
  lang: string;
  code: string;
};

/**
 * Every fenced code block of a Markdown file. Blocks are keyed by their section and position
 * in it, so adding a block elsewhere in the file leaves the other keys as they were.
 */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(path.join(root, file), "utf8").split("\n");
  const blocks: CodeBlock[] = [];
  let heading = "(top)";
  const seen = new Map<string, number>();
  for (let i = 0; i < lines.length; i++) {
    const fence = /^(\s*)(`{3,}|~{3,})\s*([^`\s]*)/.exec(lines[i]!);
    if (!fence) {
      const h = /^#{1,6}\s+(.*)$/.exec(lines[i]!);
      if (h) heading = h[1]!.trim();
      continue;
    }
    const [, indent, marker, lang] = fence;
    const body: string[] = [];
    const start = i;
    for (i++; i < lines.length && !lines[i]!.trimStart().startsWith(marker!); i++) body.push(lines[i]!.startsWith(indent!) ? lines[i]!.slice(indent!.length) : lines[i]!);
    const n = (seen.get(heading) ?? 0) + 1;
    seen.set(heading, n);
    blocks.push({ key: `${file} › ${heading} #${n}`, file, line: start + 1, lang: lang ?? "", code: body.join("\n") });
  }
  return blocks;
}
