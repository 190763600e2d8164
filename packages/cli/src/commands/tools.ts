import {
  AppError,
  createTool,
  deleteTool,
  diffStoredTool,
  editableDefinition,
  getToolView,
  listTools,
  setToolEnabled,
  toolAudit,
  type ToolDefinitionInput,
  type ToolView,
  updateTool,
} from "@tengine/core";
import type { CliContext } from "../context.ts";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { UsageError, wholeNumber } from "../usage-error.ts";
import { actingOnProject, asOption, audit, type Project, projectOption, readJsonFile, splitList } from "./shared.ts";

const nameArg = { name: "name", description: "the tool's name" };
const TOOL_JSON = "{ id, name, title, description, enabled, inputSchema, outputSchema?, annotations, requiredScopes, requiresApproval, method, url, query, headers, body, auth: { type, name?, secretSet? }, timeoutMs, maxAttempts, maxResponseBytes, idempotencyWindowSec, source, createdAt, updatedAt }";

/** The project's tool by name; another project's tool of the same name is not found. */
async function toolByName(ctx: CliContext, project: Project, name: string): Promise<ToolView> {
  const tool = await getToolView(ctx.db, project.id, name);
  if (!tool) throw new AppError("not_found", `tool "${name}" not found in project "${project.slug}"`);
  return tool;
}

function asObject(value: unknown, file: string): Record<string, unknown> {
  if (!value || typeof value !== "object" || Array.isArray(value)) throw new AppError("bad_request", `${file} must hold a JSON object (a tool definition)`);
  return value as Record<string, unknown>;
}

const create = defineCommand<{ project: string; file: string; as?: string }>({
  name: "create",
  summary: "create a tool from a definition file",
  options: [projectOption, { flags: "--file <path>", description: "tool definition JSON (docs/tools.md)", required: true }, asOption],
  examples: ["tengine tools create --project acme-crm --file get_contact.json"],
  json: TOOL_JSON,
  async run(ctx, { opts, json }) {
    const { project, actor } = await actingOnProject(ctx, opts.project, opts.as, "member");
    const definition = asObject(await readJsonFile(opts.file), opts.file);
    const tool = await createTool(ctx.db, await ctx.secretBox(), project.id, definition as ToolDefinitionInput);
    await audit(ctx, project, { ...toolAudit.create(tool), actor });
    print(json, tool);
  },
});

const list = defineCommand<{ project: string }>({
  name: "list",
  summary: "list a project's tools",
  options: [projectOption],
  examples: ["tengine tools list --project acme-crm"],
  json: `[${TOOL_JSON}]`,
  async run(ctx, { opts, json }) {
    const project = await actingOnProject(ctx, opts.project, undefined, "viewer");
    const rows = await listTools(ctx.db, project.project.id);
    print(json, rows, { rows: rows.map((t) => ({ ...t, auth: t.auth.type })), columns: ["name", "method", "url", "enabled", "requiredScopes", "auth", "id"] });
  },
});

const get = defineCommand<{ project: string }>({
  name: "get",
  summary: "one tool's stored definition (secrets are write-only: only whether one is set)",
  args: [nameArg],
  options: [projectOption],
  examples: ["tengine tools get --project acme-crm get_contact --json"],
  json: TOOL_JSON,
  async run(ctx, { args, opts, json }) {
    const { project } = await actingOnProject(ctx, opts.project, undefined, "viewer");
    print(json, await toolByName(ctx, project, args.name!));
  },
});

type UpdateOptions = {
  project: string;
  file?: string;
  rename?: string;
  title?: string;
  description?: string;
  method?: string;
  url?: string;
  scopes?: string;
  requiresApproval?: boolean;
  timeoutMs?: number;
  maxAttempts?: number;
  as?: string;
};

