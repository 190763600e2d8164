import Link from "next/link";
import { Badge, Table, Td } from "@/components/ui/index.ts";
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
};

function actionColor(action: string) {
  const verb = action.split(".").pop() ?? "";
  if (/(delete|remove|retire|revoke|clear|disable)/.test(verb)) return "red" as const;
  if (/(create|add|enable)/.test(verb)) return "green" as const;
  return "blue" as const;
}

/** Compact one-line JSON; the full text is in the title (and selectable). */
function compact(details: unknown): string {
  if (details === null || details === undefined) return "";
  return JSON.stringify(details);
}

/** The audit log, newest first: when, who, what, on what, with which details. */
export function AuditTable({ entries, now }: { entries: AuditRow[]; now: number }) {
  return (
    <Table head={["When", "Who", "Action", "Target", "Details"]}>
      {entries.map((e) => {
        const details = compact(e.details);
        return (
          <tr key={e.id} className="align-top">
            <Td>
              <time dateTime={e.createdAt.toISOString()} title={formatDateTime(e.createdAt)} className="text-slate-900">
                {formatAgo(e.createdAt, now)}
              </time>
              <div className="text-xs text-slate-500">{formatDateTime(e.createdAt)}</div>
            </Td>
            <Td>{e.actorEmail ?? <span className="text-slate-500">{e.actorUserId ? e.actorUserId : "CLI / operator"}</span>}</Td>
            <Td>
              <Badge color={actionColor(e.action)}>{e.action}</Badge>
            </Td>
            <Td>
              {e.targetType ? <div className="text-xs text-slate-500">{e.targetType.replaceAll("_", " ")}</div> : null}
              {/* a project target is named by its link below; other targets by their id */}
              {e.targetId && !(e.targetType === "project" && e.project) ? <div className="font-mono text-xs text-slate-800">{e.targetId}</div> : null}
              {e.project ? (
                <Link href={`/projects/${e.project.slug}`} className="text-sm text-indigo-700 hover:underline">
                  {e.project.name}
                </Link>
              ) : null}
            </Td>
            <Td>
              <div className="w-56 whitespace-normal">
                {details ? (
                  <code title={details} className="block break-all font-mono text-xs text-slate-700">
                    {details}
                  </code>
                ) : (
                  <span className="text-slate-400">—</span>
                )}
              </div>
            </Td>
          </tr>
        );
      })}
    </Table>
  );
}
