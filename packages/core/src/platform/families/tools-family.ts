import { toolAudit } from "../../audit/audit-entries.ts";
import { AppError } from "../../errors/app-error.ts";
import { listRuns } from "../../runs/list-runs.ts";
import { createTool } from "../../tools/create-tool.ts";
import { deleteTool } from "../../tools/delete-tool.ts";
import { listTools } from "../../tools/list-tools.ts";
import { setToolEnabled } from "../../tools/set-tool-enabled.ts";
import type { ToolDefinitionInput } from "../../tools/tool-definition.ts";
import { type ToolView, toToolView } from "../../tools/to-tool-view.ts";
import { updateTool } from "../../tools/update-tool.ts";
import type { PlatformCall, PlatformHandler } from "../platform-call.ts";
import { requireData, requireId } from "./family-input.ts";

/** The fields of a tool each subresource reads and changes. */
const SUBRESOURCE_FIELDS = {
  schema: ["inputSchema"],
  template: ["method", "url", "query", "headers", "body", "auth", "timeoutMs", "maxAttempts", "maxResponseBytes", "idempotencyWindowSec"],
  scopes: ["requiredScopes"],
  approval: ["requiresApproval"],
} as const satisfies Record<string, readonly string[]>;
type FieldSubresource = keyof typeof SUBRESOURCE_FIELDS;

/**
 * `tengine.platform/tools`: the project's tools, with the same core functions (and so the same
 * checks) as the dashboard's tool editor. Upstream credentials are never taken through MCP:
 * they would pass through the model's context; a definition keeps the stored one.
 */
export const toolsFamily: PlatformHandler = async (call) => {
  const { db, secretBox, project, args } = call;
  switch (args.action) {
    case "list":
      return { data: { tools: (await listTools(db, project.id)).map(summary) } };
    case "get": {
      const tool = await findTool(call);
      if (args.subresource === "runs") {
        const page = await listRuns(db, project.id, { ...(args.filters ?? {}), toolId: tool.id });
        return { data: { tool: tool.name, ...page } };
      }
      if (args.subresource) return { data: { tool: tool.name, [args.subresource]: pick(tool, SUBRESOURCE_FIELDS[args.subresource as FieldSubresource]) } };
      return { data: { tool } };
    }
    case "create": {
      const definition = requireData(call) as ToolDefinitionInput;
      refuseSecrets(definition);
      const tool = await createTool(db, secretBox, project.id, definition);
      return { data: { tool }, audit: { action: "tool.create", targetType: "tool", targetId: tool.id, details: { name: tool.name, method: tool.method, url: tool.url, auth: tool.auth.type } } };
    }
    case "update": {
      const tool = await findTool(call);
      const data = requireData(call);
      const fields: readonly string[] | undefined = args.subresource ? SUBRESOURCE_FIELDS[args.subresource as FieldSubresource] : undefined;
      if (fields) {
        const outside = Object.keys(data).filter((k) => !fields.includes(k));
        if (outside.length) throw new AppError("bad_request", `subresource ${args.subresource} has the fields ${fields.join(", ")}; not: ${outside.join(", ")}`);
      }
      refuseSecrets(data);
      const { tool: updated, changed, before, after } = await updateTool(db, secretBox, project.id, tool.id, { ...definitionOf(tool), ...data, keepSecret: true } as ToolDefinitionInput & { keepSecret: boolean });
      return { data: { tool: updated, changed }, audit: toolAudit.update(updated, changed, { before, after }) ?? {} };
    }
    case "enable":
    case "disable": {
      const tool = await findTool(call);
      const updated = await setToolEnabled(db, project.id, tool.id, args.action === "enable");
      return { data: { tool: summary(updated) }, audit: { action: `tool.${args.action}`, targetType: "tool", targetId: tool.id, details: { name: tool.name } } };
    }
    case "delete": {
      const tool = await findTool(call);
      const deleted = await deleteTool(db, project.id, tool.id);
      return { data: { deleted }, audit: { action: "tool.delete", targetType: "tool", targetId: deleted.id, details: { name: deleted.name } } };
    }
  }
  throw new AppError("bad_request", `unknown action ${args.action}`);
};

/** A tool of this project by id (`tool_…`) or name; any other project's is not found. */
async function findTool(call: PlatformCall): Promise<ToolView> {
  const id = requireId(call, "the tool's id (tool_…) or name");
  const row = await call.db.tool.findFirst({ where: { projectId: call.project.id, ...(id.startsWith("tool_") ? { id } : { name: id }) } });
  if (!row) throw new AppError("not_found", `tool ${id} not found`);
  return toToolView(row);
}

function summary(tool: ToolView) {
  return { id: tool.id, name: tool.name, title: tool.title, description: tool.description, enabled: tool.enabled, method: tool.method, url: tool.url, requiredScopes: tool.requiredScopes, requiresApproval: tool.requiresApproval, source: tool.source };
}

function pick(tool: ToolView, fields: readonly string[]) {
  return Object.fromEntries(fields.map((f) => [f, (tool as Record<string, unknown>)[f]]));
}

/** The stored tool as a definition the update can start from (the stored secret is kept). */
function definitionOf(tool: ToolView): ToolDefinitionInput {
  const { id: _id, source: _s, importId: _i, operationId: _o, createdAt: _c, updatedAt: _u, auth, ...rest } = tool;
  const { secretSet: _set, ...authFields } = auth as Record<string, unknown>;
  return { ...rest, auth: authFields } as unknown as ToolDefinitionInput;
}

/** A bearer token or header value in a definition: refused, nothing changes. */
function refuseSecrets(definition: Record<string, unknown>) {
  const auth = definition.auth as Record<string, unknown> | undefined;
  if (auth && typeof auth === "object" && (typeof auth.token === "string" || typeof auth.value === "string")) {
    throw new AppError("bad_request", "auth.token and auth.value are not accepted through MCP (they would pass through the model's context): set the upstream credential in the dashboard or with the CLI; an update keeps the stored one");
  }
}
