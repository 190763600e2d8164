"use client";
import type { UsageBucket, UsageRange } from "@tengine/core";
import { type ReactElement, type ReactNode, useEffect, useMemo, useState } from "react";
import { Area, AreaChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, type TooltipContentProps, XAxis, YAxis } from "recharts";
import { Card } from "@/components/ui/index.ts";
import { formatCount, formatMs, formatPercent, formatRate, tickFormatter } from "./format.ts";

const COLORS = {
  calls: "#4f46e5", // indigo-600
  errors: "#dc2626", // red-600
  gateway: "#4f46e5",
  gatewaySoft: "#818cf8", // indigo-400
  upstream: "#0d9488", // teal-600
  upstreamSoft: "#2dd4bf", // teal-400
  grid: "#e2e8f0", // slate-200
  axis: "#64748b", // slate-500
};

type Point = UsageBucket & {
  ts: number;
  /** the error rate drawn: a bucket without calls had no errors (its tooltip says "No calls") */
  errorRatePlot: number;
};

/** A round top for the error-rate axis, so its ticks read 0 / half / top. */
const ERROR_CEILINGS = [0.02, 0.05, 0.1, 0.2, 0.5, 1];

/**
 * The overview's charts, over buckets computed on the server. Time labels use the viewer's
 * time zone, so the charts render after mount (the server does not know it); the cards keep
 * their height meanwhile. Hovering one chart shows the same bucket in all of them.
 */
