import { isUniqueViolation } from "@tengine/db";
import { z } from "zod";
import { secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import { newId } from "../ids/new-id.ts";
import { checkUpstreamUrl } from "../outbound/ssrf-guard.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { MCP_ACTIVATIONS, MCP_SERVER_NAME, MCP_SERVER_NAME_RULE, type DeclaredCredential, declaredCredentialSchema } from "./mcp-server-config.ts";
import type { McpAdminDeps } from "./mcp-server-deps.ts";
import { refreshMcpServer } from "./refresh-mcp-server.ts";

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
/** Set by the gateway from the call; a server's configuration may not override them. */
const RESERVED_HEADERS = new Set(["host", "content-length", "content-type", "accept", "mcp-session-id", "mcp-protocol-version", "idempotency-key", "signature", "signature-input", "content-digest"]);

export const addMcpServerInput = z
  .object({
    name: z.string().regex(MCP_SERVER_NAME, `name: ${MCP_SERVER_NAME_RULE}`),
    url: z.string().min(1).optional(),
    headers: z.record(z.string(), z.string().max(8192)).default({}),
    catalog: z.string().min(1).optional(),
    /** values for the server's credentials, stored encrypted */
    credentials: z.record(z.string(), z.string().min(1).max(8192)).default({}),
    /** credentials the server needs besides the catalog entry's */
    declare: z.array(declaredCredentialSchema).default([]),
    activation: z.enum(MCP_ACTIVATIONS).default("always"),
  })
  .refine((v) => (v.url === undefined) !== (v.catalog === undefined), { message: "give either url (a Streamable HTTP server) or catalog (an entry of the operator's catalog), not both" });
export type AddMcpServerInput = z.input<typeof addMcpServerInput>;

/**
 * Adds an external MCP server to a project: an http URL (through the SSRF guard and the
 * project's allowed hosts) or an entry of the operator's catalog (never a command a tenant
 * types). Header and credential values are stored encrypted. With a pool, the server's tools
 * are listed right away; a server that cannot be reached is still added, with its error.
 */
export async function addMcpServer(deps: McpAdminDeps, projectId: string, raw: AddMcpServerInput) {
  const parsed = addMcpServerInput.safeParse(raw);
  if (!parsed.success) throw new AppError("bad_request", parsed.error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "));
  const input = parsed.data;
  const project = await deps.db.project.findUnique({ where: { id: projectId }, select: { allowHttpUpstreams: true, allowedUpstreamHosts: true } });
  if (!project) throw new AppError("not_found", "project not found");

  for (const name of Object.keys(input.headers)) {
    if (!HEADER_NAME.test(name)) throw new AppError("bad_request", `header ${JSON.stringify(name)} is not a valid header name`);
    if (RESERVED_HEADERS.has(name.toLowerCase()) || name.toLowerCase().startsWith("x-tengine-")) throw new AppError("bad_request", `header ${name} is set by the gateway and cannot be configured`);
  }
  let declared: DeclaredCredential[] = input.declare;
  if (input.url !== undefined) {
    const checked = checkUpstreamUrl(input.url, { allowHttp: project.allowHttpUpstreams, allowPrivate: deps.allowPrivate, ...(deps.allowlist ? { allowlist: deps.allowlist } : {}), allowedHosts: project.allowedUpstreamHosts });
    if (!checked.ok) throw new AppError("bad_request", `url ${input.url} is refused: ${checked.reason}`);
  } else {
    const entry = deps.catalog.get(input.catalog!);
    if (!entry) {
      const names = [...deps.catalog.keys()];
      throw new AppError("bad_request", `catalog entry ${input.catalog} does not exist in this deployment's MCP catalog (${names.length ? `entries: ${names.join(", ")}` : "the catalog is empty; the operator sets TENGINE_MCP_CATALOG"})`);
    }
    if (Object.keys(input.headers).length) throw new AppError("bad_request", "headers apply to http servers only; a catalog server gets credentials as environment variables");
    declared = [...entry.credentials, ...declared.filter((d) => !entry.credentials.some((c) => c.key === d.key))];
  }
  // A value given for an undeclared key declares it (secret).
  for (const key of Object.keys(input.credentials)) {
    if (!declaredCredentialSchema.shape.key.safeParse(key).success) throw new AppError("bad_request", `credential key ${JSON.stringify(key)}: letters, digits and '_', starting with a letter`);
    if (!declared.some((d) => d.key === key)) declared.push({ key, secret: true });
  }

  const id = newId("mcpServer");
  const credentialKeys = Object.keys(input.credentials).sort();
  try {
    await deps.db.$transaction(async (tx) => {
      await tx.mcpServer.create({
        data: {
          id,
          projectId,
          name: input.name,
          transport: input.url !== undefined ? "http" : "stdio",
          url: input.url ?? null,
          catalogEntry: input.catalog ?? null,
          headersEnc: Object.keys(input.headers).length ? deps.secretBox.encrypt(JSON.stringify(input.headers), secretAd.mcpServerHeaders(id)) : null,
          credentials: declared,
          credentialsEnc: credentialKeys.length ? deps.secretBox.encrypt(JSON.stringify(input.credentials), secretAd.mcpServerCredentials(id)) : null,
          credentialKeys,
          activation: input.activation,
        },
      });
      await bumpConfigVersion(tx, projectId);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `an MCP server named ${input.name} already exists in this project`);
    throw error;
  }
  return refreshMcpServer(deps, projectId, input.name);
}
