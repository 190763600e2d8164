import type { ConnectionView } from "@tengine/core";
import Link from "next/link";
import { relativeTime } from "@/components/runs/format.ts";
import { Badge, Table, Td } from "@/components/ui/index.ts";
import { RevokeConnectionButton } from "./revoke-connection-button.tsx";

const REASONS: Record<string, string> = {
  user: "by the user",
  admin: "by an admin",
  refresh_reuse: "refresh token reused",
  code_replay: "authorization code replayed",
  client_revoked: "by the client",
};

function When({ at, now }: { at: Date | null; now: number }) {
  if (!at) return <span className="text-slate-400">never</span>;
  return <time dateTime={at.toISOString()} title={at.toISOString()}>{relativeTime(at, now)}</time>;
}

/**
 * Connections as a table. `view: "project"` (the project's OAuth page) shows whose connection it
 * is; `view: "mine"` shows the project instead. `canRevoke` decides per row who sees the button;
 * the server checks again.
 */
export function ConnectionsTable({ connections, view, slug, canRevoke, currentUserId }: { connections: ConnectionView[]; view: "project" | "mine"; slug?: string; canRevoke: (c: ConnectionView) => boolean; currentUserId: string }) {
  const now = Date.now();
  return (
    <Table head={[view === "project" ? "User" : "Project", "Client", "Scopes", "Connected", "Last used", "Status", <span key="a" className="sr-only">Actions</span>]}>
      {connections.map((c) => {
        const active = c.status === "active";
        const userLabel = c.user.id === currentUserId ? "you" : (c.user.name ?? c.user.email);
        return (
          <tr key={c.id} className={active ? "" : "bg-slate-50/60"} data-connection={c.id}>
            <Td className={active ? "font-medium text-slate-900" : "text-slate-500"}>
              {view === "project" ? (
                <span title={c.user.email}>
                  {c.user.email}
                  {c.user.id === currentUserId ? <span className="ml-1.5 text-xs font-normal text-slate-500">(you)</span> : null}
                </span>
              ) : (
                <Link href={`/projects/${c.project.slug}/oauth`} className="hover:underline">{c.project.name}</Link>
              )}
            </Td>
            <Td>
              <span className="block">{c.client.name}</span>
              <code className="font-mono text-xs text-slate-500">{c.client.id}</code>
            </Td>
            <Td className="whitespace-normal">
              <span className="flex min-w-40 flex-wrap gap-1">
                {c.scopes.length ? c.scopes.map((s) => <Badge key={s} color={s.endsWith(":write") ? "amber" : "gray"}>{s}</Badge>) : <span className="text-slate-400">none</span>}
              </span>
            </Td>
            <Td><When at={c.createdAt} now={now} /></Td>
            <Td><When at={c.lastUsedAt} now={now} /></Td>
            <Td>
              {active ? <Badge color="green">active</Badge> : <Badge color="red">revoked</Badge>}
              {c.revokedAt ? <span className="ml-1.5 text-xs text-slate-500">{REASONS[c.revokedReason ?? ""] ?? ""} {relativeTime(c.revokedAt, now)}</span> : null}
            </Td>
            <Td className="text-right">
              {active && canRevoke(c) ? <RevokeConnectionButton connectionId={c.id} clientName={c.client.name} userLabel={userLabel} slug={view === "project" ? slug : undefined} /> : null}
            </Td>
          </tr>
        );
      })}
    </Table>
  );
}
