import { AppError } from "../../errors/app-error.ts";
import { type AddMcpServerInput, addMcpServer } from "../../federation/add-mcp-server.ts";
import { listMcpServers } from "../../federation/list-mcp-servers.ts";
import { EMPTY_CATALOG } from "../../federation/mcp-catalog.ts";
import type { McpAdminDeps } from "../../federation/mcp-server-deps.ts";
import { refreshMcpServer } from "../../federation/refresh-mcp-server.ts";
import { removeMcpServer } from "../../federation/remove-mcp-server.ts";
import type { PlatformCall, PlatformHandler } from "../platform-call.ts";
import { requireData, requireId } from "./family-input.ts";

/**
 * `tengine.platform/mcp_servers`: the project's external MCP servers through the same core
 * functions as the dashboard's MCP servers page and the CLI. Answers are the servers' admin
 * views: header and credential values are never in them (only which credentials are set).
 */
export const mcpServersFamily: PlatformHandler = async (call) => {
  const { db, project, args } = call;
  switch (args.action) {
    case "list":
      return { data: { servers: await listMcpServers(db, project.id) } };
    case "get": {
      const { id } = await findServer(call);
      return { data: { server: (await listMcpServers(db, project.id)).find((s) => s.id === id) } };
    }
    case "add": {
      const data = requireData(call);
      const server = await addMcpServer(adminDeps(call), project.id, data as AddMcpServerInput);
      const credentialKeys = server.credentials.filter((c) => c.set).map((c) => c.key);
      return {
        data: { server },
        audit: { action: "mcp_server.create", targetType: "mcp_server", targetId: server.id, details: { name: server.name, transport: server.transport, url: server.url, catalogEntry: server.catalogEntry, credentialKeys } },
      };
    }
    case "refresh": {
      const { name } = await findServer(call);
      return { data: { server: await refreshMcpServer(adminDeps(call), project.id, name) } };
    }
    case "remove": {
      const { id, name } = await findServer(call);
      await removeMcpServer(db, project.id, name);
      return { data: { id, name, removed: true }, audit: { action: "mcp_server.delete", targetType: "mcp_server", targetId: id, details: { name } } };
    }
  }
  throw new AppError("bad_request", `unknown action ${args.action}`);
};

/** The server `id` names (its id or its name), in this project only: another project's is not found. */
async function findServer(call: PlatformCall): Promise<{ id: string; name: string }> {
  const ref = requireId(call, "the server's id (mcp_…) or name");
  const row = await call.db.mcpServer.findFirst({ where: { projectId: call.project.id, OR: [{ id: ref }, { name: ref }] }, select: { id: true, name: true } });
  if (!row) throw new AppError("not_found", `MCP server ${ref} not found in this project`);
  return row;
}

/**
 * The admin deps as the process's MCP pool connects: its catalog and SSRF settings, and the
 * pool to list a new server's tools now. Without a pool (nothing here connects) no catalog entry
 * exists, private addresses are refused, and a new server stays `pending` until a gateway lists it.
 */
function adminDeps(call: PlatformCall): McpAdminDeps {
  const settings = call.mcp?.adminSettings ?? { catalog: EMPTY_CATALOG, allowPrivate: false };
  return { db: call.db, secretBox: call.secretBox, ...settings, ...(call.mcp ? { mcp: call.mcp } : {}) };
}
