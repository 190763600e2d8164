// The benchmark's CPU-profile summary (bench/lib/cpu-profile.ts) on a real profile written by
// `node --cpu-prof`: busy time lands on the function that burned it, native builtins are
// charged to their caller, idle time is left out, and time windows cut the samples.
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { areaOf, mainThreadProfile, summariseProfile } from "../../bench/lib/cpu-profile.ts";

describe("bench CPU profile summary", () => {
  let dir: string;
  let file: string;
  let marks: { spinStart: number; spinEnd: number; idleEnd: number };

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "bench-profile-"));
    // ~300 ms in a JS loop, ~300 ms parsing URLs (node's URL calls a native parser), then ~300 ms asleep.
    writeFileSync(
      path.join(dir, "work.mjs"),
      `const now = () => Number(process.hrtime.bigint() / 1000n);
function spinLoop(ms) { const end = Date.now() + ms; let x = 0; while (Date.now() < end) x += Math.sqrt(x + 1); return x; }
function parseUrls(ms) { const end = Date.now() + ms; let n = 0; while (Date.now() < end) n += new URL("https://example.com/a/b?c=" + n).search.length; return n; }
const spinStart = now();
spinLoop(300);
const spinEnd = now();
parseUrls(300);
await new Promise((r) => setTimeout(r, 300));
const idleEnd = now();
console.log(JSON.stringify({ spinStart, spinEnd, idleEnd }));
`,
    );
    const out = execFileSync(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${path.join(dir, "prof")}`, path.join(dir, "work.mjs")], { encoding: "utf8" });
    marks = JSON.parse(out.trim());
    file = mainThreadProfile(path.join(dir, "prof"))!;
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("finds the profile and puts the busy time on the functions that burned it", () => {
    expect(file).toMatch(/\.cpuprofile$/);
    const summary = summariseProfile(file);
    const spin = summary.functions.find((f) => f.name.startsWith("spinLoop "));
    expect(spin!.us).toBeGreaterThan(200_000);
    expect(summary.areas.find((a) => a.name === "other")!.us).toBeGreaterThan(200_000);
    // The native URL parser has no script: its time is charged to its caller's area, under its own name.
    const native = summary.functions.find((f) => f.name.includes("[native] ← URL node:internal/url"));
    expect(native!.area).toBe("node other internals");
    expect(native!.us).toBeGreaterThan(50_000);
    expect(summary.areas.map((a) => a.name)).not.toContain("V8/native builtins");
    expect(summary.busyUs).toBeGreaterThan(500_000);
    expect(summary.idleUs).toBeGreaterThan(200_000);
    expect(summary.areas.map((a) => a.name)).not.toContain("(idle)");
  });

  it("counts only the samples inside the given windows", () => {
    const spinOnly = summariseProfile(file, [{ startUs: marks.spinStart, endUs: marks.spinEnd }]);
    expect(spinOnly.busyUs).toBeGreaterThan(200_000);
    expect(spinOnly.busyUs).toBeLessThan(400_000);
    expect(spinOnly.functions[0]!.name.startsWith("spinLoop ")).toBe(true);
    expect(spinOnly.functions.some((f) => f.name.includes("parseUrls") || f.name.includes("[native]"))).toBe(false);
    const none = summariseProfile(file, [{ startUs: marks.idleEnd + 10_000_000, endUs: marks.idleEnd + 20_000_000 }]);
    expect(none.busyUs).toBe(0);
  });

  it("names the areas the README's breakdown uses", () => {
    const frame = (url: string, functionName = "f") => ({ url, functionName, lineNumber: 0 });
    expect(areaOf(frame("file:///w/node_modules/@modelcontextprotocol/sdk/dist/esm/server/index.js"))).toBe("MCP SDK");
    expect(areaOf(frame("file:///w/node_modules/zod/v4/core/schemas.js"))).toBe("zod");
    expect(areaOf(frame("file:///w/node_modules/ajv/dist/core.js"))).toBe("ajv");
    expect(areaOf(frame("file:///w/node_modules/pg-protocol/dist/serializer.js"))).toBe("pg driver");
    expect(areaOf(frame("file:///w/packages/db/src/generated/internal/class.ts"))).toBe("Prisma client");
    expect(areaOf(frame("file:///w/packages/core/src/execution/call-tool.ts"))).toBe("tengine packages/core:execution");
    expect(areaOf(frame("file:///w/apps/gateway/src/mcp/mcp-endpoint.ts"))).toBe("tengine apps/gateway:mcp");
    expect(areaOf(frame("node:internal/stream_base_commons"))).toBe("node http/net/streams");
    expect(areaOf(frame("node:internal/crypto/random"))).toBe("node other internals");
    expect(areaOf(frame("", "(garbage collector)"))).toBe("GC");
    expect(areaOf(frame("file:///w/node_modules/left-pad/index.js"))).toBe("other package (left-pad)");
  });
});
