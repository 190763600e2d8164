import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { root } from "./docs/code-blocks.ts";

/**
 * The documentation stands alone: it cites no internal document that is not in the
 * repository, every relative link resolves, and no page says a shipped feature is missing.
 */

/** Every Markdown file of the repository outside node_modules, .git and build output. */
function markdownFiles(dir = root): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if ([".git", "node_modules", ".next", ".turbo", ".data", "test-results", "playwright-report"].includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...markdownFiles(full));
    else if (entry.name.endsWith(".md")) files.push(path.relative(root, full));
  }
  return files.sort();
}

const files = markdownFiles();

/** Lines matching `pattern`, as `file:line: text`. */
function find(pattern: RegExp, accept: (line: string) => boolean = () => false): string[] {
  return files.flatMap((file) =>
    readFileSync(path.join(root, file), "utf8")
      .split("\n")
      .flatMap((line, i) => (pattern.test(line) && !accept(line) ? [`${file}:${i + 1}: ${line.trim()}`] : [])),
  );
}

describe("the documentation is self-contained", () => {
  it("covers the README and docs/", () => {
    expect(files).toContain("README.md");
    expect(files).toContain("docs/decisions.md");
  });

  it("cites no internal document (DESIGN, ENVIRONMENT, DEVELOPERS, STYLE)", () => {
    expect(find(/\bDESIGN\b|ENVIRONMENT\.md|DEVELOPERS|STYLE\.md/)).toEqual([]);
  });

  it("uses § only for sections of a named standard (RFC 9421 §2.5, OAuth 2.1 §4.1)", () => {
    // Each § must follow the standard it belongs to, so no section number points at a document the reader does not have.
    const named = (line: string) => line.replace(/(RFC \d+|OAuth 2\.1)( §[\d.]+(,| and| or)?)+/g, "").includes("§") === false;
    expect(find(/§/, named)).toEqual([]);
  });

  it("says nothing is 'not built yet'", () => {
    expect(find(/not (built|enforced|implemented|supported) yet|coming soon|\bTODO\b/i)).toEqual([]);
  });

  it("documents only environment variables the code reads", () => {
    // Where configuration is read: each app's env.ts, the CLI's, npm start, the test database helper.
    const readers = [
      ...["apps/gateway/src/env.ts", "apps/worker/src/env.ts", "apps/dashboard/src/server/env.ts", "packages/cli/src/env.ts", "packages/db/src/testing.ts"],
      ...readdirSync(path.join(root, "scripts"), { withFileTypes: true }).filter((e) => e.isFile()).map((e) => `scripts/${e.name}`),
    ].map((f) => readFileSync(path.join(root, f), "utf8"));
    const unread: string[] = [];
    for (const file of ["README.md", ...files.filter((f) => f.startsWith("docs/"))]) {
      // The first column of configuration tables: | `NAME` | … (or `NAME`, `OTHER` | …)
      for (const [, cell] of readFileSync(path.join(root, file), "utf8").matchAll(/^\| ((?:`[A-Z][A-Z0-9_]+`(?:, )?)+) \|/gm)) {
        for (const [, name] of cell!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) {
          if (!readers.some((text) => new RegExp(`\\b${name}\\b`).test(text))) unread.push(`${file}: ${name}`);
        }
      }
    }
    expect(unread).toEqual([]);
  });

  it("links only to files that exist in the repository", () => {
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(root, file), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
        if (/^[a-z][a-z0-9+.-]*:/i.test(target!) || target!.startsWith("#")) continue;
        const resolved = path.resolve(path.dirname(path.join(root, file)), decodeURIComponent(target!.split("#")[0]!));
        if (!resolved.startsWith(root) || !existsSync(resolved)) broken.push(`${file}: ${target}`);
        else if (target!.endsWith("/") && !statSync(resolved).isDirectory()) broken.push(`${file}: ${target} is not a folder`);
      }
    }
    expect(broken).toEqual([]);
  });
});
