// Summarises a gateway CPU profile written by `BENCH_PROFILE=1 npm run bench` (or any
// .cpuprofile): self time per area (our modules, node internals, pg, Prisma, MCP SDK, zod,
// ajv, …), per file and per function.
//
//   npx tsx bench/profile-summary.ts <dir-or-file.cpuprofile> [scenario[@connections]] [--top N]
//
// Given the profile directory the benchmark wrote (with windows.json), only the samples taken
// while that scenario was measured are counted (default gateway_read@64), and times are also
// given per call; given a bare .cpuprofile, the whole profile.
import { existsSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { formatSummary, mainThreadProfile, summariseProfile } from "./lib/cpu-profile.ts";
import { formatPgPerCall, type PgCounts } from "./lib/pg-counter.ts";

const args = process.argv.slice(2);
const topAt = args.indexOf("--top");
const topN = topAt >= 0 ? Number(args[topAt + 1]) : 25;
const positional = args.filter((a, i) => !a.startsWith("--") && (topAt < 0 || i !== topAt + 1));
const [target, scenarioArg = "gateway_read@64"] = positional;
if (!target || !existsSync(target) || !Number.isInteger(topN) || topN < 1) {
  process.stderr.write("usage: npx tsx bench/profile-summary.ts <profile dir or .cpuprofile> [scenario[@connections]] [--top N]\n");
  process.exit(2);
}

type SavedWindow = { scenario: string; connections: number; startUs: number; endUs: number; responses: number; pg?: { roundTrips: number; statements: number; byStatement: Record<string, number> } };
let file = target;
let windows: SavedWindow[] | undefined;
if (statSync(target).isDirectory()) {
  const main = mainThreadProfile(target);
  if (!main) {
    process.stderr.write(`no .cpuprofile in ${target}\n`);
    process.exit(2);
  }
  file = main;
  const saved = path.join(target, "windows.json");
  if (existsSync(saved)) {
    const [scenario, connections] = scenarioArg.split("@");
    const all = JSON.parse(readFileSync(saved, "utf8")) as SavedWindow[];
    windows = all.filter((w) => w.scenario === scenario && (connections === undefined || w.connections === Number(connections)));
    if (!windows.length) {
      process.stderr.write(`no measured window for ${scenarioArg} in ${saved}; there are: ${[...new Set(all.map((w) => `${w.scenario}@${w.connections}`))].join(", ")}\n`);
      process.exit(2);
    }
  }
}
const calls = windows?.reduce((n, w) => n + w.responses, 0);
process.stdout.write(`${path.basename(file)}${windows ? ` — ${scenarioArg}, ${windows.length} measured run(s)` : " — whole profile"}\n`);
const pg: PgCounts[] = (windows ?? []).flatMap((w) => (w.pg ? [{ ...w.pg, byStatement: new Map(Object.entries(w.pg.byStatement)) }] : []));
if (calls && pg.length) process.stdout.write(`${formatPgPerCall(pg, calls)}\n`);
process.stdout.write(`${formatSummary(summariseProfile(file, windows), calls, topN)}\n`);
