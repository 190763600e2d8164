// What the benchmark needs in the database, created through @tengine/core as an admin would.
import { createApiKey, createOrganization, createProject, createSigningSecret, createTool, newId, type SecretBox } from "@tengine/core";
import type { Db, Prisma } from "@tengine/db";

export const READ_TOOL = "bench_read";
export const WRITE_TOOL = "bench_write";

/**
 * The tools/call project: a read-only GET tool (never deduplicated, so every call goes
 * upstream) and a non-read-only POST tool signed with HMAC (derived idempotency key claimed
 * and settled per call, RFC 9421 signature per request).
 */
export async function seedCallProject(db: Db, secretBox: SecretBox, upstreamUrl: string, options: { orgId?: string; name?: string } = {}) {
  const org = options.orgId ? { id: options.orgId } : await createOrganization(db, { name: "Bench org" });
  const project = await createProject(db, { orgId: org.id, name: options.name ?? "bench calls", allowHttpUpstreams: true });
  const { key } = await createApiKey(db, project.id, { name: "bench" });
  await createSigningSecret(db, secretBox, project.id);
  await createTool(db, secretBox, project.id, {
    name: READ_TOOL,
    description: "Looks up one item by id (benchmark, read-only).",
    inputSchema: {
      type: "object",
      properties: { q: { type: "string", description: "item id" }, limit: { type: "integer", minimum: 1, maximum: 100 } },
      required: ["q"],
    },
    annotations: { readOnlyHint: true },
    method: "GET",
    url: `${upstreamUrl}/echo`,
    query: { q: "{{input.q}}", limit: "{{input.limit}}" },
  });
  await createTool(db, secretBox, project.id, {
    name: WRITE_TOOL,
    description: "Records one note (benchmark, write: idempotency key + HMAC signature).",
    inputSchema: {
      type: "object",
      properties: { n: { type: "string", description: "unique request number" }, note: { type: "string" }, amount: { type: "integer" } },
      required: ["n", "note"],
    },
    annotations: { readOnlyHint: false, idempotentHint: false },
    method: "POST",
    url: `${upstreamUrl}/echo`,
    body: { n: "{{input.n}}", note: "{{input.note}}", amount: "{{input.amount}}" },
    auth: { type: "hmac" },
  });
  return { org, project, key };
}

/**
 * A second project with `count` tools for tools/list. The first tool goes through
 * createTool (validation, the row exactly as the product stores it); the rest are copies of
 * that row with their own id, name, description and schema, inserted with createMany, then
 * the project's configVersion is bumped as createTool does.
 */
export async function seedListProject(db: Db, secretBox: SecretBox, orgId: string, upstreamUrl: string, count: number) {
  const project = await createProject(db, { orgId, name: "bench list", allowHttpUpstreams: true });
  const { key } = await createApiKey(db, project.id, { name: "bench" });
  await createTool(db, secretBox, project.id, listToolDefinition(0, upstreamUrl));
  const template = await db.tool.findFirstOrThrow({ where: { projectId: project.id } });
  const rows: Prisma.ToolCreateManyInput[] = [];
  for (let i = 1; i < count; i++) {
    const def = listToolDefinition(i, upstreamUrl);
    rows.push({
      ...template,
      id: newId("tool"),
      name: def.name,
      description: def.description,
      inputSchema: def.inputSchema,
      annotations: def.annotations,
      url: def.url,
      query: template.query ?? undefined,
      headers: template.headers ?? undefined,
      body: template.body ?? undefined,
      authConfig: template.authConfig ?? {},
      createdAt: undefined,
      updatedAt: undefined,
    } as Prisma.ToolCreateManyInput);
  }
  for (let i = 0; i < rows.length; i += 250) await db.tool.createMany({ data: rows.slice(i, i + 250) });
  await db.project.update({ where: { id: project.id }, data: { configVersion: { increment: 1 } } });
  const stored = await db.tool.count({ where: { projectId: project.id } });
  if (stored !== count) throw new Error(`expected ${count} tools in the list project, found ${stored}`);
  return { project, key };
}

const RESOURCES = ["contact", "company", "deal", "ticket", "invoice", "order", "product", "task", "note", "meeting"];
const VERBS = ["get", "list", "search", "create", "update", "archive", "restore", "export", "merge", "tag"];

/** A realistic, distinct tool: a sentence-long description and a schema with 4 fields. */
function listToolDefinition(i: number, upstreamUrl: string) {
  const resource = RESOURCES[i % RESOURCES.length]!;
  const verb = VERBS[Math.floor(i / RESOURCES.length) % VERBS.length]!;
  const readOnly = ["get", "list", "search", "export"].includes(verb);
  return {
    name: `${verb}_${resource}_${String(i).padStart(4, "0")}`,
    description: `${verb[0]!.toUpperCase()}${verb.slice(1)} a ${resource} in the CRM (operation ${i}). Returns the ${resource} as JSON with its id, owner, timestamps and custom fields; fails with 404 when the ${resource} does not exist.`,
    inputSchema: {
      type: "object",
      properties: {
        id: { type: "string", description: `The ${resource} id, e.g. ${resource.slice(0, 3)}_01HZX3…` },
        limit: { type: "integer", minimum: 1, maximum: 100, description: "Page size" },
        status: { type: "string", enum: ["open", "closed", "archived"], description: "Filter by status" },
        fields: { type: "array", items: { type: "string" }, description: "Extra fields to include" },
      },
      required: ["id"],
      additionalProperties: false,
    },
    annotations: readOnly ? { readOnlyHint: true } : { readOnlyHint: false, destructiveHint: verb === "archive" },
    method: "GET" as const,
    url: `${upstreamUrl}/${resource}s/{{input.id}}`,
    query: { limit: "{{input.limit}}", status: "{{input.status}}" },
  };
}