const update = defineCommand<UpdateOptions>({
  name: "update",
  summary: "change a tool: the whole definition from a file, or single fields",
  details:
    "With --file the file is the new definition (fields it leaves out take their defaults); single-field options change only those fields of the stored tool, and override the file when both are given. A stored upstream secret is kept unless the definition gives a new one.",
  args: [nameArg],
  options: [
    projectOption,
    { flags: "--file <path>", description: "the new definition (JSON, as for tools create)" },
    { flags: "--rename <name>", description: "a new name" },
    { flags: "--title <title>", description: "the display title" },
    { flags: "--description <text>", description: "what the tool does, for the model" },
    { flags: "--method <method>", description: "HTTP method", choices: ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"] },
    { flags: "--url <url>", description: "the upstream URL template" },
    { flags: "--scopes <scopes>", description: "comma-separated required scopes ('' = none)" },
    { flags: "--requires-approval", description: "calls wait for a person's approval" },
    { flags: "--no-requires-approval", description: "calls run without approval" },
    { flags: "--timeout-ms <ms>", description: "upstream timeout, 100 to 120000", parse: wholeNumber("--timeout-ms", 100, 120_000) },
    { flags: "--max-attempts <n>", description: "attempts on retryable failures, 1 to 5", parse: wholeNumber("--max-attempts", 1, 5) },
    asOption,
  ],
  examples: ["tengine tools update --project acme-crm get_contact --timeout-ms 5000 --requires-approval", "tengine tools update --project acme-crm get_contact --file get_contact.json"],
  json: `{ tool: ${TOOL_JSON}, changed: string[] }`,
  async run(ctx, { args, opts, json }) {
    const { project, actor } = await actingOnProject(ctx, opts.project, opts.as, "member");
    const stored = await toolByName(ctx, project, args.name!);
    const fields: Partial<ToolDefinitionInput> = {
      ...(opts.rename !== undefined ? { name: opts.rename } : {}),
      ...(opts.title !== undefined ? { title: opts.title } : {}),
      ...(opts.description !== undefined ? { description: opts.description } : {}),
      ...(opts.method !== undefined ? { method: opts.method } : {}),
      ...(opts.url !== undefined ? { url: opts.url } : {}),
      ...(opts.scopes !== undefined ? { requiredScopes: splitList(opts.scopes) } : {}),
      ...(opts.requiresApproval !== undefined ? { requiresApproval: opts.requiresApproval } : {}),
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
      ...(opts.maxAttempts !== undefined ? { maxAttempts: opts.maxAttempts } : {}),
    };
    if (!opts.file && Object.keys(fields).length === 0) throw new UsageError("nothing to change: give --file or a field (--url, --scopes, --requires-approval, --timeout-ms, …)");
    const base = opts.file ? (asObject(await readJsonFile(opts.file), opts.file) as ToolDefinitionInput) : editableDefinition(stored);
    const { tool, changed, before, after } = await updateTool(ctx.db, await ctx.secretBox(), project.id, stored.id, { ...base, ...fields, keepSecret: true });
    const entry = toolAudit.update(tool, changed, { before, after });
    if (entry) await audit(ctx, project, { ...entry, actor });
    print(json, { tool, changed });
  },
});

function enableCommand(enabled: boolean) {
  return defineCommand<{ project: string; as?: string }>({
    name: enabled ? "enable" : "disable",
    summary: enabled ? "turn a tool on: it is listed and callable again" : "turn a tool off: it disappears from tools/list and cannot be called",
    args: [nameArg],
    options: [projectOption, asOption],
    examples: [`tengine tools ${enabled ? "enable" : "disable"} --project acme-crm get_contact`],
    json: "{ name, enabled }",
    async run(ctx, { args, opts, json }) {
      const { project, actor } = await actingOnProject(ctx, opts.project, opts.as, "member");
      const stored = await toolByName(ctx, project, args.name!);
      const tool = await setToolEnabled(ctx.db, project.id, stored.id, enabled);
      await audit(ctx, project, { ...toolAudit.setEnabled(tool), actor });
      print(json, { name: tool.name, enabled: tool.enabled });
    },
  });
}

const remove = defineCommand<{ project: string; as?: string }>({
  name: "delete",
  summary: "delete a tool; its runs stay",
  args: [nameArg],
  options: [projectOption, asOption],
  examples: ["tengine tools delete --project acme-crm get_contact"],
  json: "{ id, name, deleted: true }",
  async run(ctx, { args, opts, json }) {
    const { project, actor } = await actingOnProject(ctx, opts.project, opts.as, "member");
    const stored = await toolByName(ctx, project, args.name!);
    const tool = await deleteTool(ctx.db, project.id, stored.id);
    await audit(ctx, project, { ...toolAudit.delete(tool), actor });
    print(json, { id: tool.id, name: tool.name, deleted: true });
  },
});

const diff = defineCommand<{ project: string; file: string }>({
  name: "diff",
  summary: "compare the stored tool with a definition file, field by field",
  details: "Defaults apply on both sides. Secret values are never shown: a file whose secret differs from the stored one is reported as auth.secret, both values hidden.",
  args: [nameArg],
  options: [projectOption, { flags: "--file <path>", description: "the definition to compare with", required: true }],
  examples: ["tengine tools diff --project acme-crm get_contact --file get_contact.json"],
  json: "{ name, identical: boolean, fields: [{ field, stored, file }] }",
  async run(ctx, { args, opts, json }) {
    const { project } = await actingOnProject(ctx, opts.project, undefined, "viewer");
    const file = asObject(await readJsonFile(opts.file), opts.file);
    const diff = await diffStoredTool(ctx.db, await ctx.secretBox(), project.id, args.name!, file);
    if (!diff) throw new AppError("not_found", `tool "${args.name}" not found in project "${project.slug}"`);
    const { fields } = diff;
    if (json) return print(true, { name: diff.name, identical: fields.length === 0, fields });
    if (fields.length === 0) return void process.stdout.write(`${diff.name}: identical to ${opts.file}\n`);
    const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    process.stdout.write(`${fields.map((f) => `${f.field}:\n  - stored: ${show(f.stored)}\n  + file:   ${show(f.file)}`).join("\n")}\n`);
  },
});

export const toolsGroup = defineGroup({ name: "tools", summary: "HTTP tools", commands: [create, list, get, update, enableCommand(true), enableCommand(false), remove, diff] });
