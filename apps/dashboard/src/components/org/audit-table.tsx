import type { AuditEntryView, AuditTargetView } from "@tengine/core";
import Link from "next/link";
import { Badge, Table, Td } from "@/components/ui/index.ts";
import { AuditDetails } from "./audit-details.tsx";
import { formatAgo, formatDateTime } from "./format.ts";

export type AuditRow = {
  id: string;
  createdAt: Date;
  actorEmail: string | null;
  actorUserId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  details: unknown;
  project: { name: string; slug: string } | null;
  /** names instead of ids (describeAuditEntries) */
  view?: AuditEntryView;
};

/** Where a target's page is; undefined for targets without one or gone. */
export function auditTargetHref(target: AuditTargetView): string | undefined {
  if (!target.exists) return undefined;
  const project = target.projectSlug ? `/projects/${target.projectSlug}` : undefined;
  switch (target.kind) {
    case "tool":
      return project && target.toolName ? `${project}/tools/${encodeURIComponent(target.toolName)}` : undefined;
    case "api_key":
      return project && `${project}/keys`;
    case "approval":
      return project && target.runId ? `${project}/runs/${target.runId}` : undefined;
    case "mcp_server":
      return project && `${project}/mcp-servers`;
    case "tool_import":
      return project && `${project}/tools`;
    case "signing_secret":
      return project && `${project}/settings`;
    case "project":
      return project;
    case "user":
    case "invitation":
      return "/org/members";
    default:
      return undefined;
  }
}

function actionColor(action: string) {
  const verb = action.split(".").pop() ?? "";
  if (/(delete|remove|retire|revoke|clear|disable)/.test(verb)) return "red" as const;
  if (/(create|add|enable)/.test(verb)) return "green" as const;
  return "blue" as const;
}

/** The audit log, newest first: when, who, what, on what, with which details. */
export function AuditTable({ entries, now }: { entries: AuditRow[]; now: number }) {
  return (
    <Table head={["When", "Who", "Action", "Target", "Details"]}>
      {entries.map((e) => {
        const target = e.view?.target;
        const href = target ? auditTargetHref(target) : undefined;
        return (
          <tr key={e.id} className="align-top">
            <Td>
              <time dateTime={e.createdAt.toISOString()} title={formatDateTime(e.createdAt)} className="text-slate-900">
                {formatAgo(e.createdAt, now)}
              </time>
              <div className="text-xs text-slate-500">{formatDateTime(e.createdAt)}</div>
            </Td>
            <Td>{e.view ? <span className={e.view.actorIsPerson ? "" : "text-slate-500"}>{e.view.actorLabel}</span> : (e.actorEmail ?? <span className="text-slate-500">{e.actorUserId ? e.actorUserId : "CLI / operator"}</span>)}</Td>
            <Td>
              <Badge color={actionColor(e.action)}>{e.action}</Badge>
            </Td>
            <Td>
              {e.targetType ? <div className="text-xs text-slate-500">{e.targetType.replaceAll("_", " ")}</div> : null}
              {target ? (
                href ? (
                  <Link href={href} className="font-medium text-indigo-700 hover:underline">{target.label}</Link>
                ) : (
                  <span className="text-slate-800" title={target.exists ? undefined : "No longer exists"}>
                    {target.label}
                    {target.exists ? null : <span className="text-xs text-slate-500"> (deleted)</span>}
                  </span>
                )
              ) : e.targetId ? (
                <div className="font-mono text-xs text-slate-800">{e.targetId}</div>
              ) : null}
              {e.project && target?.kind !== "project" ? (
                <div className="text-xs text-slate-500">
                  in{" "}
                  <Link href={`/projects/${e.project.slug}`} className="text-indigo-700 hover:underline">
                    {e.project.name}
                  </Link>
                </div>
              ) : null}
            </Td>
            <Td>
              <div className="w-72 whitespace-normal">
                <AuditDetails details={e.details} />
              </div>
            </Td>
          </tr>
        );
      })}
    </Table>
  );
}
