// Summarises a V8 .cpuprofile (node --cpu-prof) into self time per area, per file and per
// function, optionally only for samples inside time windows (monotonic µs: V8's profile
// timestamps and process.hrtime share CLOCK_MONOTONIC on Linux, so the benchmark can cut the
// profile at the start and end of each measured run).
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { fmt, table } from "./report.ts";

type CallFrame = { functionName: string; url: string; lineNumber: number };
type ProfileNode = { id: number; callFrame: CallFrame; children?: number[] };
type CpuProfile = { nodes: ProfileNode[]; startTime: number; endTime: number; samples: number[]; timeDeltas: number[] };

export type Window = { startUs: number; endUs: number };
export type Entry = { name: string; area: string; us: number };
export type ProfileSummary = {
  /** CPU time in the windows, idle excluded (µs) */
  busyUs: number;
  idleUs: number;
  areas: Entry[];
  files: Entry[];
  functions: Entry[];
};

/** Builtins without a script (native bindings, some V8 builtins) and wasm: charged to their caller. */
const NATIVE = "V8/native builtins";

const PACKAGE_AREAS: [RegExp, string][] = [
  [/^@modelcontextprotocol\//, "MCP SDK"],
  [/^zod$/, "zod"],
  [/^(ajv|ajv-formats|fast-uri|fast-deep-equal|json-schema-traverse)$/, "ajv"],
  [/^(pg|pg-protocol|pg-pool|pg-types|pg-connection-string|postgres-.*|@prisma\/adapter-pg)$/, "pg driver"],
  [/^(@prisma\/.*|\.prisma)$/, "Prisma client"],
  [/^undici$/, "undici (upstream HTTP)"],
  [/^(pino|pino-.*|sonic-boom|thread-stream|fast-redact|quick-format-unescaped|safe-stable-stringify)$/, "logging (pino)"],
  [/^(ioredis|@ioredis\/.*|redis-.*)$/, "Redis client"],
  [/^(jose)$/, "jose"],
  [/^(tsx|esbuild|get-tsconfig)$/, "TypeScript loader (tsx)"],
];

/** Which part of the stack a frame belongs to. */
export function areaOf(frame: CallFrame): string {
  const { url, functionName } = frame;
  if (!url) {
    if (functionName === "(garbage collector)") return "GC";
    if (functionName === "(idle)") return "(idle)";
    if (functionName === "(program)") return "V8/native (program)";
    return NATIVE;
  }
  // WebAssembly (undici's llhttp parser, Prisma's query compiler) is charged to its caller too.
  if (url.startsWith("wasm://")) return NATIVE;
  if (url.startsWith("node:internal/deps/undici")) return "undici (upstream HTTP)";
  if (/^node:(internal\/)?(http|_http|https|net|stream|streams|tls|dns)/.test(url) || url.startsWith("node:internal/webstreams")) return "node http/net/streams";
  if (url.startsWith("node:")) return "node other internals";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) {
    const rest = url.slice(modules + "/node_modules/".length).split("/");
    const name = rest[0]!.startsWith("@") ? `${rest[0]}/${rest[1]}` : rest[0]!;
    for (const [pattern, area] of PACKAGE_AREAS) if (pattern.test(name)) return area;
    return `other package (${name})`;
  }
  if (url.includes("/packages/db/src/generated/")) return "Prisma client";
  const ours = url.match(/\/(packages\/[^/]+\/src\/[^/]+|apps\/[^/]+\/src\/[^/]+)/);
  if (ours) return `tengine ${ours[1]!.replace(/\/src\//, ":").replace(/\.ts$/, "")}`;
  return "other";
}

