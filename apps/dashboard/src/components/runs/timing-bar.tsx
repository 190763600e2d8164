import { formatMs } from "./format.ts";

/**
 * Where a run's time went: the gateway's own work (auth, validation, rendering, signing,
 * recording) next to the time spent waiting for the upstream, on one bar.
 */
export function TimingBar({ gatewayMs, upstreamMs }: { gatewayMs: number | null; upstreamMs: number | null }) {
  const gateway = gatewayMs ?? 0;
  const upstream = upstreamMs ?? 0;
  const total = gateway + upstream;
  if (total === 0 && gatewayMs === null) return <p className="text-sm text-slate-500">No timings were recorded for this run.</p>;
  const share = (ms: number) => (total === 0 ? 0 : Math.max((ms / total) * 100, ms > 0 ? 2 : 0));
  return (
    <div>
      <div className="flex items-baseline justify-between">
        <span className="text-2xl font-semibold tabular-nums text-slate-900">{formatMs(total)}</span>
        <span className="text-xs text-slate-500">total</span>
      </div>
      <div
        className="mt-2 flex h-3 overflow-hidden rounded-full bg-slate-100"
        role="img"
        aria-label={`Gateway ${formatMs(gatewayMs)}, upstream ${formatMs(upstreamMs)}`}
      >
        <div className="bg-indigo-500" style={{ width: `${share(gateway)}%` }} />
        <div className="bg-emerald-500" style={{ width: `${share(upstream)}%` }} />
      </div>
      <dl className="mt-3 grid grid-cols-2 gap-3 text-sm">
        <div className="flex items-center gap-2">
          <span aria-hidden className="h-2.5 w-2.5 rounded-sm bg-indigo-500" />
          <dt className="text-slate-500">Gateway</dt>
          <dd className="ml-auto font-medium tabular-nums text-slate-900">{formatMs(gatewayMs)}</dd>
        </div>
        <div className="flex items-center gap-2">
          <span aria-hidden className="h-2.5 w-2.5 rounded-sm bg-emerald-500" />
          <dt className="text-slate-500">Upstream</dt>
          <dd className="ml-auto font-medium tabular-nums text-slate-900">{upstreamMs === null ? "not called" : formatMs(upstreamMs)}</dd>
        </div>
      </dl>
    </div>
  );
}
