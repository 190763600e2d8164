import { getRunDetail, projectPulse } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { ApprovalOutcome } from "@/components/runs/approval-outcome.tsx";
import { DetailItem } from "@/components/runs/detail-item.tsx";
import { CodeBlock, HeaderList } from "@/components/runs/code-block.tsx";
import { curlCommand } from "@/components/runs/curl.ts";
import { headerValue, IdempotencySummary } from "@/components/runs/idempotency-summary.tsx";
import { runsHref } from "@/components/runs/filters.ts";
import { formatMs, kindLabel, statusInfo } from "@/components/runs/format.ts";
import { LocalTime } from "@/components/runs/local-time.tsx";
import { describePrincipal } from "@/components/runs/principal-label.tsx";
import { StatusBadge } from "@/components/runs/status-badge.tsx";
import { TimingBar } from "@/components/runs/timing-bar.tsx";
import { LiveRefresh } from "@/components/shell/live-refresh.tsx";
import { Badge, Card, Code, CopyButton } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb } from "@/server/db.ts";

export const metadata: Metadata = { title: "Run" };

// What a run stores about the exchange (packages/core describe-exchange.ts), checked on the way
// out: older or odd rows fall back to showing the raw JSON.
const recordedRequest = z.object({ method: z.string(), url: z.string(), headers: z.record(z.string(), z.string()).default({}), body: z.string().optional(), bodyTruncated: z.boolean().optional() });
const recordedResponse = z.object({ status: z.number(), headers: z.record(z.string(), z.string()).default({}), body: z.string().default(""), truncated: z.boolean().optional() });


