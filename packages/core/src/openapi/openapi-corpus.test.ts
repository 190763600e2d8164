import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { type GeneratedTools, generateTools } from "./generate-tools.ts";
import { parseOpenApiDocument } from "./parse-openapi-document.ts";

const corpusDir = path.join(import.meta.dirname, "corpus");
const files = readdirSync(corpusDir).filter((f) => /\.(json|ya?ml)$/.test(f)).sort();

type Row = { file: string; operations: number; tools: number; skipped: GeneratedTools["skipped"]; baseUrlNeeded: boolean };

/** Imports one description as a user would: with a base URL only when it names no absolute server. */
async function importFile(file: string): Promise<Row> {
  const parsed = await parseOpenApiDocument(readFileSync(path.join(corpusDir, file), "utf8"));
  let generated: GeneratedTools;
  let baseUrlNeeded = false;
  try {
    generated = generateTools(parsed);
  } catch (error) {
    expect((error as Error).message).toMatch(/is relative and the document was not imported from a URL: give the base URL/);
    baseUrlNeeded = true;
    generated = generateTools(parsed, { baseUrl: "https://api.example.com" });
  }
  return { file, operations: generated.operationCount, tools: generated.tools.length, skipped: generated.skipped, baseUrlNeeded };
}

const share = (rows: Row[]) => {
  const operations = rows.reduce((n, r) => n + r.operations, 0);
  const tools = rows.reduce((n, r) => n + r.tools, 0);
  return { operations, tools, percent: operations === 0 ? 0 : Math.round((tools / operations) * 1000) / 10 };
};

describe("OpenAPI corpus: real public descriptions", () => {
  it("imports every description; every operation is a tool or a skip with its reason", { timeout: 300_000 }, async () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    const rows: Row[] = [];
    for (const file of files) rows.push(await importFile(file));

    // The report: operations in, tools out, skipped with reasons.
    const lines = rows.map((r) => `${r.file.padEnd(34)} ${String(r.operations).padStart(4)} in ${String(r.tools).padStart(4)} tools ${r.skipped.length ? `skipped: ${r.skipped.map((s) => `${s.operation}: ${s.reason}`).join("; ")}` : ""}${r.baseUrlNeeded ? " (relative server: base URL given)" : ""}`);
    const of = (prefix: string) => share(rows.filter((r) => r.file.startsWith(prefix)));
    const overall = share(rows);
    lines.push(`overall: ${overall.tools}/${overall.operations} operations became tools (${overall.percent}%)`);
    for (const name of ["stripe", "slack", "twilio", "aws"]) {
      const s = of(name);
      lines.push(`${name}: ${s.tools}/${s.operations} (${s.percent}%)`);
    }
    console.log(lines.join("\n"));

    for (const row of rows) {
      expect(row.operations, row.file).toBeGreaterThan(0);
      expect(row.tools + row.skipped.length, row.file).toBe(row.operations);
      for (const s of row.skipped) expect(s.reason.length, `${row.file} ${s.operation}`).toBeGreaterThan(0);
    }
    // The APIs that lost most before: every operation is now a tool.
    expect(of("stripe")).toEqual({ operations: 122, tools: 122, percent: 100 });
    expect(of("slack")).toEqual({ operations: 174, tools: 174, percent: 100 });
    expect(of("twilio-messaging-v1")).toEqual({ operations: 58, tools: 58, percent: 100 });
    expect(of("aws")).toEqual({ operations: 3, tools: 3, percent: 100 });
    expect(overall.tools).toBe(overall.operations);
  });
});
