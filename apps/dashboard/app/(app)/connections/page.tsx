import { listConnections } from "@tengine/core";
import type { Metadata } from "next";
import { ConnectionsTable } from "@/components/oauth-admin/connections-table.tsx";
import { EmptyState, PageHeader } from "@/components/ui/index.ts";
import { getDb } from "@/server/db.ts";
import { requireUser } from "@/server/session.ts";
import { PageReady } from "@/components/shell/page-ready.tsx";

export const metadata: Metadata = { title: "My connections" };

/** The signed-in user's own OAuth connections across every project, with revoke. */
export default async function MyConnectionsPage() {
  const user = await requireUser();
  const connections = await listConnections(getDb(), { userId: user.id });
  return (
    <>
      <PageReady />
      <PageHeader
        title="My connections"
        description="AI clients you signed in to with this account, in any project. Revoking one ends its access at once; the client asks you to sign in again next time."
      />
      {connections.length === 0 ? (
        <EmptyState title="No connections yet">When you connect an AI client such as Claude Code to a project&apos;s MCP URL and approve it, it shows up here.</EmptyState>
      ) : (
        <ConnectionsTable connections={connections} view="mine" currentUserId={user.id} canRevoke={() => true} />
      )}
    </>
  );
}
