import { createApiKey, listRuns, revokeApiKey } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, rpc, startUpstream, startWorld } from "./harness.ts";
import { startClockedGateway } from "./oauth-helpers.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let guarded: World; // SSRF guard on, as in production
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let a: Awaited<ReturnType<World["createProjectWithKey"]>>;
let b: Awaited<ReturnType<World["createProjectWithKey"]>>;

const BEARER = "upstream-bearer-s3cr3t-value";
const HEADER_SECRET = "x-api-key-s3cr3t-value";
const TEMPLATE_SECRET = "template-s3cr3t-value";
const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "a_write", arguments: { v: 1 } } };

beforeAll(async () => {
  world = await startWorld("security");
  guarded = await startWorld("ssrf", { allowPrivateUpstreams: false });
  upstream = await startUpstream();
  a = await world.createProjectWithKey("Project A");
  b = await world.createProjectWithKey("Project B");
  await world.addTool(a.project.id, { name: "a_write", description: "A's write", inputSchema: { type: "object" }, method: "POST", url: `${upstream.url}/a`, body: { v: "{{input.v}}" }, requiredScopes: ["items:write"] });
  await world.addTool(a.project.id, { name: "a_read", description: "A's read", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/a`, requiredScopes: ["items:read"], annotations: { readOnlyHint: true } });
  await world.addTool(b.project.id, { name: "b_tool", description: "B's", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/b`, annotations: { readOnlyHint: true } });
}, 60_000);

afterAll(async () => {
  await world?.close();
  await guarded?.close();
  await upstream?.close();
});

describe("authentication", () => {
  it("answers 401 with a resource_metadata challenge without a credential", async () => {
    const res = await rpc(a.mcpUrl, call);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="http://gateway.test/.well-known/oauth-protected-resource/p/${a.project.slug}/mcp"`);
  });

  it("adds error=invalid_token when a bad credential was sent", async () => {
    for (const token of ["tengine_" + "x".repeat(43), "garbage", a.key.slice(0, -1) + (a.key.endsWith("A") ? "B" : "A")]) {
      const res = await rpc(a.mcpUrl, call, { authorization: `Bearer ${token}` });
      expect(res.status).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="invalid_token", resource_metadata="[^"]+p\/project-a\/mcp"/);
    }
  });

  it("serves the protected resource metadata whose resource is the MCP URL", async () => {
    const res = await fetch(`${world.base}/.well-known/oauth-protected-resource/p/${a.project.slug}/mcp`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ resource: `http://gateway.test/p/${a.project.slug}/mcp`, bearer_methods_supported: ["header"] });
    expect((await fetch(`${world.base}/.well-known/oauth-protected-resource/p/no-such-project/mcp`)).status).toBe(404);
  });

  it("refuses a revoked key on its very next call", async () => {
    const key = await createApiKey(world.db, a.project.id, { name: "to revoke" });
    expect((await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${key.key}` })).status).toBe(200);
    await revokeApiKey(world.db, a.project.id, key.id);
    const res = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${key.key}` });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
  });

  it("refuses an expired key: the clock moves, no sleeping", async () => {
    const clocked = await startClockedGateway(world);
    try {
      const url = `${clocked.base}/p/${a.project.slug}/mcp`;
      const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
      const key = await createApiKey(world.db, a.project.id, { name: "short", expiresAt: new Date(clocked.clock.now + 60_000) });
      expect((await rpc(url, list, { authorization: `Bearer ${key.key}` })).status).toBe(200);
      clocked.clock.now += 60_001;
      const res = await rpc(url, list, { authorization: `Bearer ${key.key}` });
      expect(res.status).toBe(401);
      expect(res.json.error.message).toContain("API key expired");
    } finally {
      await clocked.close();
    }
  });
});

