import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { setToolEnabled } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGatewayProcess } from "./gateway-process.ts";
import { connectClient, rpc, startUpstream, startWorld } from "./harness.ts";

/**
 * The 2026-07-28 revision beside the 2025 ones, on the same running gateway: the SDK v2
 * client pinned to 2026-07-28 and in auto mode, and the v1 client, list and call the same
 * tools; the modern wire's header checks, errors, pagination and list_changed are real HTTP.
 */
let world: Awaited<ReturnType<typeof startWorld>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<Awaited<ReturnType<typeof startWorld>>["createProjectWithKey"]>>;

const MODERN = "2026-07-28";

async function connectV2(url: string, key: string, mode: "auto" | { pin: string }) {
  const client = new ClientV2({ name: "tengine-test-v2", version: "1.0.0" }, { versionNegotiation: { mode } });
  await client.connect(new TransportV2(new URL(url), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
  return client;
}

/** A hand-made modern request: headers mirror the body unless a test overrides them. */
function modern(method: string, params: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const name: Record<string, string> = typeof params.name === "string" ? { "mcp-name": params.name } : {};
  const meta: Record<string, unknown> = { "io.modelcontextprotocol/protocolVersion": MODERN, "io.modelcontextprotocol/clientCapabilities": {} };
  const allHeaders: Record<string, string> = { authorization: `Bearer ${p.key}`, "mcp-protocol-version": MODERN, "mcp-method": method, ...name, ...headers };
  return { body: { jsonrpc: "2.0", id: 7, method, params: { ...params, _meta: meta } }, headers: allHeaders };
}
async function send(req: ReturnType<typeof modern>, url = p.mcpUrl) {
  return rpc(url, req.body, req.headers);
}

beforeAll(async () => {
  world = await startWorld("modern-wire", { listChangedPollMs: 100 });
  upstream = await startUpstream();
  p = await world.createProjectWithKey("Modern wire");
  await world.addTool(p.project.id, { name: "echo", title: "Echo", description: "Echoes its input", inputSchema: { type: "object", properties: { text: { type: "string" } } }, method: "POST", url: `${upstream.url}/echo`, body: { text: "{{input.text}}" }, annotations: { readOnlyHint: true } });
  await world.addTool(p.project.id, {
    name: "region_query",
    description: "Runs a query in a region",
    inputSchema: { type: "object", properties: { region: { type: "string", "x-mcp-header": "Region" }, limit: { type: "integer", "x-mcp-header": "Limit" } }, required: ["region"] },
    method: "GET",
    url: `${upstream.url}/q`,
    query: { region: "{{input.region}}" },
    annotations: { readOnlyHint: true },
  });
});
afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

describe("both eras on one endpoint", () => {
  it("the v2 client pinned to 2026-07-28 lists and calls", async () => {
    const client = await connectV2(p.mcpUrl, p.key, { pin: MODERN });
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "region_query"]));
    expect(tools.find((t) => t.name === "echo")?.annotations).toMatchObject({ readOnlyHint: true, title: "Echo" });
    const result = await client.callTool({ name: "echo", arguments: { text: "modern" } });
    expect(result.isError).toBeFalsy();
    expect(JSON.stringify(result.content)).toContain("modern");
    // x-mcp-header: the SDK mirrors the marked argument; the gateway checks it and calls.
    const regional = await client.callTool({ name: "region_query", arguments: { region: "eu-west1", limit: 5 } });
    expect(regional.isError).toBeFalsy();
    expect(upstream.requests.at(-1)?.url).toBe("/q?region=eu-west1");
    await client.close();
  });

  it("the v2 client in auto mode picks 2026-07-28; the v1 client keeps 2025-11-25", async () => {
    const auto = await connectV2(p.mcpUrl, p.key, "auto");
    expect(auto.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect((await auto.callTool({ name: "echo", arguments: { text: "auto" } })).isError).toBeFalsy();
    await auto.close();
    const v1 = await connectClient(p.mcpUrl, p.key);
    expect(v1.getServerVersion()?.name).toBe("tengine");
    const { tools } = await v1.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(["echo", "region_query"]));
    const legacy = await v1.callTool({ name: "echo", arguments: { text: "legacy" } });
    expect(legacy.isError).toBeFalsy();
    expect(legacy).not.toHaveProperty("resultType");
    await v1.close();
  });
});

