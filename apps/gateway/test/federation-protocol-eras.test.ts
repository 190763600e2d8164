import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { createMcpHandler, McpServer, WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
import { addMcpServer, listMcpServers, type McpAdminDeps } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { adminDeps, startEverythingHttp, startRecordingProxy, testFederation } from "./federation-helpers.ts";
import { connectClient, startWorld } from "./harness.ts";

// Upstreams of different protocol revisions behind one gateway: server-everything (its SDK
// speaks 2025-11-25), a server built with the MCP SDK v2 from npm (@modelcontextprotocol/server)
// told to speak only 2025-06-18, and an SDK v2 `createMcpHandler` endpoint that refuses every
// 2025 request (`legacy: "reject"`), so only the 2026-07-28 path can reach it. Recording proxies
// in front show which MCP-Protocol-Version the gateway negotiated and sends with each call.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let admin: McpAdminDeps & { close(): Promise<void> };
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;
let everythingProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let june: Awaited<ReturnType<typeof startPinnedServer>>;
let juneProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
let modern: Awaited<ReturnType<typeof startModernOnlyServer>>;
let modernProxy: Awaited<ReturnType<typeof startRecordingProxy>>;
const MODERN_STDIO_JS = fileURLToPath(new URL("./fixtures/modern-stdio-server.mjs", import.meta.url));
const federation = testFederation("/nonexistent", { modern: { command: process.execPath, args: [MODERN_STDIO_JS] } });

/** An SDK v2 server (stateless Streamable HTTP) that speaks only the given protocol versions. */
async function startPinnedServer(versions: string[]) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const mcp = new McpServer({ name: `pinned-${versions.join("-")}`, version: "1.0.0" }, { supportedProtocolVersions: versions });
    mcp.registerTool("ping", { description: "Answers pong and the note", inputSchema: z.object({ note: z.string() }) }, async ({ note }) => ({ content: [{ type: "text", text: `pong ${note}` }] }));
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await mcp.connect(transport);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const answer = await transport.handleRequest(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}) }));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    res.end(Buffer.from(await answer.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

/** An SDK v2 `createMcpHandler` endpoint serving 2026-07-28 only; its tool list can grow (and it says so on subscriptions/listen). */
async function startModernOnlyServer() {
  const extraTools: string[] = [];
  const handler = createMcpHandler(() => {
    const mcp = new McpServer({ name: "modern-only", version: "1.0.0" });
    mcp.registerTool("ping", { description: "Answers pong and the note", inputSchema: z.object({ note: z.string() }) }, async ({ note }) => ({ content: [{ type: "text", text: `modern pong ${note}` }] }));
    for (const name of extraTools) mcp.registerTool(name, { description: `Added later: ${name}` }, async () => ({ content: [{ type: "text", text: name }] }));
    return mcp;
  }, { legacy: "reject" });
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    const answer = await handler.fetch(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, signal: abort.signal, ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}) }));
    res.writeHead(answer.status, Object.fromEntries(answer.headers));
    // Streamed: a subscriptions/listen answer is an open event stream.
    if (answer.body) Readable.fromWeb(answer.body as import("node:stream/web").ReadableStream).on("error", () => res.end()).pipe(res);
    else res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    addTool(name: string) {
      extraTools.push(name);
      handler.notify.toolsChanged();
    },
    close: async () => {
      await handler.close();
      await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
    },
  };
}

