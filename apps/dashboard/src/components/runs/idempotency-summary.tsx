import type { RunDetail } from "@tengine/core";
import Link from "next/link";
import { DetailItem } from "@/components/runs/detail-item.tsx";
import { Code } from "@/components/ui/index.ts";

const SOURCES: Record<string, { label: string; detail: string }> = {
  header: { label: "Explicit key", detail: "the Idempotency-Key header of the MCP request" },
  meta: { label: "Explicit key", detail: "_meta[\"tengine/idempotencyKey\"] of tools/call" },
  derived: { label: "Derived key", detail: "from the caller, the tool and the arguments: the same call again within the window is replayed" },
};

/** A header of a recorded request, whatever its case. */
export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  return Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
}

/** "24 h", "10 min", "45 s". */
export function formatWindow(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/**
 * How a run was deduplicated: where its key came from, the key sent upstream, how long it held,
 * and the run it replayed or the later calls that replayed it.
 */
export function IdempotencySummary({ detail, base, upstreamKey }: { detail: RunDetail; base: string; upstreamKey: string | undefined }) {
  const { run, originalRun, replays, replayCount, keyWindowSeconds } = detail;
  if (!run.dedupeSource && !run.originalRunId) {
    return <p className="text-sm text-slate-500">This call carried no idempotency key: its tool is read-only or its dedupe window is off, so it is never deduplicated.</p>;
  }
  const source = run.dedupeSource ? SOURCES[run.dedupeSource] : undefined;
  const runLink = (id: string) => (
    <Link key={id} href={`${base}/runs/${id}`} className="block break-all font-mono text-xs text-indigo-700 hover:underline">{id}</Link>
  );
  return (
    <>
      <dl className="grid grid-cols-1 gap-x-6 gap-y-4 text-sm sm:grid-cols-2 lg:grid-cols-4">
        <DetailItem label="Source">
          {source ? <>{source.label}<span className="block text-xs text-slate-500">{source.detail}</span></> : "—"}
        </DetailItem>
        <DetailItem label="Key">{run.idempotencyKey ? <Code>{run.idempotencyKey}</Code> : run.dedupeSource === "derived" ? <span className="text-slate-600">derived (not shown: a hash)</span> : "—"}</DetailItem>
        <DetailItem label="Sent upstream as">{upstreamKey ? <Code>Idempotency-Key: {upstreamKey}</Code> : <span className="text-slate-500">nothing sent</span>}</DetailItem>
        <DetailItem label="Window">{keyWindowSeconds !== null ? formatWindow(keyWindowSeconds) : "—"}</DetailItem>
      </dl>
      <div className="mt-4 text-sm">
        {run.status === "deduplicated" ? (
          <>
            <p className="text-slate-600">The result of the original run was replayed: the upstream was not called again.</p>
            <p className="mt-1 text-xs font-medium uppercase tracking-wide text-slate-500">Replayed from</p>
            {originalRun ? runLink(originalRun.id) : <span className="break-all font-mono text-xs text-slate-500">{run.originalRunId ?? "unknown"} (removed)</span>}
          </>
        ) : replayCount > 0 ? (
          <>
            <p className="text-slate-600">{replayCount === 1 ? "1 later call was" : `${replayCount} later calls were`} answered with this run&apos;s result{replayCount > replays.length ? ` (the latest ${replays.length} listed)` : ""}:</p>
            <div className="mt-1 space-y-0.5">{replays.map((replay) => runLink(replay.id))}</div>
          </>
        ) : (
          <p className="text-slate-600">No replays: no later call was answered with this run&apos;s result.</p>
        )}
      </div>
    </>
  );
}
