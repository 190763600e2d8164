// `npm run bench:openapi`: imports GitHub's REST description (@octokit/openapi) into a fresh
// project — parse + plan, apply, re-plan — with timings and peak memory, then serves the
// resulting project from a gateway child process and measures tools/list. See bench/README.md.
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { applyOpenApiImport, createApiKey, createOrganization, createProject, generateTools, parseOpenApiDocument, planOpenApiImport, SecretBox } from "@tengine/core";
import { startGatewayChild, stopAllChildren } from "./lib/children.ts";
import { percentile, runLoad } from "./lib/load.ts";
import { fmt, table } from "./lib/report.ts";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const WARM_SAMPLES = Number(process.env.BENCH_LIST_SAMPLES ?? 200);
const COLD_SAMPLES = Number(process.env.BENCH_COLD_SAMPLES ?? 20);
const LOAD_SEC = Number(process.env.BENCH_DURATION ?? 5);
const PROTOCOL_VERSION = "2025-06-18";

if (process.env.BENCH_DATABASE_URL) process.env.TEST_DATABASE_URL = process.env.BENCH_DATABASE_URL;
const { createTestDatabase } = await import("@tengine/db/testing");
const log = (message: string) => process.stderr.write(`[bench:openapi] ${message}\n`);

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
const cleanup = () =>
  (cleaning ??= (async () => {
    await stopAllChildren().catch((error: unknown) => log(`stopping children: ${String(error)}`));
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  })());
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    log(`${signal}: cleaning up…`);
    void cleanup().finally(() => process.exit(130));
  });
}

