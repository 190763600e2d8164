import { formatMs } from "./format.ts";

type Segment = { label: string; ms: number | null; color: string; missing: string };

/**
 * Where a run's time went, on one bar: the gateway's own work (auth, validation, rendering,
 * signing, recording), the wait for a person's approval when the run needed one, and the wait for
 * the upstream. The total is the run's wall-clock time (start to finish), so an approved run that
 * waited five seconds reads as five seconds, not as the few milliseconds of work around the wait.
 */
export function TimingBar({ gatewayMs, upstreamMs, approvalWaitMs, wallMs }: { gatewayMs: number | null; upstreamMs: number | null; approvalWaitMs?: number | null; wallMs?: number | null }) {
  const segments: Segment[] = [
    { label: "Gateway", ms: gatewayMs, color: "bg-indigo-500", missing: "—" },
    ...(approvalWaitMs !== undefined && approvalWaitMs !== null ? [{ label: "Waiting for approval", ms: approvalWaitMs, color: "bg-amber-400", missing: "—" }] : []),
    { label: "Upstream", ms: upstreamMs, color: "bg-emerald-500", missing: "not called" },
  ];
  const parts = segments.reduce((sum, segment) => sum + (segment.ms ?? 0), 0);
  const total = Math.max(parts, wallMs ?? 0);
  if (total === 0 && gatewayMs === null) return <p className="text-sm text-slate-500">No timings were recorded for this run.</p>;
  const share = (ms: number) => (total === 0 ? 0 : Math.max((ms / total) * 100, ms > 0 ? 2 : 0));
  return (
    <div>
      <div className="flex items-baseline justify-between">
        <span className="text-2xl font-semibold tabular-nums text-slate-900">{formatMs(total)}</span>
        <span className="text-xs text-slate-500">total</span>
      </div>
      <div className="mt-2 flex h-3 overflow-hidden rounded-full bg-slate-100" role="img" aria-label={`Total ${formatMs(total)}: ${segments.map((segment) => `${segment.label} ${formatMs(segment.ms)}`).join(", ")}`}>
        {segments.map((segment) => (
          <div key={segment.label} className={segment.color} style={{ width: `${share(segment.ms ?? 0)}%` }} />
        ))}
      </div>
      <dl className="mt-3 grid grid-cols-1 gap-2 text-sm sm:grid-cols-2">
        {segments.map((segment) => (
          <div key={segment.label} className="flex items-center gap-2">
            <span aria-hidden className={`h-2.5 w-2.5 rounded-sm ${segment.color}`} />
            <dt className="text-slate-500">{segment.label}</dt>
            <dd className="ml-auto font-medium tabular-nums text-slate-900">{segment.ms === null ? segment.missing : formatMs(segment.ms)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