beforeAll(async () => {
  everything = await startEverythingHttp();
  everythingProxy = await startRecordingProxy(new URL(everything.url).origin);
  june = await startPinnedServer(["2025-06-18"]);
  juneProxy = await startRecordingProxy(june.origin);
  modern = await startModernOnlyServer();
  modernProxy = await startRecordingProxy(modern.origin);
  world = await startWorld("fed_eras", { federation });
  admin = adminDeps(world, federation);
  p = await world.createProjectWithKey("Federation eras");
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await world?.close();
  for (const c of [everythingProxy, juneProxy, june, modernProxy, modern]) await c?.close();
  await everything?.kill();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const versionOfCalls = (proxy: Awaited<ReturnType<typeof startRecordingProxy>>) => [...new Set(proxy.requests.filter((r) => r.body.includes('"tools/call"')).map((r) => r.headers["mcp-protocol-version"]))];

describe("upstreams of both 2025 revisions and of 2026-07-28", () => {
  it("negotiates 2025-11-25 with server-everything and 2025-06-18 with a server that speaks only that", async () => {
    expect(await addMcpServer(admin, p.project.id, { name: "current", url: everythingProxy.url })).toMatchObject({ status: "ok", lastError: null });
    expect(await addMcpServer(admin, p.project.id, { name: "june", url: juneProxy.url })).toMatchObject({ status: "ok", lastError: null, toolCount: 1 });
    const client = await connectClient(p.mcpUrl, p.key);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(["current_echo", "june_ping"]));
    expect(text(await client.callTool({ name: "current_echo", arguments: { message: "new" } }))).toBe("Echo: new");
    expect(text(await client.callTool({ name: "june_ping", arguments: { note: "old" } }))).toBe("pong old");
    await client.close();
    expect(versionOfCalls(everythingProxy)).toEqual(["2025-11-25"]);
    expect(versionOfCalls(juneProxy)).toEqual(["2025-06-18"]);
    // The initialize answer each server gave is what the gateway then spoke.
    const juneInit = juneProxy.requests.find((r) => r.body.includes('"initialize"'));
    expect(JSON.parse(juneInit!.body).params.protocolVersion).toBe("2025-11-25");
  });

  it("negotiates 2026-07-28 with a server that speaks only that, calls it on the modern wire and hears its list_changed", async () => {
    expect(await addMcpServer(admin, p.project.id, { name: "modern", url: modernProxy.url })).toMatchObject({ status: "ok", lastError: null, toolCount: 1 });
    const client = await connectClient(p.mcpUrl, p.key);
    expect(text(await client.callTool({ name: "modern_ping", arguments: { note: "hi" } }))).toBe("modern pong hi");
    // The era was chosen by server/discover, never initialize (the server refuses every 2025 request).
    expect(modernProxy.requests.some((r) => r.body.includes('"server/discover"'))).toBe(true);
    expect(modernProxy.requests.some((r) => r.body.includes('"initialize"'))).toBe(false);
    expect(versionOfCalls(modernProxy)).toEqual(["2026-07-28"]);
    const call = JSON.parse(modernProxy.requests.find((r) => r.body.includes('"tools/call"'))!.body);
    expect(call.params._meta["io.modelcontextprotocol/protocolVersion"]).toBe("2026-07-28");
    expect(call.params._meta["tengine/runId"]).toEqual(expect.any(String));
    // The protocol each server negotiated is recorded for admins.
    const servers = await listMcpServers(world.db, p.project.id);
    expect(Object.fromEntries(servers.map((s) => [s.name, s.protocolVersion]))).toEqual({ current: "2025-11-25", june: "2025-06-18", modern: "2026-07-28" });
    // The gateway's subscriptions/listen stream delivers the server's tools/list_changed.
    modern.addTool("later");
    await expect.poll(async () => (await client.listTools()).tools.map((t) => t.name), { timeout: 10_000 }).toContain("modern_later");
    await client.close();
  });

  it("negotiates 2026-07-28 over stdio with a catalog server that refuses every 2025 opening", async () => {
    const added = await addMcpServer(admin, p.project.id, { name: "modernio", catalog: "modern" });
    expect(added).toMatchObject({ status: "ok", lastError: null, toolCount: 1, protocolVersion: "2026-07-28" });
    const client = await connectClient(p.mcpUrl, p.key);
    expect(text(await client.callTool({ name: "modernio_ping", arguments: { note: "piped" } }))).toBe("stdio pong piped");
    await client.close();
  });
});
