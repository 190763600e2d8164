// One load run with autocannon (programmatic API), with latencies kept at sub-millisecond
// precision: autocannon's own histogram records whole milliseconds, which turns a 0.2 ms
// direct call into "0 ms" and makes ratios meaningless. Every response's exact duration is
// collected here instead, and percentiles are computed from the sorted samples.
import autocannon, { type RequestSpec, type Result } from "autocannon";
import { cpuBetween, cpuSnapshot } from "./children.ts";

export type LoadSpec = {
  url: string;
  method: "GET" | "POST";
  headers?: Record<string, string>;
  /** a fixed body, or one built per request (e.g. a unique argument) */
  body?: string | (() => string);
  connections: number;
  durationSec: number;
  /** a response body this returns false for counts as a mismatch (an error of the run) */
  verifyBody?: (body: string) => boolean;
  /** processes whose CPU time is measured over the run ("postgres": every process of the local Postgres server) */
  cpuOf?: Record<string, number | "postgres" | undefined>;
};

export type LoadResult = {
  connections: number;
  durationSec: number;
  /** responses received (any status) */
  responses: number;
  /** 2xx responses that passed verifyBody, per second of the run */
  callsPerSec: number;
  latencyMs: { p50: number; p90: number; p99: number; p999: number; max: number; mean: number };
  errors: { total: number; connErrors: number; timeouts: number; non2xx: number; mismatches: number; statusCodes: Record<string, number> };
  /** CPU ms per response of each measured process (load generator is "bench") */
  cpuMsPerCall: Record<string, number | null>;
  /** share of one core each measured process used over the run */
  cpuCores: Record<string, number | null>;
  /** of each measured process's CPU, the share spent in the kernel (syscalls, loopback TCP) */
  cpuSystemShare?: Record<string, number | null>;
};

export async function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const samples: number[] = [];
  let ok2xx = 0;
  const request: RequestSpec = { method: spec.method, headers: spec.headers ?? {} };
  const body = spec.body;
  if (typeof body === "function") request.setupRequest = (req) => ({ ...req, body: body() });
  else if (body !== undefined) request.body = body;

  const cpuBefore = Object.fromEntries(Object.entries(spec.cpuOf ?? {}).map(([k, source]) => [k, cpuSnapshot(source)]));
  const selfBefore = process.cpuUsage();
  const started = performance.now();

  const result = await new Promise<Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: spec.url,
        connections: spec.connections,
        duration: spec.durationSec,
        timeout: 30,
        requests: [request],
        ...(spec.verifyBody ? { verifyBody: spec.verifyBody } : {}),
      },
      (error, res) => (error ? reject(error) : resolve(res)),
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      samples.push(responseTime);
      if (statusCode >= 200 && statusCode < 300) ok2xx++;
    });
  });

  const wallSec = (performance.now() - started) / 1000;
  const self = process.cpuUsage(selfBefore);
  const responses = samples.length;
  const cpuMsPerCall: Record<string, number | null> = { bench: responses ? (self.user + self.system) / 1000 / responses : null };
  const cpuCores: Record<string, number | null> = { bench: (self.user + self.system) / 1e6 / wallSec };
  const cpuSystemShare: Record<string, number | null> = {};
  for (const [name, source] of Object.entries(spec.cpuOf ?? {})) {
    const before = cpuBefore[name];
    const after = cpuSnapshot(source);
    const split = before && after ? cpuBetween(before, after) : undefined;
    const used = split === undefined ? undefined : split.user + split.system;
    cpuSystemShare[name] = used === undefined || used <= 0 ? null : split!.system / used;
    cpuMsPerCall[name] = used === undefined || !responses ? null : used / responses;
    cpuCores[name] = used === undefined ? null : used / 1000 / wallSec;
  }

  const sorted = Float64Array.from(samples).sort();
  const statusCodes = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, s]) => [code, Number(s.count)]));
  const errors = {
    connErrors: result.errors - result.timeouts,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    mismatches: result.mismatches,
    total: result.errors + result.non2xx + result.mismatches,
    statusCodes,
  };
  const durationSec = result.duration || wallSec;
  return {
    connections: spec.connections,
    durationSec,
    responses,
    callsPerSec: Math.max(0, ok2xx - result.mismatches) / durationSec,
    latencyMs: {
      p50: percentile(sorted, 0.5),
      p90: percentile(sorted, 0.9),
      p99: percentile(sorted, 0.99),
      p999: percentile(sorted, 0.999),
      max: sorted.length ? sorted[sorted.length - 1]! : NaN,
      mean: sorted.length ? samples.reduce((a, b) => a + b, 0) / sorted.length : NaN,
    },
    errors,
    cpuMsPerCall,
    cpuCores,
    cpuSystemShare,
  };
}

/** Nearest-rank percentile of sorted samples. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * One result for several alternated rounds of the same scenario: the median of each figure
 * across rounds (with 2 rounds, their mean), errors and responses summed.
 */
export function medianOfRounds(rounds: LoadResult[]): LoadResult {
  if (rounds.length === 0) throw new Error("medianOfRounds: no rounds");
  const med = (pick: (r: LoadResult) => number) => {
    const values = rounds.map(pick).sort((a, b) => a - b);
    const mid = values.length / 2;
    return values.length % 2 ? values[Math.floor(mid)]! : (values[mid - 1]! + values[mid]!) / 2;
  };
  const medNullable = (pick: (r: LoadResult) => number | null) => (rounds.some((r) => pick(r) === null) ? null : med((r) => pick(r)!));
  const sum = (pick: (r: LoadResult) => number) => rounds.reduce((n, r) => n + pick(r), 0);
  const keys = [...new Set(rounds.flatMap((r) => Object.keys(r.cpuMsPerCall)))];
  const statusCodes: Record<string, number> = {};
  for (const r of rounds) for (const [code, n] of Object.entries(r.errors.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    connections: rounds[0]!.connections,
    durationSec: sum((r) => r.durationSec),
    responses: sum((r) => r.responses),
    callsPerSec: med((r) => r.callsPerSec),
    latencyMs: {
      p50: med((r) => r.latencyMs.p50),
      p90: med((r) => r.latencyMs.p90),
      p99: med((r) => r.latencyMs.p99),
      p999: med((r) => r.latencyMs.p999),
      max: Math.max(...rounds.map((r) => r.latencyMs.max)),
      mean: med((r) => r.latencyMs.mean),
    },
    errors: {
      total: sum((r) => r.errors.total),
      connErrors: sum((r) => r.errors.connErrors),
      timeouts: sum((r) => r.errors.timeouts),
      non2xx: sum((r) => r.errors.non2xx),
      mismatches: sum((r) => r.errors.mismatches),
      statusCodes,
    },
    cpuMsPerCall: Object.fromEntries(keys.map((k) => [k, medNullable((r) => r.cpuMsPerCall[k] ?? null)])),
    cpuCores: Object.fromEntries(keys.map((k) => [k, medNullable((r) => r.cpuCores[k] ?? null)])),
    cpuSystemShare: Object.fromEntries(keys.map((k) => [k, medNullable((r) => r.cpuSystemShare?.[k] ?? null)])),
  };
}