describe("tenancy", () => {
  it("another project's key gets nothing at this project's URL", async () => {
    const res = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${b.key}` });
    expect(res.status).toBe(401);
    expect(JSON.stringify(res.json)).not.toContain("a_write");
  });

  it("at /mcp a key sees and calls only its own project's tools", async () => {
    const client = await connectClient(`${world.base}/mcp`, b.key);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["b_tool", "mcp_whoami", "tengine_run_status"]);
    await expect(client.callTool({ name: "a_write", arguments: { v: 1 } })).rejects.toThrow(/Unknown tool/);
    const before = upstream.requests.length;
    expect(upstream.requests.length).toBe(before);
    await client.close();
  });

  it("a run of another project cannot be read through tengine_run_status", async () => {
    const ca = await connectClient(a.mcpUrl, a.key);
    const done: any = await ca.callTool({ name: "a_read", arguments: {} });
    const runId = done._meta["tengine/runId"];
    const own: any = await ca.callTool({ name: "tengine_run_status", arguments: { runId } });
    expect(own.structuredContent).toMatchObject({ runId, status: "succeeded", tool: "a_read" });
    const cb = await connectClient(b.mcpUrl, b.key);
    const other: any = await cb.callTool({ name: "tengine_run_status", arguments: { runId } });
    expect(other.isError).toBe(true);
    expect(other.content[0].text).toContain("not found");
    await ca.close();
    await cb.close();
  });
});

describe("scopes", () => {
  it("lists only tools whose scopes the key holds; write implies read", async () => {
    const readKey = await createApiKey(world.db, a.project.id, { name: "read", scopes: ["items:read"] });
    const writeKey = await createApiKey(world.db, a.project.id, { name: "write", scopes: ["items:write"] });
    const reader = await connectClient(a.mcpUrl, readKey.key);
    expect((await reader.listTools()).tools.map((t) => t.name)).toEqual(["a_read", "mcp_whoami", "tengine_run_status"]);
    const writer = await connectClient(a.mcpUrl, writeKey.key);
    expect((await writer.listTools()).tools.map((t) => t.name).sort()).toEqual(["a_read", "a_write", "mcp_whoami", "tengine_run_status"]);
    const whoami: any = await reader.callTool({ name: "mcp_whoami", arguments: {} });
    expect(whoami.structuredContent).toMatchObject({ kind: "api_key", apiKeyId: readKey.id, scopes: ["items:read"], project: { slug: a.project.slug } });
    await reader.close();
    await writer.close();
  });

  it("calling a tool without its scope is a 403 insufficient_scope naming the scope, and nothing is sent", async () => {
    const readKey = await createApiKey(world.db, a.project.id, { name: "read2", scopes: ["items:read"] });
    const before = upstream.requests.length;
    const res = await rpc(a.mcpUrl, call, { authorization: `Bearer ${readKey.key}` });
    expect(res.status).toBe(403);
    expect(res.headers.get("www-authenticate")).toMatch(/^Bearer error="insufficient_scope", scope="items:write", resource_metadata="/);
    expect(res.json.error.message).toBe("Tool requires scopes: items:write");
    expect(upstream.requests.length).toBe(before);
    const runs = await listRuns(world.db, a.project.id, { status: "denied", apiKeyId: readKey.id });
    expect(runs.runs).toHaveLength(1);
  });
});

describe("protocol edges", () => {
  it("refuses a foreign Origin with 403 and accepts our own", async () => {
    expect((await rpc(a.mcpUrl, call, { authorization: `Bearer ${a.key}`, origin: "https://evil.example" })).status).toBe(403);
    expect((await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${a.key}`, origin: "http://gateway.test" })).status).toBe(200);
  });

  it("answers 400 to an unsupported MCP-Protocol-Version and accepts the three supported ones", async () => {
    const bad = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${a.key}`, "mcp-protocol-version": "1999-01-01" });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatchObject({ code: -32022, data: { requested: "1999-01-01", supported: ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"] } });
    for (const v of ["2025-03-26", "2025-06-18", "2025-11-25"]) {
      expect((await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${a.key}`, "mcp-protocol-version": v })).status).toBe(200);
    }
  });

  it("negotiates the protocol version at initialize", async () => {
    const init = (v: string) => rpc(a.mcpUrl, { jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: v, capabilities: {}, clientInfo: { name: "t", version: "1" } } }, { authorization: `Bearer ${a.key}` });
    expect((await init("2025-06-18")).json.result.protocolVersion).toBe("2025-06-18");
    expect((await init("2024-11-05")).json.result.protocolVersion).toBe("2025-11-25");
  });

  it("gives clear 4xx answers to bad requests, never a 500", async () => {
    const auth = { authorization: `Bearer ${a.key}` };
    expect((await rpc(a.mcpUrl, "{not json", auth)).status).toBe(400);
    expect((await rpc(a.mcpUrl, { hello: "world" }, auth)).status).toBe(400);
    expect((await rpc(a.mcpUrl, [], auth)).status).toBe(400);
    expect((await rpc(a.mcpUrl, { jsonrpc: "2.0", method: "notifications/initialized" }, auth)).status).toBe(202);
    const wrongType = await fetch(a.mcpUrl, { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: "x" });
    expect(wrongType.status).toBe(415);
    expect((await fetch(a.mcpUrl, { headers: auth })).status).toBe(405);
    const unknownMethod = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 9, method: "nope/nope" }, auth);
    expect(unknownMethod.json).toMatchObject({ id: 9, error: { code: -32601 } });
    const badArgs = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: 5 } }, auth);
    expect(badArgs.status).toBeLessThan(500);
    expect(badArgs.json.error.code).toBe(-32602);
  });

  it("answers a batch with one reply per request, in order, with the clients' ids", async () => {
    const res = await rpc(a.mcpUrl, [{ jsonrpc: "2.0", id: "x", method: "tools/list" }, { jsonrpc: "2.0", id: 7, method: "ping" }], { authorization: `Bearer ${a.key}` });
    expect(res.json.map((r: any) => r.id)).toEqual(["x", 7]);
  });

  it("replies as an SSE event when the client accepts only event streams", async () => {
    const res = await rpc(a.mcpUrl, { jsonrpc: "2.0", id: 3, method: "ping" }, { authorization: `Bearer ${a.key}`, accept: "text/event-stream" });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const [event, data] = res.text.trim().split("\n");
    expect(event).toBe("event: message");
    expect(JSON.parse(data!.replace(/^data: /, ""))).toEqual({ jsonrpc: "2.0", id: 3, result: {} });
  });
});