function shortFile(url: string) {
  if (!url) return "(native)";
  const modules = url.lastIndexOf("/node_modules/");
  if (modules >= 0) return url.slice(modules + "/node_modules/".length);
  const ours = url.match(/\/((?:packages|apps)\/.*)$/);
  return ours ? ours[1]! : url.replace(/^file:\/\//, "");
}

function top(map: Map<string, Entry>) {
  return [...map.values()].sort((a, b) => b.us - a.us);
}

export function summariseProfile(file: string, windows?: Window[]): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  // A builtin's self time goes to the nearest caller with a script, so that JSON.stringify
  // called from our response code counts as ours; its function entry keeps the builtin's name.
  const attributed = new Map<number, { area: string; file: string; fn: string }>();
  const attribute = (id: number) => {
    const cached = attributed.get(id);
    if (cached) return cached;
    const frame = byId.get(id)!.callFrame;
    let area = areaOf(frame);
    let file = frame.url ? shortFile(frame.url) : frame.functionName;
    let fn = `${frame.functionName || "(anonymous)"} ${file}${frame.url ? `:${frame.lineNumber + 1}` : ""}`;
    if (area === NATIVE) {
      let up = parent.get(id);
      while (up !== undefined && areaOf(byId.get(up)!.callFrame) === NATIVE) up = parent.get(up);
      if (up !== undefined) {
        const caller = byId.get(up)!.callFrame;
        area = areaOf(caller);
        file = shortFile(caller.url);
        fn = `${frame.functionName || "(anonymous)"} [${frame.url ? "wasm" : "native"}] ← ${caller.functionName || "(anonymous)"} ${file}:${caller.lineNumber + 1}`;
      }
    }
    const out = { area, file, fn };
    attributed.set(id, out);
    return out;
  };
  const areas = new Map<string, Entry>();
  const files = new Map<string, Entry>();
  const functions = new Map<string, Entry>();
  let busyUs = 0;
  let idleUs = 0;
  const add = (map: Map<string, Entry>, name: string, area: string, us: number) => {
    const entry = map.get(name);
    if (entry) entry.us += us;
    else map.set(name, { name, area, us });
  };
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i]!;
    // A sample stands for the time until the next one (the last one: until the profile's end).
    const us = (i + 1 < profile.samples.length ? profile.timeDeltas[i + 1]! : profile.endTime - t) || 0;
    if (us <= 0) continue;
    if (windows && !windows.some((w) => t >= w.startUs && t < w.endUs)) continue;
    const { area, file: fileName, fn } = attribute(profile.samples[i]!);
    if (area === "(idle)") {
      idleUs += us;
      continue;
    }
    busyUs += us;
    add(areas, area, area, us);
    add(files, fileName, area, us);
    add(functions, fn, area, us);
  }
  return { busyUs, idleUs, areas: top(areas), files: top(files), functions: top(functions) };
}

/** The summary as text tables: areas, then the top files and functions by self time. */
export function formatSummary(summary: ProfileSummary, calls: number | undefined, topN: number): string {
  const perCall = (us: number) => (calls ? fmt.cpu(us / calls / 1000) : "");
  const pct = (us: number) => fmt.pct(us / summary.busyUs);
  const out: string[] = [];
  out.push(`CPU in the profiled window: ${fmt.ms(summary.busyUs / 1000)} ms busy${calls ? ` over ${fmt.int(calls)} calls = ${perCall(summary.busyUs)}/call` : ""} (idle ${fmt.ms(summary.idleUs / 1000)} ms not counted)`);
  out.push(table(["area (self time)", "% of CPU", "per call"], summary.areas.map((e) => [e.name, pct(e.us), perCall(e.us)]), [false, true, true]));
  out.push("");
  out.push(table([`top ${topN} files`, "area", "% of CPU", "per call"], summary.files.slice(0, topN).map((e) => [e.name, e.area, pct(e.us), perCall(e.us)]), [false, false, true, true]));
  out.push("");
  out.push(table([`top ${topN} functions (self)`, "area", "% of CPU", "per call"], summary.functions.slice(0, topN).map((e) => [e.name, e.area, pct(e.us), perCall(e.us)]), [false, false, true, true]));
  return out.join("\n");
}

/**
 * The main thread's profile in a --cpu-prof directory: tsx's module-loader hooks run on a
 * thread of their own, which writes a second, small profile beside it.
 */
export function mainThreadProfile(dir: string): string | undefined {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".cpuprofile"))
    .map((f) => path.join(dir, f))
    .sort((a, b) => statSync(b).size - statSync(a).size)[0];
}
