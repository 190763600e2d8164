import type { RunPrincipalNames, RunSummary } from "@tengine/core";
import Link from "next/link";
import { Table, Td } from "@/components/ui/index.ts";
import { formatMs } from "./format.ts";
import { LocalTime } from "./local-time.tsx";
import { PrincipalLabel } from "./principal-label.tsx";
import { StatusBadge } from "./status-badge.tsx";

/** One page of runs; each row opens the run. */
export function RunsTable({ slug, runs, names }: { slug: string; runs: RunSummary[]; names: RunPrincipalNames }) {
  return (
    <Table head={["Time", "Tool", "Status", "Principal", "HTTP", "Attempts", "Gateway", "Upstream", "Dedupe"]}>
      {runs.map((run) => (
        <tr key={run.id} className="relative hover:bg-slate-50 focus-within:bg-indigo-50/40" data-run-id={run.id}>
          <Td className="font-mono text-xs tabular-nums">
            <Link href={`/projects/${slug}/runs/${run.id}`} className="text-indigo-700 after:absolute after:inset-0 after:content-[''] hover:underline focus-visible:outline-none">
              <LocalTime iso={run.createdAt.toISOString()} />
            </Link>
          </Td>
          <Td className="font-medium text-slate-900">{run.toolName}</Td>
          <Td><StatusBadge status={run.status} /></Td>
          <Td className="max-w-56"><PrincipalLabel run={run} names={names} /></Td>
          <Td className={`tabular-nums ${run.httpStatus && run.httpStatus >= 400 ? "text-red-700" : ""}`}>{run.httpStatus ?? "—"}</Td>
          <Td className="text-right tabular-nums">{run.attempts > 1 ? <span className="font-medium text-amber-700">{run.attempts}</span> : run.attempts}</Td>
          <Td className="text-right tabular-nums">{formatMs(run.gatewayMs)}</Td>
          <Td className="text-right tabular-nums">{formatMs(run.upstreamMs)}</Td>
          <Td>
            {run.status === "deduplicated" ? (
              <span className="text-xs text-indigo-700" title={`Replayed the result of ${run.originalRunId ?? "an earlier run"}`}>
                ↺ replay{run.dedupeSource ? ` · ${run.dedupeSource}` : ""}
              </span>
            ) : run.dedupeSource ? (
              <span className="text-xs text-slate-400" title={`Idempotency key (${run.dedupeSource})`}>key · {run.dedupeSource}</span>
            ) : (
              <span className="text-slate-300">—</span>
            )}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