/** Samples RSS and heap every 10 ms while `fn` runs; returns its result, duration and the peaks. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number; peakRssMb: number; peakHeapMb: number; rssBeforeMb: number; heapBeforeMb: number }> {
  (globalThis as { gc?: () => void }).gc?.();
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const sample = () => {
    const now = process.memoryUsage();
    peakRss = Math.max(peakRss, now.rss);
    peakHeap = Math.max(peakHeap, now.heapUsed);
  };
  const timer = setInterval(sample, 10);
  const started = performance.now();
  try {
    const value = await fn();
    const ms = performance.now() - started;
    sample();
    return { value, ms, peakRssMb: peakRss / 2 ** 20, peakHeapMb: peakHeap / 2 ** 20, rssBeforeMb: before.rss / 2 ** 20, heapBeforeMb: before.heapUsed / 2 ** 20 };
  } finally {
    clearInterval(timer);
  }
}

async function post(url: string, headers: Record<string, string>, body: string) {
  const started = performance.now();
  const res = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(60_000) });
  const text = await res.text();
  return { status: res.status, text, ms: performance.now() - started, bytes: Buffer.byteLength(text) };
}

function gitCommit() {
  try {
    return execFileSync("git", ["rev-parse", "--short", "HEAD"], { cwd: ROOT, encoding: "utf8" }).trim();
  } catch {
    return "unknown";
  }
}

async function main() {
  const startedAt = new Date();
  log(`Node ${process.version}, ${os.cpus().length} CPUs, load average ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}${(globalThis as { gc?: unknown }).gc ? ", --expose-gc" : ""}`);
  const file = path.join(path.dirname(createRequire(import.meta.url).resolve("@octokit/openapi/package.json")), "generated/api.github.com.json");
  const text = readFileSync(file, "utf8");
  log(`document: ${path.relative(ROOT, file)} (${fmt.kb(Buffer.byteLength(text))})`);

  const database = await createTestDatabase("bench_openapi");
  cleanups.push(() => database.drop());
  const db = database.db;
  const masterKey = SecretBox.generateKey();
  const secretBox = new SecretBox(masterKey);
  const org = await createOrganization(db, { name: "bench openapi" });
  const project = await createProject(db, { orgId: org.id, name: "github" });

  // ------------------------------------------------------------ import
  const plan = await measured(() => planOpenApiImport(db, project.id, { document: text, sourceKind: "file", sourceName: "api.github.com.json" }));
  log(`parse + plan: ${fmt.ms(plan.ms)} ms — ${plan.value.added.length} tools, ${plan.value.skipped.length} skipped`);
  const applied = await measured(() => applyOpenApiImport(db, secretBox, project.id, plan.value, { actor: { email: "bench" }, sourceKind: "file", sourceName: "api.github.com.json" }));
  log(`apply: ${fmt.ms(applied.ms)} ms — ${JSON.stringify(applied.value.summary.counts)}`);
  const replan = await measured(() => planOpenApiImport(db, project.id, { document: text, sourceKind: "file" }));
  if (replan.value.added.length + replan.value.changed.length + replan.value.removed.length !== 0) throw new Error("re-importing the same document planned changes");
  log(`re-plan (same document): ${fmt.ms(replan.ms)} ms — ${replan.value.unchanged.length} unchanged`);
  // Where the plan's time goes, without the database.
  const parseOnly = await measured(() => parseOpenApiDocument(text));
  const generateOnly = await measured(async () => generateTools(parseOnly.value));
  const toolCount = await db.tool.count({ where: { projectId: project.id } });

  // ------------------------------------------------------------ tools/list through a gateway
  const { key } = await createApiKey(db, project.id, { name: "bench" });
  const { child: gateway, url: gatewayUrl } = await startGatewayChild(ROOT, database.target, masterKey);
  log(`gateway on ${gatewayUrl} (pid ${gateway.proc.pid})`);
  const mcpUrl = `${gatewayUrl}/p/${project.slug}/mcp`;
  const headers = { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${key}`, "mcp-protocol-version": PROTOCOL_VERSION };
  const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

  const first = await post(mcpUrl, headers, body);
  const listed: number = (JSON.parse(first.text) as { result?: { tools?: unknown[] } }).result?.tools?.length ?? -1;
  if (first.status !== 200 || listed < toolCount) throw new Error(`tools/list answered HTTP ${first.status} with ${listed} tools (expected ≥ ${toolCount}): ${first.text.slice(0, 300)}`);
  log(`tools/list: ${listed} tools, ${fmt.kb(first.bytes)}, first call ${fmt.ms(first.ms)} ms`);
  const warm: number[] = [];
  for (let i = 0; i < WARM_SAMPLES; i++) warm.push((await post(mcpUrl, headers, body)).ms);
  const cold: number[] = [];
  for (let i = 0; i < COLD_SAMPLES; i++) {
    // A config change makes the next call reload the project's 1,200 tools (the cold path).
    await db.project.update({ where: { id: project.id }, data: { configVersion: { increment: 1 } } });
    cold.push((await post(mcpUrl, headers, body)).ms);
  }
  const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
  const load = await runLoad({ url: mcpUrl, method: "POST", headers, body, connections: 8, durationSec: LOAD_SEC, verifyBody: (b) => b.includes('"tools"'), cpuOf: { gateway: gateway.proc.pid } });

  // ------------------------------------------------------------ report
  const out: string[] = [];
  out.push("");
  out.push(`OpenAPI import benchmark — ${startedAt.toISOString()} — Node ${process.version}, ${os.cpus().length} CPUs, commit ${gitCommit()}`);
  out.push(`GitHub's REST description (@octokit/openapi, ${fmt.kb(Buffer.byteLength(text))}): ${plan.value.added.length + plan.value.skipped.length} operations → ${toolCount} tools, ${plan.value.skipped.length} skipped`);
  out.push("");
  out.push(
    table(
      ["step", "time ms", "peak RSS MB", "peak heap MB", "heap before MB"],
      [
        ["parse + plan (fresh project)", fmt.ms(plan.ms), plan.peakRssMb.toFixed(0), plan.peakHeapMb.toFixed(0), plan.heapBeforeMb.toFixed(0)],
        ["apply (one transaction)", fmt.ms(applied.ms), applied.peakRssMb.toFixed(0), applied.peakHeapMb.toFixed(0), applied.heapBeforeMb.toFixed(0)],
        ["re-plan, same document (no change)", fmt.ms(replan.ms), replan.peakRssMb.toFixed(0), replan.peakHeapMb.toFixed(0), replan.heapBeforeMb.toFixed(0)],
        ["  of which: parse + validate", fmt.ms(parseOnly.ms), parseOnly.peakRssMb.toFixed(0), parseOnly.peakHeapMb.toFixed(0), parseOnly.heapBeforeMb.toFixed(0)],
        ["  of which: generate tools (no DB)", fmt.ms(generateOnly.ms), generateOnly.peakRssMb.toFixed(0), generateOnly.peakHeapMb.toFixed(0), generateOnly.heapBeforeMb.toFixed(0)],
      ],
    ),
  );
  out.push("");
  out.push(`tools/list for the imported project (${listed} tools incl. built-ins, response ${fmt.kb(first.bytes)}), gateway in its own process`);
  out.push(
    table(
      ["tools/list", "samples", "p50 ms", "p99 ms", "max ms"],
      [
        ["first call (cold: key + tools loaded)", 1, fmt.ms(first.ms), "-", "-"],
        ["cold (reload after a config change)", cold.length, fmt.ms(percentile(sorted(cold), 0.5)), fmt.ms(percentile(sorted(cold), 0.99)), fmt.ms(Math.max(...cold))],
        ["warm, sequential", warm.length, fmt.ms(percentile(sorted(warm), 0.5)), fmt.ms(percentile(sorted(warm), 0.99)), fmt.ms(Math.max(...warm))],
        [`warm, 8 connections, ${LOAD_SEC} s (${fmt.int(load.callsPerSec)} calls/s, ${load.errors.total} errors)`, load.responses, fmt.ms(load.latencyMs.p50), fmt.ms(load.latencyMs.p99), fmt.ms(load.latencyMs.max)],
      ],
    ),
  );
  out.push("");
  process.stdout.write(`${out.join("\n")}\n`);

  mkdirSync(path.join(ROOT, "bench/results"), { recursive: true });
  writeFileSync(
    path.join(ROOT, "bench/results/openapi-import.json"),
    JSON.stringify(
      {
        startedAt,
        commit: gitCommit(),
        node: process.version,
        document: { file: path.relative(ROOT, file), bytes: Buffer.byteLength(text), operations: plan.value.added.length + plan.value.skipped.length, tools: toolCount, skipped: plan.value.skipped },
        import: { plan: omitValue(plan), apply: omitValue(applied), replan: omitValue(replan), parse: omitValue(parseOnly), generate: omitValue(generateOnly) },
        toolsList: { listed, bytes: first.bytes, firstMs: first.ms, coldMs: cold, warmMs: warm, load },
      },
      null,
      2,
    ),
  );
  if (load.errors.total > 0) process.exitCode = 1;
}

function omitValue<T extends { value: unknown }>(m: T): Omit<T, "value"> {
  const { value: _value, ...rest } = m;
  return rest;
}

try {
  await main();
} finally {
  await cleanup();
}
