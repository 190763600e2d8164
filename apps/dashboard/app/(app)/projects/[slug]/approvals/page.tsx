import { type ApprovalView, getApprovalWebhook, listApprovals, listRunPrincipals, projectPulse, roleAtLeast } from "@tengine/core";
import type { Metadata } from "next";
import Link from "next/link";
import { ApprovalPolicyForm } from "@/components/approvals/approval-policy-form.tsx";
import { ApprovalWebhookForm } from "@/components/approvals/approval-webhook-form.tsx";
import { DecideApprovalForm } from "@/components/approvals/decide-approval-form.tsx";
import { DecisionNotice } from "@/components/approvals/decision-notice.tsx";
import { LiveRefresh } from "@/components/shell/live-refresh.tsx";
import { CodeBlock, HeaderList } from "@/components/runs/code-block.tsx";
import { relativeTime } from "@/components/runs/format.ts";
import { describePrincipal } from "@/components/runs/principal-label.tsx";
import { Badge, Card, EmptyState, PageHeader, Table, Td } from "@/components/ui/index.ts";
import { loadProject } from "@/server/access.ts";
import { getDb, getSecretBox } from "@/server/db.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "Approvals" };

type RecordedRequest = { method?: string; url?: string; headers?: Record<string, string>; body?: string; bodyTruncated?: boolean };

