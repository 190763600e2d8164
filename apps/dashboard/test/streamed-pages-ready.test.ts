import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

// A page behind a loading.tsx streams in and hydrates after the layout, so "the document is
// hydrated" does not mean "its forms work yet". Such a page marks itself with <PageReady />, and
// its skeleton says it is one (data-page-loading): the browser tests wait for both. A new
// streamed page without them would bring back the races where a first click or pick was lost.
const appDir = join(dirname(fileURLToPath(import.meta.url)), "../app");

function loadingFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return loadingFiles(path);
    return name === "loading.tsx" ? [path] : [];
  });
}

describe("pages that stream behind a loading skeleton", () => {
  const files = loadingFiles(appDir);

  it("are found", () => {
    expect(files.length).toBeGreaterThanOrEqual(11);
  });

  it.each(files.map((f) => [relative(appDir, dirname(f)), f]))("%s: the skeleton says it is loading and the page marks when it is ready", (_segment, file) => {
    expect(readFileSync(file, "utf8")).toContain("data-page-loading");
    const page = readFileSync(join(dirname(file), "page.tsx"), "utf8");
    expect(page).toContain('from "@/components/shell/page-ready.tsx"');
    expect(page).toMatch(/<PageReady \/>/);
  });
});