describe("the modern wire", () => {
  it("server/discover names every revision, the capabilities and the server", async () => {
    const res = await send(modern("server/discover"));
    expect(res.status).toBe(200);
    expect(res.json.result).toMatchObject({ resultType: "complete", supportedVersions: ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26"], capabilities: { tools: { listChanged: true } }, _meta: { "io.modelcontextprotocol/serverInfo": { name: "tengine" } }, cacheScope: "public" });
  });

  it("every result carries resultType; tools/list carries private cache hints", async () => {
    const list = await send(modern("tools/list"));
    expect(list.status).toBe(200);
    expect(list.json.result).toMatchObject({ resultType: "complete", cacheScope: "private", ttlMs: expect.any(Number) });
    const call = await send(modern("tools/call", { name: "echo", arguments: { text: "x" } }));
    expect(call.json.result.resultType).toBe("complete");
  });

  it("answers 400 HeaderMismatch when the headers disagree with the body or are missing", async () => {
    const cases: Array<[Record<string, string>, string]> = [
      [{ "mcp-method": "tools/list" }, "Mcp-Method"],
      [{ "mcp-name": "other" }, "Mcp-Name"],
      [{ "mcp-name": "=?base64?ZWNobw==?=" }, ""], // "echo" encoded: accepted
    ];
    for (const [headers, named] of cases) {
      const res = await send(modern("tools/call", { name: "echo", arguments: { text: "x" } }, headers));
      if (!named) {
        expect(res.status).toBe(200);
        continue;
      }
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe(-32020);
      expect(res.json.error.message).toContain(named);
    }
    const noName = modern("tools/call", { name: "echo", arguments: {} });
    delete noName.headers["mcp-name"];
    expect((await send(noName)).json.error).toMatchObject({ code: -32020, message: expect.stringContaining("Mcp-Name header is missing") });
    const bodyVersion = modern("tools/list");
    bodyVersion.body.params._meta["io.modelcontextprotocol/protocolVersion"] = "2025-11-25";
    expect((await send(bodyVersion)).status).toBe(400);
    // _meta is where a modern request declares itself: without it, or without the client's capabilities, 400 Invalid params.
    const noMeta = modern("tools/list");
    delete (noMeta.body.params as { _meta?: unknown })._meta;
    expect(await send(noMeta)).toMatchObject({ status: 400, json: { id: 7, error: { code: -32602 } } });
    const noCapabilities = modern("tools/list");
    delete noCapabilities.body.params._meta["io.modelcontextprotocol/clientCapabilities"];
    expect(await send(noCapabilities)).toMatchObject({ status: 400, json: { error: { code: -32602, message: expect.stringContaining("clientCapabilities") } } });
    // The version in _meta but no header: refused, not served as a 2025 request.
    const noHeader = modern("tools/list");
    delete noHeader.headers["mcp-protocol-version"];
    const res = await send(noHeader);
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe(-32020);
  });

  it("checks x-mcp-header arguments against their Mcp-Param headers", async () => {
    const call = (args: Record<string, unknown>, headers: Record<string, string>) => send(modern("tools/call", { name: "region_query", arguments: args }, headers));
    expect((await call({ region: "us-east1" }, { "mcp-param-region": "us-east1" })).status).toBe(200);
    expect((await call({ region: "us-east1", limit: 42 }, { "mcp-param-region": "us-east1", "mcp-param-limit": "42.0" })).status).toBe(200);
    const wrong = await call({ region: "us-east1" }, { "mcp-param-region": "eu-west1" });
    expect(wrong.status).toBe(400);
    expect(wrong.json.error).toMatchObject({ code: -32020, message: expect.stringContaining("Mcp-Param-Region") });
    const missing = await call({ region: "us-east1" }, {});
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toContain("Mcp-Param-Region header is missing");
    const encoded = await call({ region: "Zürich" }, { "mcp-param-region": `=?base64?${Buffer.from("Zürich").toString("base64")}?=` });
    expect(encoded.status).toBe(200);
    // Base64 that is not canonical (padding dropped) is refused, not guessed at.
    expect((await call({ region: "Hello" }, { "mcp-param-region": "=?base64?SGVsbG8?=" })).status).toBe(400);
  });

  it("answers 400 with the supported versions to an unknown version, 404 to an unknown method", async () => {
    const unknown = await send(modern("tools/list", {}, { "mcp-protocol-version": "2031-01-01" }));
    expect(unknown.status).toBe(400);
    expect(unknown.json.error).toMatchObject({ code: -32022, data: { requested: "2031-01-01", supported: expect.arrayContaining([MODERN, "2025-11-25"]) } });
    const missing = await send(modern("prompts/list"));
    expect(missing.status).toBe(404);
    expect(missing.json.error.code).toBe(-32601);
    const initialize = await send(modern("initialize"));
    expect(initialize.status).toBe(404);
  });

  it("serves the modern era on /mcp (the key's project) too", async () => {
    const client = await connectV2(`${world.base}/mcp`, p.key, { pin: MODERN });
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("echo");
    expect((await client.callTool({ name: "echo", arguments: { text: "root" } })).isError).toBeFalsy();
    await client.close();
  });

  it("answers GET and DELETE with 405", async () => {
    for (const method of ["GET", "DELETE"]) {
      const res = await fetch(p.mcpUrl, { method, headers: { authorization: `Bearer ${p.key}`, "mcp-protocol-version": MODERN } });
      expect(res.status).toBe(405);
      expect(res.headers.get("allow")).toBe("POST");
    }
  });

  it("pages tools/list in name order with an opaque cursor, and refuses a forged one", async () => {
    const many = await world.createProjectWithKey("Many tools");
    const names = Array.from({ length: 130 }, (_, i) => `t_${String(129 - i).padStart(3, "0")}`);
    for (const name of names) await world.addTool(many.project.id, { name, description: name, inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/x` });
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const res = await rpc(many.mcpUrl, modern("tools/list", cursor ? { cursor } : {}).body, { ...modern("tools/list").headers, authorization: `Bearer ${many.key}` });
      expect(res.status).toBe(200);
      seen.push(...res.json.result.tools.map((t: { name: string }) => t.name));
      cursor = res.json.result.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBeGreaterThan(1);
    expect(seen).toEqual([...seen].sort());
    expect(seen.filter((n) => n.startsWith("t_"))).toEqual([...names].sort());
    const forged = await send(modern("tools/list", { cursor: "not-a-cursor" }));
    expect(forged.json.error.code).toBe(-32602);
    // The v2 client follows the cursors itself.
    const client = await connectV2(many.mcpUrl, many.key, { pin: MODERN });
    let all: string[] = [];
    let next: string | undefined;
    do {
      const page = await client.listTools(next ? { cursor: next } : {});
      all = all.concat(page.tools.map((t) => t.name));
      next = page.nextCursor;
    } while (next);
    expect(all.filter((n) => n.startsWith("t_"))).toHaveLength(130);
    await client.close();
  });
});

describe("structured results", () => {
  it("lists a declared outputSchema and turns a non-conforming result into a tool error, in both eras", async () => {
    const s = await world.createProjectWithKey("Structured");
    const outputSchema = { type: "object", properties: { ok: { type: "boolean" }, path: { type: "string" } }, required: ["ok", "path"] };
    await world.addTool(s.project.id, { name: "shaped", description: "d", inputSchema: { type: "object" }, outputSchema, method: "GET", url: `${upstream.url}/shaped`, annotations: { readOnlyHint: true } });
    await world.addTool(s.project.id, { name: "misshapen", description: "d", inputSchema: { type: "object" }, outputSchema: { type: "object", properties: { count: { type: "integer" } }, required: ["count"] }, method: "GET", url: `${upstream.url}/misshapen`, annotations: { readOnlyHint: true } });
    const v2 = await connectV2(s.mcpUrl, s.key, { pin: MODERN });
    expect((await v2.listTools()).tools.find((t) => t.name === "shaped")?.outputSchema).toEqual(outputSchema);
    const good = await v2.callTool({ name: "shaped", arguments: {} });
    expect(good.isError).toBeFalsy();
    expect(good.structuredContent).toMatchObject({ ok: true, path: "/shaped" });
    const bad = await v2.callTool({ name: "misshapen", arguments: {} });
    expect(bad.isError).toBe(true);
    expect(JSON.stringify(bad.content)).toContain("does not match its outputSchema: (root) must have required property 'count'");
    await v2.close();
    const v1 = await connectClient(s.mcpUrl, s.key);
    const legacy = await v1.callTool({ name: "misshapen", arguments: {} });
    expect(legacy.isError).toBe(true);
    await v1.close();
  });
});

describe("subscriptions/listen", () => {
  it("delivers tools/list_changed after a tool is disabled, to a stream on another gateway process", async () => {
    const q = await world.createProjectWithKey("Listen");
    const tool = await world.addTool(q.project.id, { name: "soon_gone", description: "d", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/x` });
    const other = await startGatewayProcess(world.config);
    try {
      const client = await connectV2(other.mcpUrl(q.project.slug), q.key, { pin: MODERN });
      const changed = new Promise<void>((resolve) => client.setNotificationHandler("notifications/tools/list_changed", () => resolve()));
      const subscription = await client.listen({ toolsListChanged: true });
      expect(subscription.honoredFilter).toEqual({ toolsListChanged: true });
      expect((await client.listTools()).tools.map((t) => t.name)).toContain("soon_gone");
      // As the dashboard or the CLI does: in this process, straight to the database.
      await setToolEnabled(world.db, q.project.id, tool.id, false);
      await changed;
      expect((await client.listTools()).tools.map((t) => t.name)).not.toContain("soon_gone");
      await subscription.close();
      expect(await subscription.closed).toBe("local");
      await client.close();
    } finally {
      await other.stop();
    }
  }, 60_000);

  it("acknowledges the filter it honours, and caps the streams one credential holds", async () => {
    const listen = (signal: AbortSignal) => {
      const req = modern("subscriptions/listen", { notifications: { toolsListChanged: true, promptsListChanged: true } });
      return fetch(p.mcpUrl, { method: "POST", headers: { ...req.headers, "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify(req.body), signal });
    };
    const aborts: AbortController[] = [];
    try {
      const first = new AbortController();
      aborts.push(first);
      const res = await listen(first.signal);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream");
      const reader = res.body!.getReader();
      const { value } = await reader.read();
      const event = JSON.parse(new TextDecoder().decode(value).split("data: ")[1]!);
      expect(event).toMatchObject({ method: "notifications/subscriptions/acknowledged", params: { notifications: { toolsListChanged: true }, _meta: { "io.modelcontextprotocol/subscriptionId": 7 } } });
      expect(event.params.notifications).not.toHaveProperty("promptsListChanged");
      for (let i = 1; i < 16; i++) {
        const more = new AbortController();
        aborts.push(more);
        expect((await listen(more.signal)).status).toBe(200);
      }
      const refused = await listen(new AbortController().signal);
      expect(refused.status).toBe(429);
      expect(((await refused.json()) as { error: { message: string } }).error.message).toContain("at most 16");
    } finally {
      for (const a of aborts) a.abort();
    }
    // Closed streams are released: a new one is accepted again.
    await new Promise((r) => setTimeout(r, 200));
    const again = new AbortController();
    expect((await listen(again.signal)).status).toBe(200);
    again.abort();
  });
});