export default async function ApprovalsPage({ params, searchParams }: { params: Promise<{ slug: string }>; searchParams: Promise<{ cursor?: string; run?: string }> }) {
  const { slug } = await params;
  // `run`: the call a link points at (an MCP client's "open the approval page"), shown highlighted.
  const { cursor, run: focusRun } = await searchParams;
  const { project, role } = await loadProject(slug);
  const db = getDb();
  // Read before the page's data: what changes after it shows on the first live check.
  const pulse = await projectPulse(db, project.id);
  const approvals = await listApprovals(db, project.id, { ...(cursor && /^apv_[0-9a-z]{26}$/.test(cursor) ? { cursor } : {}), limit: 25 });
  const all = [...approvals.pending, ...approvals.decided];
  const names = await listRunPrincipals(db, project.id, all.map((a) => ({ apiKeyId: a.principal.keyId ?? null, userId: a.principal.userId ?? null })));
  const canDecide = roleAtLeast(role, "member");
  const webhook = await getApprovalWebhook(db, getSecretBox(), project.id);
  const webhookHost = webhook ? new URL(webhook).host : null;
  const now = Date.now();
  const who = (a: ApprovalView) =>
    describePrincipal(
      {
        principalKind: a.principal.kind,
        apiKeyId: a.principal.keyId ?? null,
        memberId: a.principal.memberId ?? null,
        memberEmail: a.principal.memberEmail ?? null,
        userId: a.principal.userId ?? null,
        clientId: a.principal.clientId ?? null,
      },
      names,
    );

  return (
    <>
      <PageReady />
      <PageHeader
        title="Approvals"
        actions={<LiveRefresh slug={project.slug} pulse={pulse} />}
        description="Calls that wait for a person before anything is sent. The caller's tool call waits a short while for your decision, then tells the agent the run is pending; approved calls are sent by the worker, once."
      />

      <DecisionNotice>
      <section aria-labelledby="pending-heading" className="mb-10">
        <h2 id="pending-heading" className="mb-3 flex items-center gap-2 text-lg font-semibold">
          Waiting for a decision <Badge color={approvals.pending.length ? "amber" : "gray"}>{approvals.pending.length}</Badge>
        </h2>
        {approvals.pending.length === 0 ? (
          <EmptyState title="Nothing is waiting">Calls of tools that need approval show up here as soon as an agent makes them.</EmptyState>
        ) : (
          <ul className="space-y-4">
            {approvals.pending.map((a) => {
              const principal = who(a);
              const request = (a.request ?? {}) as RecordedRequest;
              return (
                <li key={a.id} id={a.runId} className={a.runId === focusRun ? "rounded-xl ring-2 ring-indigo-500 ring-offset-2" : undefined} aria-current={a.runId === focusRun ? "true" : undefined}>
                  <Card
                    title={
                      <span className="flex flex-wrap items-center gap-2">
                        <code className="font-mono text-base">{a.toolName}</code>
                        <span className="text-sm font-normal text-slate-500">
                          requested {relativeTime(a.createdAt, now)} by {principal.main} <span className="text-slate-400">({principal.sub})</span>
                        </span>
                      </span>
                    }
                    description={
                      <>
                        Run <Link className="font-mono text-indigo-700 hover:underline" href={`/projects/${project.slug}/runs/${a.runId}`}>{a.runId}</Link> · expires{" "}
                        {relativeTime(a.expiresAt, now)}
                      </>
                    }
                  >
                    <div className="grid gap-5 lg:grid-cols-2">
                      <div className="min-w-0 space-y-3">
                        <p className="text-xs font-medium uppercase tracking-wide text-slate-500">Request that will be sent</p>
                        <p className="break-all font-mono text-sm text-slate-800">
                          <span className="font-semibold">{request.method}</span> {request.url}
                        </p>
                        {request.headers ? <HeaderList headers={request.headers} /> : null}
                        {request.body !== undefined ? <CodeBlock value={request.body} label="Body" truncated={request.bodyTruncated} /> : null}
                      </div>
                      <div className="min-w-0 space-y-4">
                        <CodeBlock value={a.arguments} label="Arguments" />
                        {canDecide ? <DecideApprovalForm slug={project.slug} approvalId={a.id} toolName={a.toolName} /> : <p className="text-sm text-slate-500">Members, admins and owners decide; viewers see the queue.</p>}
                      </div>
                    </div>
                  </Card>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      </DecisionNotice>

      <section aria-labelledby="decided-heading" className="mb-10">
        <h2 id="decided-heading" className="mb-3 text-lg font-semibold">Recent decisions</h2>
        {approvals.decided.length === 0 ? (
          <EmptyState title="No decisions yet">Approved, denied and expired calls are listed here.</EmptyState>
        ) : (
          <Table head={["Tool", "Caller", "Decision", "By", "Reason", "Run", "Decided"]}>
            {approvals.decided.map((a) => {
              const principal = who(a);
              return (
                <tr key={a.id}>
                  <Td><code className="font-mono text-xs">{a.toolName}</code></Td>
                  <Td>
                    <span className="flex flex-col leading-tight">
                      <span className="text-slate-800">{principal.main}</span>
                      <span className="text-xs text-slate-500">{principal.sub}</span>
                    </span>
                  </Td>
                  <Td>
                    <Badge color={a.status === "approved" ? "green" : a.status === "denied" ? "red" : "gray"}>{a.status}</Badge>
                  </Td>
                  <Td>{a.decidedByEmail ?? <span className="text-slate-400">—</span>}</Td>
                  <Td className="max-w-xs whitespace-normal">{a.reason ?? <span className="text-slate-400">—</span>}</Td>
                  <Td>
                    <Link className="font-mono text-xs text-indigo-700 hover:underline" href={`/projects/${project.slug}/runs/${a.runId}`}>{a.runId}</Link>
                    {a.runStatus ? <span className="ml-1.5 text-xs text-slate-500">{a.runStatus}</span> : null}
                  </Td>
                  <Td>{a.decidedAt ? relativeTime(a.decidedAt, now) : relativeTime(a.expiresAt, now)}</Td>
                </tr>
              );
            })}
          </Table>
        )}
        {approvals.nextCursor ? (
          <p className="mt-3 text-right">
            <Link className="text-sm font-medium text-indigo-700 hover:underline" href={`/projects/${project.slug}/approvals?cursor=${approvals.nextCursor}`}>Older decisions →</Link>
          </p>
        ) : null}
      </section>

      <Card title="Approval policy" description="Tools marked “requires approval” in their definition always wait. The policy adds whole kinds of tools.">
        <ApprovalPolicyForm slug={project.slug} initial={project.approvalPolicy} readOnly={!roleAtLeast(role, "admin")} />
      </Card>

      <Card title="Tell people" description="Post each new pending approval to a chat channel or your own endpoint." className="mt-6">
        <ApprovalWebhookForm slug={project.slug} host={webhookHost} readOnly={!roleAtLeast(role, "admin")} />
      </Card>
    </>
  );
}