export function UsageCharts({ buckets, stepMs, range }: { buckets: UsageBucket[]; stepMs: number; range: UsageRange }) {
  const mounted = useMounted();
  const data = useMemo<Point[]>(
    () => buckets.map((b) => ({ ...b, ts: Date.parse(b.t), errorRatePlot: b.errorRate ?? 0 })),
    [buckets],
  );
  const callTicks = useMemo(() => niceTicks(Math.max(...data.map((d) => d.callsPerMinute))), [data]);
  const maxErrorRate = Math.max(0, ...data.map((d) => d.errorRatePlot));
  const errorCeiling = ERROR_CEILINGS.find((c) => c >= maxErrorRate) ?? 1;
  const ticks = useMemo(() => (mounted ? timeTicks(data, range) : []), [data, range, mounted]);
  const bucketLabel = range === "24h" ? "10-minute" : "hourly";

  const xAxis = (
    <XAxis
      dataKey="ts"
      ticks={ticks}
      tickFormatter={(ts: number) => tickLabel(ts, range)}
      tick={{ fontSize: 11, fill: COLORS.axis }}
      tickLine={false}
      axisLine={{ stroke: COLORS.grid }}
      minTickGap={16}
    />
  );
  const grid = <CartesianGrid vertical={false} stroke={COLORS.grid} strokeDasharray="3 3" />;
  const tooltip = (render: (p: Point) => ReactNode) => (
    <Tooltip cursor={{ stroke: "#94a3b8", strokeDasharray: "3 3", fill: "rgba(148,163,184,0.12)" }} content={(props) => <ChartTooltip active={props.active} payload={props.payload} stepMs={stepMs} render={render} />} />
  );

  return (
    <div className="grid gap-4 md:grid-cols-2 xl:grid-cols-3">
      <Card title="Calls per minute" description={`Average over ${bucketLabel} buckets; errors are failed, denied and rate-limited calls.`} className="md:col-span-2 xl:col-span-3">
        <ChartFrame mounted={mounted} height={240} label="Calls per minute over time">
          <AreaChart data={data} syncId="usage" margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
            <defs>
              <linearGradient id="fill-calls" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={COLORS.calls} stopOpacity={0.28} />
                <stop offset="100%" stopColor={COLORS.calls} stopOpacity={0.02} />
              </linearGradient>
              <linearGradient id="fill-errors" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={COLORS.errors} stopOpacity={0.3} />
                <stop offset="100%" stopColor={COLORS.errors} stopOpacity={0.04} />
              </linearGradient>
            </defs>
            {grid}
            {xAxis}
            <YAxis tick={{ fontSize: 11, fill: COLORS.axis }} tickLine={false} axisLine={false} tickFormatter={tickFormatter(callTicks, "")} width={48} domain={[0, callTicks.at(-1) ?? 1]} ticks={callTicks} />
            {tooltip((p) => (
              <>
                <TooltipRow color={COLORS.calls} label="Calls" value={`${formatCount(p.calls)} (${formatRate(p.callsPerMinute)}/min)`} />
                <TooltipRow color={COLORS.errors} label="Errors" value={formatCount(p.errors)} />
              </>
            ))}
            <Legend verticalAlign="top" align="right" height={28} iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
            <Area type="monotone" dataKey="callsPerMinute" name="All calls" stroke={COLORS.calls} strokeWidth={2} fill="url(#fill-calls)" isAnimationActive={false} activeDot={{ r: 3 }} />
            <Area type="monotone" dataKey="errorsPerMinute" name="Errors" stroke={COLORS.errors} strokeWidth={1.5} fill="url(#fill-errors)" isAnimationActive={false} activeDot={{ r: 3 }} />
          </AreaChart>
        </ChartFrame>
      </Card>

      <Card title="Error rate" description="Failed, denied or rate-limited share of calls." className="md:col-span-2 xl:col-span-1">
        <ChartFrame mounted={mounted} height={220} label="Error rate over time">
          <AreaChart data={data} syncId="usage" margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
            <defs>
              <linearGradient id="fill-error-rate" x1="0" y1="0" x2="0" y2="1">
                <stop offset="0%" stopColor={COLORS.errors} stopOpacity={0.3} />
                <stop offset="100%" stopColor={COLORS.errors} stopOpacity={0.04} />
              </linearGradient>
            </defs>
            {grid}
            {xAxis}
            <YAxis
              tick={{ fontSize: 11, fill: COLORS.axis }}
              tickLine={false}
              axisLine={false}
              width={48}
              domain={[0, errorCeiling]}
              ticks={[0, errorCeiling / 2, errorCeiling]}
              tickFormatter={(v: number) => formatPercent(v)}
            />
            {tooltip((p) =>
              p.calls === 0 ? (
                <p className="text-slate-500">No calls</p>
              ) : (
                <TooltipRow color={COLORS.errors} label="Error rate" value={`${formatPercent(p.errorRate)} (${formatCount(p.errors)} of ${formatCount(p.calls)})`} />
              ),
            )}
            <Legend verticalAlign="top" align="right" height={28} iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
            <Area type="monotone" dataKey="errorRatePlot" name="Error rate" stroke={COLORS.errors} strokeWidth={1.5} fill="url(#fill-error-rate)" isAnimationActive={false} activeDot={{ r: 3 }} />
          </AreaChart>
        </ChartFrame>
      </Card>

      <LatencyCard
        title="Gateway latency"
        description="Time in Tengine per call, upstream excluded."
        data={data}
        p50="gatewayP50"
        p95="gatewayP95"
        color={COLORS.gateway}
        soft={COLORS.gatewaySoft}
        name="Gateway"
        mounted={mounted}
        xAxis={xAxis}
        grid={grid}
        tooltip={tooltip}
      />
      <LatencyCard
        title="Upstream latency"
        description="Time waiting for your API, retries included."
        data={data}
        p50="upstreamP50"
        p95="upstreamP95"
        color={COLORS.upstream}
        soft={COLORS.upstreamSoft}
        name="Upstream"
        mounted={mounted}
        xAxis={xAxis}
        grid={grid}
        tooltip={tooltip}
      />
    </div>
  );
}