describe("SSRF guard", () => {
  it("refuses a private upstream unless private upstreams are allowed, and nothing reaches it", async () => {
    const g = await guarded.createProjectWithKey("Guarded");
    for (const [name, url] of [["loopback", `${upstream.url}/private`], ["localhost", upstream.url.replace("127.0.0.1", "localhost") + "/private"], ["decimal", `http://2130706433:${new URL(upstream.url).port}/private`]] as const) {
      await guarded.addTool(g.project.id, { name, description: "private", inputSchema: { type: "object" }, method: "GET", url, annotations: { readOnlyHint: true } });
    }
    const client = await connectClient(g.mcpUrl, g.key);
    const before = upstream.requests.length;
    for (const name of ["loopback", "localhost", "decimal"]) {
      const result: any = await client.callTool({ name, arguments: {} });
      expect(result.isError, name).toBe(true);
      expect(result.content[0].text).toMatch(/blocked|not allowed|forbidden|loopback/i);
    }
    expect(upstream.requests.filter((r) => r.url === "/private").length).toBe(0);
    expect(upstream.requests.length).toBe(before);
    await client.close();
    // The same tool through a gateway with ALLOW_PRIVATE_UPSTREAMS=true goes through.
    const open = await connectClient(a.mcpUrl, a.key);
    await world.addTool(a.project.id, { name: "private_ok", description: "private", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/private`, annotations: { readOnlyHint: true } });
    expect(((await open.callTool({ name: "private_ok", arguments: {} })) as any).isError).toBeFalsy();
    await open.close();
  });

  it("refuses plain http unless the project allows it", async () => {
    const strict = await world.createProjectWithKey("Https only", { allowHttp: false });
    await world.addTool(strict.project.id, { name: "plain", description: "http", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/plain`, annotations: { readOnlyHint: true } });
    const client = await connectClient(strict.mcpUrl, strict.key);
    const result: any = await client.callTool({ name: "plain", arguments: {} });
    expect(result.isError).toBe(true);
    expect(upstream.requests.some((r) => r.url === "/plain")).toBe(false);
    await client.close();
  });
});

describe("secrets never leak", () => {
  it("keeps upstream credentials and template secrets out of runs, logs and results", async () => {
    const { setProjectSecret } = await import("@tengine/core");
    await setProjectSecret(world.db, world.secretBox, a.project.id, "PARTNER_TOKEN", TEMPLATE_SECRET);
    const echo = await startUpstream((req, res) => {
      // A hostile or careless upstream echoing credentials back.
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ saw: req.headers }));
    });
    await world.addTool(a.project.id, { name: "bearer_tool", description: "bearer", inputSchema: { type: "object" }, method: "POST", url: `${echo.url}/x`, body: { a: 1 }, auth: { type: "bearer+hmac", token: BEARER }, headers: { "x-partner": "{{secrets.PARTNER_TOKEN}}" } });
    await world.addTool(a.project.id, { name: "header_tool", description: "header", inputSchema: { type: "object" }, method: "GET", url: `${echo.url}/y`, auth: { type: "header", name: "X-Api-Key", value: HEADER_SECRET }, annotations: { readOnlyHint: true } });
    const client = await connectClient(a.mcpUrl, a.key);
    const r1: any = await client.callTool({ name: "bearer_tool", arguments: {} });
    const r2: any = await client.callTool({ name: "header_tool", arguments: {} });
    expect(echo.requests[0]!.headers.authorization).toBe(`Bearer ${BEARER}`);
    expect(echo.requests[0]!.headers["x-partner"]).toBe(TEMPLATE_SECRET);
    expect(echo.requests[1]!.headers["x-api-key"]).toBe(HEADER_SECRET);
    const runs = await world.db.run.findMany({ where: { projectId: a.project.id } });
    const everything = JSON.stringify({ runs, results: [r1, r2], logs: world.logLines, tools: await world.db.tool.findMany(), secrets: await world.db.secret.findMany() });
    for (const secret of [BEARER, HEADER_SECRET, TEMPLATE_SECRET, a.key]) expect(everything).not.toContain(secret);
    expect(everything).toContain("[redacted]");
    await client.close();
    await echo.close();
  });
});
