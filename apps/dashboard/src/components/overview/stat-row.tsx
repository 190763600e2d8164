import type { UsageTotals } from "@tengine/core";
import type { ReactNode } from "react";
import { formatCount, formatMs, formatPercent, formatRate } from "./format.ts";

/** The window at a glance: volume, error rate and both latency percentiles. */
export function StatRow({ totals, minutes }: { totals: UsageTotals; minutes: number }) {
  const errorTone = totals.errorRate === null || totals.errorRate === 0 ? "text-slate-900" : totals.errorRate >= 0.05 ? "text-red-600" : "text-amber-600";
  return (
    <dl className="grid grid-cols-2 gap-3 lg:grid-cols-4">
      <Stat label="Calls" value={formatCount(totals.calls)} detail={`${formatRate(totals.calls / minutes)} per minute on average`} />
      <Stat label="Error rate" value={<span className={errorTone}>{formatPercent(totals.errorRate)}</span>} detail={`${formatCount(totals.errors)} failed, denied or rate limited`} />
      <Stat label="Gateway latency" value={<Pair p50={totals.gatewayP50} p95={totals.gatewayP95} />} detail="p50 / p95, without the upstream" />
      <Stat label="Upstream latency" value={<Pair p50={totals.upstreamP50} p95={totals.upstreamP95} />} detail="p50 / p95, your API" />
    </dl>
  );
}

function Stat({ label, value, detail }: { label: string; value: ReactNode; detail: string }) {
  return (
    <div className="rounded-lg bg-white px-4 py-3 shadow-sm ring-1 ring-slate-200">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-1 text-xl font-semibold tabular-nums tracking-tight text-slate-900 sm:text-2xl">{value}</dd>
      <dd className="mt-0.5 text-xs text-slate-500">{detail}</dd>
    </div>
  );
}

function Pair({ p50, p95 }: { p50: number | null; p95: number | null }) {
  return (
    <span className="whitespace-nowrap">
      {formatMs(p50)}
      <span className="mx-1 font-normal text-slate-300">/</span>
      <span className="text-slate-600">{formatMs(p95)}</span>
    </span>
  );
}
