import http from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { createApiKey, createOrganization, createOutboundClient, createProject, createSigningSecret, createTool, ProjectRuntimeCache, SecretBox, type ToolCallDeps, type ToolDefinitionInput } from "@tengine/core";
import { createDb } from "@tengine/db";
import { createTestDatabase } from "@tengine/db/testing";
import pino from "pino";
import { createGateway } from "../src/http/create-gateway.ts";
import type { GatewayConfig } from "../src/env.ts";

export type UpstreamRequest = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer };

/**
 * A real HTTP upstream on loopback that records what it receives. `respond` decides each
 * answer (default: 200 echoing the request as JSON).
 */
export async function startUpstream(respond?: (req: UpstreamRequest, res: http.ServerResponse, n: number) => void | Promise<void>) {
  const requests: UpstreamRequest[] = [];
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const entry = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks) };
    requests.push(entry);
    if (respond) return respond(entry, res, requests.length);
    const body = entry.body.length ? JSON.parse(entry.body.toString()) : null;
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, method: entry.method, path: entry.url, body }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/**
 * One isolated world per test file: its own Postgres schema, a gateway on a random port with
 * logs captured in memory, an organization and a project with a signing secret.
 */
export async function startWorld(label: string, overrides: Partial<GatewayConfig> = {}) {
  const database = await createTestDatabase(label);
  const masterKey = overrides.masterKey ?? SecretBox.generateKey();
  const secretBox = new SecretBox(masterKey);
  const logLines: string[] = [];
  const logger = pino({ level: "debug" }, new Writable({ write(chunk, _enc, cb) { logLines.push(String(chunk)); cb(); } }));
  const config: GatewayConfig = {
    databaseUrl: database.target.url,
    databaseSchema: database.target.schema,
    embeddedDatabase: false,
    port: 0,
    host: "127.0.0.1",
    metricsPort: 0,
    metricsHost: "127.0.0.1",
    publicUrl: "http://gateway.test",
    masterKey,
    allowPrivateUpstreams: true,
    allowedOrigins: [],
    logLevel: "debug",
    ...overrides,
  };
  const gateway = await createGateway(config, { logger });
  const port = await gateway.listen(0, "127.0.0.1");
  const base = `http://127.0.0.1:${port}`;
  const db = database.db;
  const org = await createOrganization(db, { name: `Org ${label}` });

  async function createProjectWithKey(name: string, options: { scopes?: string[]; allowHttp?: boolean } = {}) {
    const project = await createProject(db, { orgId: org.id, name, allowHttpUpstreams: options.allowHttp ?? true });
    const key = await createApiKey(db, project.id, { name: "test", scopes: options.scopes ?? [] });
    const signing = await createSigningSecret(db, secretBox, project.id);
    return { project, key: key.key, keyId: key.id, signing, mcpUrl: `${base}/p/${project.slug}/mcp` };
  }

  const replicas: Array<{ close(): Promise<void> }> = [];

  return {
    db,
    base,
    /** the internal /metrics listener */
    metricsBase: `http://127.0.0.1:${gateway.metricsPort}`,
    config,
    /**
     * Another gateway process on the same database and configuration (Redis included): a
     * second replica. Returns its base URL; closed with the world.
     */
    async startReplica() {
      const replica = await createGateway(config, { logger });
      const replicaPort = await replica.listen(0, "127.0.0.1");
      replicas.push(replica);
      return { base: `http://127.0.0.1:${replicaPort}`, metricsBase: `http://127.0.0.1:${replica.metricsPort}`, mcpUrl: (slug: string) => `http://127.0.0.1:${replicaPort}/p/${slug}/mcp` };
    },
    secretBox,
    logLines,
    org,
    createProjectWithKey,
    addTool: (projectId: string, def: ToolDefinitionInput) => createTool(db, secretBox, projectId, def),
    async close() {
      for (const replica of replicas) await replica.close();
      await gateway.close();
      await database.drop();
    },
  };
}

/** Closes what a test file started, in order; a part is missing when its beforeAll failed early. */
export async function closeAll(...parts: Array<{ close(): Promise<unknown> } | undefined>) {
  for (const part of parts) await part?.close();
}

/** The official MCP SDK client, connected with a bearer credential. */
export async function connectClient(url: string, credential: string, headers: Record<string, string> = {}) {
  const client = new Client({ name: "tengine-test", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${credential}`, ...headers } } });
  await client.connect(transport);
  return client;
}

/** A raw JSON-RPC POST, for asserting HTTP-level behaviour the SDK client hides. */
export async function rpc(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

export const echoSchema = { type: "object", properties: {}, additionalProperties: true } as const;

/**
 * What the worker brings to an approved call, as its own process would: its own pool, runtime
 * cache and outbound client on the world's database (private upstreams allowed, as in the world).
 */
export function startWorkerDeps(world: Awaited<ReturnType<typeof startWorld>>): ToolCallDeps & { close(): Promise<void> } {
  const { db, hot, close } = createDb(world.config.databaseSchema ? { url: world.config.databaseUrl, schema: world.config.databaseSchema } : { url: world.config.databaseUrl });
  const outbound = createOutboundClient({ allowPrivate: true });
  return {
    db,
    hot,
    runtime: new ProjectRuntimeCache(db, world.secretBox),
    outbound,
    async close() {
      await outbound.close();
      await close();
    },
  };
}
