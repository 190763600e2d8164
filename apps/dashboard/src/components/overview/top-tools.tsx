import type { UsageRange, UsageTool } from "@tengine/core";
import Link from "next/link";
import { Card } from "@/components/ui/index.ts";
import { formatCount, formatMs, formatPercent } from "./format.ts";

const COLUMNS = "sm:grid sm:grid-cols-[minmax(0,1fr)_5rem_7rem_5.5rem_5.5rem] sm:items-center sm:gap-4";

/**
 * The busiest tools of the window: a bar per tool split into successful calls and errors,
 * with counts and p95 latencies. Rows stack on phones and line up as columns from `sm` on.
 */
export function TopTools({ tools, rangeLabel, runsHref, range }: { tools: UsageTool[]; rangeLabel: string; runsHref: string; range: UsageRange }) {
  const max = Math.max(1, ...tools.map((t) => t.calls));
  return (
    <Card title="Top tools" description={`By calls over the ${rangeLabel}; the red part of a bar is errors. A tool's name opens its runs.`}>
      {tools.length === 0 ? (
        <p className="text-sm text-slate-500">No tool calls in this range.</p>
      ) : (
        <div role="table" aria-label="Top tools">
          <div role="row" className={`hidden pb-2 text-xs font-medium text-slate-500 ${COLUMNS}`}>
            <span role="columnheader">Tool</span>
            <span role="columnheader" className="text-right">Calls</span>
            <span role="columnheader" className="text-right">Errors</span>
            <span role="columnheader" className="text-right">p95 gateway</span>
            <span role="columnheader" className="text-right">p95 upstream</span>
          </div>
          <div role="rowgroup" className="divide-y divide-slate-100">
            {tools.map((tool) => {
              const ok = tool.calls - tool.errors;
              return (
                <div role="row" key={tool.toolName} className={`py-2.5 ${COLUMNS}`}>
                  <div role="cell" className="min-w-0">
                    <div className="flex items-baseline justify-between gap-3">
                      <Link
                        href={`${runsHref}?${new URLSearchParams({ tool: tool.toolName, range })}`}
                        className="min-w-0 truncate font-mono text-xs text-slate-800 hover:text-indigo-600 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                        title={`Runs of ${tool.toolName}`}
                      >
                        {tool.toolName}
                      </Link>
                      <span className="shrink-0 text-sm tabular-nums text-slate-900 sm:hidden">{formatCount(tool.calls)} calls</span>
                    </div>
                    <div className="mt-1.5 flex h-1.5 overflow-hidden rounded-full bg-slate-100" aria-hidden>
                      <div className="bg-indigo-500" style={{ width: `${(ok / max) * 100}%` }} />
                      <div className="bg-red-500" style={{ width: `${(tool.errors / max) * 100}%` }} />
                    </div>
                  </div>
                  <div role="cell" className="hidden text-right text-sm tabular-nums text-slate-900 sm:block">
                    {formatCount(tool.calls)}
                  </div>
                  <div role="cell" className="mt-1 text-xs tabular-nums sm:mt-0 sm:text-right sm:text-sm">
                    {tool.errors > 0 ? (
                      <span className="text-red-600">
                        {formatCount(tool.errors)} <span className="text-xs">({formatPercent(tool.errors / tool.calls)})</span>
                      </span>
                    ) : (
                      <span className="text-slate-400">0</span>
                    )}
                    <span className="text-slate-500 sm:hidden"> {tool.errors === 1 ? "error" : "errors"} · p95 gateway {formatMs(tool.gatewayP95)} · upstream {formatMs(tool.upstreamP95)}</span>
                  </div>
                  <div role="cell" className="hidden text-right text-sm tabular-nums text-slate-700 sm:block">
                    {formatMs(tool.gatewayP95)}
                  </div>
                  <div role="cell" className="hidden text-right text-sm tabular-nums text-slate-700 sm:block">
                    {formatMs(tool.upstreamP95)}
                  </div>
                </div>
              );
            })}
          </div>
        </div>
      )}
    </Card>
  );
}