export default async function RunPage({ params }: { params: Promise<{ slug: string; runId: string }> }) {
  const { slug, runId } = await params;
  const { project } = await loadProject(slug);
  // Read before the page's data: what changes after it shows on the first live check.
  const pulse = await projectPulse(getDb(), project.id);
  const detail = await getRunDetail(getDb(), project.id, runId);
  if (!detail) notFound();
  const { run, tool } = detail;
  const base = `/projects/${project.slug}`;
  const principal = describePrincipal(run, { keys: detail.apiKey && run.apiKeyId ? { [run.apiKeyId]: detail.apiKey } : {}, users: detail.user && run.userId ? { [run.userId]: detail.user } : {} });
  const request = run.request === null ? null : recordedRequest.safeParse(run.request);
  const response = run.response === null ? null : recordedResponse.safeParse(run.response);
  const tone = statusInfo(run.status).color;

  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-3 text-sm">
        <Link href={`${base}/runs`} className="font-medium text-indigo-700 hover:underline">← All runs</Link>
      </nav>
      <header className="mb-6 flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1 className="text-2xl font-semibold tracking-tight text-slate-900">{run.toolName}</h1>
            <StatusBadge status={run.status} />
            {run.httpStatus ? <Badge color={run.httpStatus >= 400 ? "red" : "gray"}>HTTP {run.httpStatus}</Badge> : null}
          </div>
          <p className="mt-1 flex flex-wrap items-center gap-2 text-sm text-slate-500">
            <span className="break-all font-mono text-xs">{run.id}</span>
            <CopyButton value={run.id} label="Copy id" />
            <LiveRefresh slug={project.slug} pulse={pulse} />
          </p>
        </div>
      </header>

      {run.error ? (
        <div role="alert" className={`mb-6 rounded-lg px-4 py-3 text-sm ring-1 ring-inset ${tone === "amber" ? "bg-amber-50 text-amber-900 ring-amber-200" : "bg-red-50 text-red-800 ring-red-200"}`}>
          <p className="font-medium">{run.status === "denied" ? "Denied" : run.status === "rate_limited" ? "Rate limited" : "Error"}</p>
          <p className="mt-0.5 whitespace-pre-wrap break-words">{run.error}</p>
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <Card title="Summary" className="lg:col-span-2">
          <dl className="grid grid-cols-2 gap-x-6 gap-y-4 text-sm">
            <DetailItem label="Tool">
              {tool ? <Link href={`${base}/tools/${encodeURIComponent(tool.name)}`} className="font-medium text-indigo-700 hover:underline">{tool.name}</Link> : <span>{run.toolName} <span className="text-slate-400">(no longer exists)</span></span>}
            </DetailItem>
            <DetailItem label="Principal">
              <span className={principal.mono ? "font-mono text-xs" : "font-medium"}>{principal.main}</span>
              <span className="block text-xs text-slate-500">{principal.sub || kindLabel(run.principalKind)}</span>
            </DetailItem>
            <DetailItem label="Started"><LocalTime iso={run.createdAt.toISOString()} format="full" /></DetailItem>
            <DetailItem label="Finished">{run.finishedAt ? <LocalTime iso={run.finishedAt.toISOString()} format="full" /> : <span className="text-slate-400">{run.status === "pending" || run.status === "running" ? "not yet" : "—"}</span>}</DetailItem>
            <DetailItem label="Attempts">
              {run.attempts}
              {run.attempts > 1 ? <span className="ml-1 text-xs text-amber-700">({run.attempts - 1} retr{run.attempts === 2 ? "y" : "ies"}, same Idempotency-Key)</span> : null}
              {run.attempts === 0 ? <span className="ml-1 text-xs text-slate-500">(nothing sent upstream)</span> : null}
            </DetailItem>
            <DetailItem label="HTTP status">{run.httpStatus ?? <span className="text-slate-400">—</span>}</DetailItem>
            {run.memberId ? (
              <DetailItem label="Member">
                {run.memberEmail ?? run.memberId}
                {run.memberEmail ? <span className="block font-mono text-xs text-slate-500">{run.memberId}</span> : null}
                <Link href={runsHref(project.slug, { member: run.memberId })} className="block text-xs font-medium text-indigo-700 hover:underline">
                  All runs of this member
                </Link>
              </DetailItem>
            ) : null}
            {detail.approval ? (
              <DetailItem label="Approval">
                <ApprovalOutcome approval={detail.approval} />
              </DetailItem>
            ) : null}
            {run.clientId ? <DetailItem label="OAuth client"><span className="font-mono text-xs">{run.clientId}</span></DetailItem> : null}
          </dl>
        </Card>
        <Card title="Timing" description="Start to finish: the gateway's work, any wait for approval, and the upstream">
          <TimingBar gatewayMs={run.gatewayMs} upstreamMs={run.upstreamMs} approvalWaitMs={detail.approval?.waitMs} wallMs={run.finishedAt ? run.finishedAt.getTime() - run.createdAt.getTime() : null} />
        </Card>
      </div>

      <Card title="Idempotency" className="mt-6">
        <IdempotencySummary detail={detail} base={base} upstreamKey={request?.success ? headerValue(request.data.headers, "idempotency-key") : undefined} />
      </Card>

      <Card
        title="Arguments"
        className="mt-6"
        actions={
          tool && run.arguments !== null && JSON.stringify(run.arguments).length <= 6000 ? (
            <Link href={`${base}/tools/${encodeURIComponent(tool.name)}?args=${encodeURIComponent(JSON.stringify(run.arguments))}#try-it`} className="text-sm font-medium text-indigo-700 hover:underline">
              Open in Try it
            </Link>
          ) : null
        }
      >
        {run.arguments === null || run.arguments === undefined ? <p className="text-sm text-slate-500">No arguments recorded.</p> : <CodeBlock value={run.arguments} label="Arguments (JSON)" />}
      </Card>

      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card title="Request" description="As sent upstream; credentials redacted" actions={request?.success ? <CopyButton value={curlCommand(request.data)} label="Copy as curl" /> : null}>
          {request === null ? (
            <p className="text-sm text-slate-500">{run.status === "deduplicated" ? "Nothing was sent: the result was replayed." : "No request was sent for this run."}</p>
          ) : request.success ? (
            <div className="space-y-4">
              <p className="flex min-w-0 items-start gap-2 text-sm">
                <Badge color="blue">{request.data.method}</Badge>
                <span className="min-w-0 break-all font-mono text-xs text-slate-800">{request.data.url}</span>
              </p>
              <HeaderList headers={request.data.headers} />
              {request.data.body !== undefined ? <CodeBlock value={request.data.body} label="Body" truncated={request.data.bodyTruncated} /> : <p className="text-xs text-slate-500">No body.</p>}
            </div>
          ) : (
            <CodeBlock value={run.request} label="Recorded request" />
          )}
        </Card>
        <Card title="Response" description="From the upstream; capped at the recording limit">
          {response === null ? (
            <p className="text-sm text-slate-500">No response was recorded{run.upstreamMs === null ? ": the upstream was not called." : "."}</p>
          ) : response.success ? (
            <div className="space-y-4">
              <p className="text-sm">
                <Badge color={response.data.status >= 400 ? "red" : "green"}>{response.data.status}</Badge>
                <span className="ml-2 text-slate-500">{formatMs(run.upstreamMs)} upstream</span>
              </p>
              <HeaderList headers={response.data.headers} />
              <CodeBlock value={response.data.body} label="Body" truncated={response.data.truncated} />
            </div>
          ) : (
            <CodeBlock value={run.response} label="Recorded response" />
          )}
        </Card>
      </div>
    </>
  );
}