function LatencyCard({
  title,
  description,
  data,
  p50,
  p95,
  color,
  soft,
  name,
  mounted,
  xAxis,
  grid,
  tooltip,
}: {
  title: string;
  description: string;
  data: Point[];
  p50: "gatewayP50" | "upstreamP50";
  p95: "gatewayP95" | "upstreamP95";
  color: string;
  soft: string;
  name: string;
  mounted: boolean;
  xAxis: ReactNode;
  grid: ReactNode;
  tooltip: (render: (p: Point) => ReactNode) => ReactNode;
}) {
  // Empty buckets are bridged (connectNulls); with only a few samples the points themselves
  // are drawn so a lone bucket is still visible.
  const samples = data.filter((d) => d[p50] !== null).length;
  const dot = samples <= 24 ? { r: 2.5, strokeWidth: 0 } : false;
  const ticks = niceTicks(Math.max(0, ...data.map((d) => Math.max(d[p95] ?? 0, d[p50] ?? 0))));
  return (
    <Card title={title} description={description}>
      {samples === 0 ? (
        <div className="flex h-[220px] items-center justify-center text-sm text-slate-500">No {name.toLowerCase()} timings in this range.</div>
      ) : (
        <ChartFrame mounted={mounted} height={220} label={`${title} p50 and p95 over time`}>
          <LineChart data={data} syncId="usage" margin={{ top: 8, right: 8, bottom: 0, left: -12 }}>
            {grid}
            {xAxis}
            <YAxis tick={{ fontSize: 11, fill: COLORS.axis }} tickLine={false} axisLine={false} width={56} domain={[0, ticks.at(-1) ?? 1]} ticks={ticks} tickFormatter={tickFormatter(ticks, "ms")} />
            {tooltip((p) => (
              <>
                <TooltipRow color={color} label={`${name} p50`} value={formatMs(p[p50])} />
                <TooltipRow color={soft} dashed label={`${name} p95`} value={formatMs(p[p95])} />
              </>
            ))}
            <Legend verticalAlign="top" align="right" height={28} iconType="plainline" wrapperStyle={{ fontSize: 12 }} />
            <Line type="monotone" dataKey={p50} name={`${name} p50`} stroke={color} strokeWidth={2} dot={dot ? { ...dot, fill: color } : false} activeDot={{ r: 3 }} connectNulls isAnimationActive={false} />
            <Line type="monotone" dataKey={p95} name={`${name} p95`} stroke={soft} strokeWidth={2} strokeDasharray="5 4" dot={dot ? { ...dot, fill: soft } : false} activeDot={{ r: 3 }} connectNulls isAnimationActive={false} />
          </LineChart>
        </ChartFrame>
      )}
    </Card>
  );
}

/** A fixed-height frame: the chart once mounted, a quiet placeholder before. */
function ChartFrame({ mounted, height, label, children }: { mounted: boolean; height: number; label: string; children: ReactNode }) {
  return (
    <div role="img" aria-label={label} style={{ height }} className="w-full">
      {mounted ? (
        <ResponsiveContainer width="100%" height="100%">
          {children as ReactElement}
        </ResponsiveContainer>
      ) : (
        <div className="h-full w-full animate-pulse rounded-md bg-slate-50" />
      )}
    </div>
  );
}

function ChartTooltip({ active, payload, stepMs, render }: { active: boolean; payload: TooltipContentProps["payload"]; stepMs: number; render: (p: Point) => ReactNode }) {
  const point = payload?.[0]?.payload as Point | undefined;
  if (!active || !point) return null;
  return (
    <div className="min-w-44 rounded-md bg-white px-3 py-2 text-xs shadow-lg ring-1 ring-slate-200">
      <p className="mb-1.5 font-medium text-slate-900">{bucketRange(point.ts, stepMs)}</p>
      <div className="space-y-1">{render(point)}</div>
    </div>
  );
}

function TooltipRow({ color, label, value, dashed }: { color: string; label: string; value: string; dashed?: boolean }) {
  return (
    <p className="flex items-center justify-between gap-4">
      <span className="flex items-center gap-1.5 text-slate-600">
        <span aria-hidden className="inline-block h-0 w-3 border-t-2" style={{ borderColor: color, borderStyle: dashed ? "dashed" : "solid" }} />
        {label}
      </span>
      <span className="font-medium tabular-nums text-slate-900">{value}</span>
    </p>
  );
}

function useMounted() {
  const [mounted, setMounted] = useState(false);
  useEffect(() => setMounted(true), []);
  return mounted;
}

/** 0 to a round top in about four steps of 1, 2, 2.5 or 5 × 10^k. */
function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(6)));
  return ticks;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const weekdayFormat = new Intl.DateTimeFormat(undefined, { weekday: "short" });
const fullFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });

/**
 * Axis ticks on round local times: every 3 hours over a day, every midnight over a week. A
 * tick is the first bucket of its local 3-hour block or day, so zones with half-hour offsets
 * get ticks too.
 */
function timeTicks(data: Point[], range: UsageRange): number[] {
  const block = (ts: number) => {
    const d = new Date(ts);
    return range === "24h" ? `${d.toDateString()} ${Math.floor(d.getHours() / 3)}` : d.toDateString();
  };
  return data.filter((d, i) => i > 0 && block(d.ts) !== block(data[i - 1]!.ts)).map((d) => d.ts);
}

function tickLabel(ts: number, range: UsageRange): string {
  return range === "24h" ? timeFormat.format(ts) : `${weekdayFormat.format(ts)} ${new Date(ts).getDate()}`;
}

function bucketRange(ts: number, stepMs: number): string {
  return `${fullFormat.format(ts)} – ${timeFormat.format(ts + stepMs)}`;
}
