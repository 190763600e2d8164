import { listRuns } from "@tengine/core";
import { verifyRequest } from "@tengine/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, startUpstream, startWorld } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
type Upstream = Awaited<ReturnType<typeof startUpstream>>;
let world: World;
let upstream: Upstream;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;

beforeAll(async () => {
  world = await startWorld("toolcall");
  upstream = await startUpstream();
  p = await world.createProjectWithKey("Tool calls");
  await world.addTool(p.project.id, {
    name: "get_item",
    description: "Gets an item by id",
    inputSchema: { type: "object", properties: { id: { type: "string" } }, required: ["id"] },
    method: "GET",
    url: `${upstream.url}/items/{{input.id}}`,
    annotations: { readOnlyHint: true },
  });
  await world.addTool(p.project.id, {
    name: "create_item",
    description: "Creates an item",
    inputSchema: {
      type: "object",
      properties: { name: { type: "string", minLength: 1 }, price: { type: "number" }, tags: { type: "array", items: { type: "string" } }, meta: { type: "object" } },
      required: ["name", "price"],
      additionalProperties: false,
    },
    method: "POST",
    url: `${upstream.url}/items`,
    query: { source: "{{project.id}}" },
    body: { name: "{{input.name}}", price: "{{input.price}}", tags: "{{input.tags}}", meta: "{{input.meta}}", label: "item {{input.name}} at {{input.price}}" },
    auth: { type: "hmac" },
    idempotencyWindowSec: 60,
  });
  await world.addTool(p.project.id, {
    name: "create_signed",
    description: "Creates an item, signed",
    inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    method: "POST",
    url: `${upstream.url}/signed`,
    body: { name: "{{input.name}}" },
    auth: { type: "hmac" },
  });
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const requestsTo = (path: string) => upstream.requests.filter((r) => r.url.split("?")[0] === path);

describe("tools/list", () => {
  it("lists the project's enabled tools plus the built-ins", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["create_item", "create_signed", "get_item", "mcp_whoami", "tengine_run_status"]);
    const getItem = tools.find((t) => t.name === "get_item")!;
    expect(getItem.inputSchema).toMatchObject({ type: "object", required: ["id"] });
    expect(getItem.annotations?.readOnlyHint).toBe(true);
    await client.close();
  });
});

describe("tools/call", () => {
  it("keeps a path value such as a/../b?x#y inside one segment", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = upstream.requests.length;
    const result: any = await client.callTool({ name: "get_item", arguments: { id: "a/../b?x#y" } });
    expect(result.isError).toBeFalsy();
    const sent = upstream.requests[before]!;
    expect(sent.url).toBe("/items/a%2F..%2Fb%3Fx%23y");
    expect(result.structuredContent).toMatchObject({ ok: true, path: "/items/a%2F..%2Fb%3Fx%23y" });
    expect(result._meta["tengine/runId"]).toMatch(/^run_/);
    await client.close();
  });

  it("sends a number as a number and an object as an object in the JSON body", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: "create_item", arguments: { name: "Lamp", price: 19.5, tags: ["a", "b"], meta: { color: "red", size: 3 } } });
    expect(result.isError, text(result)).toBeFalsy();
    const body = JSON.parse(requestsTo("/items").at(-1)!.body.toString());
    expect(body).toEqual({ name: "Lamp", price: 19.5, tags: ["a", "b"], meta: { color: "red", size: 3 }, label: "item Lamp at 19.5" });
    expect(typeof body.price).toBe("number");
    await client.close();
  });

  it("turns a schema violation into a tool error naming each problem, and sends nothing", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = upstream.requests.length;
    const result: any = await client.callTool({ name: "create_item", arguments: { name: "", price: "cheap", extra: 1 } });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("Invalid arguments for tool create_item");
    expect(text(result)).toContain("/price must be number");
    expect(text(result)).toContain("/name must NOT have fewer than 1 characters");
    expect(text(result)).toContain("must not have property 'extra'");
    expect(upstream.requests.length).toBe(before);
    const runs = await listRuns(world.db, p.project.id, { toolName: "create_item", status: "failed" });
    expect(runs.runs[0]!.error).toContain("/price must be number");
    await client.close();
  });

  it("reports an unknown tool as a protocol error whose message names the code once", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const error = await client.callTool({ name: "nope", arguments: {} }).then(() => null, (e: Error & { code?: number }) => e);
    // The client SDK adds "MCP error <code>: " itself; the gateway's message must not carry it too.
    expect(error?.code).toBe(-32602);
    expect(error?.message).toBe("MCP error -32602: Unknown tool: nope");
    await client.close();
  });

  it("signs the request so the SDK verifies it, with identity headers, and tampering fails", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: "create_signed", arguments: { name: "signed" } });
    expect(result.isError, text(result)).toBeFalsy();
    const sent = requestsTo("/signed").at(-1)!;
    const runId = result._meta["tengine/runId"];
    expect(sent.headers["x-tengine-run-id"]).toBe(runId);
    expect(sent.headers["x-tengine-project-id"]).toBe(p.project.id);
    expect(sent.headers["x-tengine-principal"]).toBe("api_key");
    expect(sent.headers["idempotency-key"]).toBeTruthy();
    expect(String(sent.headers["signature-input"])).toContain(`keyid="${p.signing.keyid}"`);
    const toRequest = (override: Partial<{ url: string; body: Buffer; headers: Record<string, string> }> = {}) =>
      new Request(`${upstream.url}${override.url ?? sent.url}`, {
        method: sent.method,
        headers: { ...(sent.headers as Record<string, string>), ...override.headers },
        body: override.body ?? sent.body,
      });
    const secrets = { [p.signing.keyid]: p.signing.secret };
    const verified = await verifyRequest(toRequest(), { secrets });
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.identity).toMatchObject({ runId, projectId: p.project.id, principal: "api_key" });
    for (const tampered of [toRequest({ body: Buffer.from('{"name":"evil"}') }), toRequest({ url: "/other" }), toRequest({ headers: { "x-tengine-run-id": "run_forged" } })]) {
      expect((await verifyRequest(tampered, { secrets })).ok).toBe(false);
    }
    await client.close();
  });
});

describe("idempotency", () => {
  it("the same Idempotency-Key twice reaches the upstream once and replays the result", async () => {
    const client = await connectClient(p.mcpUrl, p.key, { "idempotency-key": "order-1" });
    const before = requestsTo("/items").length;
    const first: any = await client.callTool({ name: "create_item", arguments: { name: "Once", price: 1 } });
    const second: any = await client.callTool({ name: "create_item", arguments: { name: "Once", price: 1 } });
    expect(requestsTo("/items").length - before).toBe(1);
    expect(second.structuredContent).toEqual(first.structuredContent);
    expect(second._meta["tengine/deduplicated"]).toBe(true);
    expect(second._meta["tengine/originalRunId"]).toBe(first._meta["tengine/runId"]);
    const dedup = await listRuns(world.db, p.project.id, { status: "deduplicated" });
    expect(dedup.runs.some((r) => r.originalRunId === first._meta["tengine/runId"] && r.dedupeSource === "header")).toBe(true);
    await client.close();
  });

  it("20 concurrent calls with one key reach the upstream once and all get the result", async () => {
    const slow = await startUpstream(async (req, res) => {
      await new Promise((r) => setTimeout(r, 300));
      res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ created: JSON.parse(req.body.toString()) }));
    });
    await world.addTool(p.project.id, {
      name: "slow_create",
      description: "slow write",
      inputSchema: { type: "object", properties: { n: { type: "number" } } },
      method: "POST",
      url: `${slow.url}/things`,
      body: { n: "{{input.n}}" },
    });
    const clients = await Promise.all(Array.from({ length: 20 }, () => connectClient(p.mcpUrl, p.key)));
    const results: any[] = await Promise.all(
      clients.map((c) => c.callTool({ name: "slow_create", arguments: { n: 7 }, _meta: { "tengine/idempotencyKey": "burst-1" } })),
    );
    expect(slow.requests.length).toBe(1);
    for (const r of results) expect(r.structuredContent).toEqual({ created: { n: 7 } });
    expect(results.filter((r) => r._meta["tengine/deduplicated"]).length).toBe(19);
    await Promise.all(clients.map((c) => c.close()));
    await slow.close();
  });

  it("refuses an explicit key reused with different arguments, sending nothing", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = requestsTo("/items").length;
    await client.callTool({ name: "create_item", arguments: { name: "A", price: 1 }, _meta: { "tengine/idempotencyKey": "k-mismatch" } });
    const again: any = await client.callTool({ name: "create_item", arguments: { name: "B", price: 2 }, _meta: { "tengine/idempotencyKey": "k-mismatch" } });
    expect(again.isError).toBe(true);
    expect(text(again)).toContain("already used with different arguments");
    expect(requestsTo("/items").length - before).toBe(1);
    await client.close();
  });

  it("dedupes identical writes inside the window by a derived key, but not reads", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = requestsTo("/items").length;
    await client.callTool({ name: "create_item", arguments: { price: 5, name: "Derived" } });
    const second: any = await client.callTool({ name: "create_item", arguments: { name: "Derived", price: 5 } });
    expect(requestsTo("/items").length - before).toBe(1);
    expect(second._meta["tengine/deduplicated"]).toBe(true);
    const reads = upstream.requests.length;
    await client.callTool({ name: "get_item", arguments: { id: "same" } });
    await client.callTool({ name: "get_item", arguments: { id: "same" } });
    expect(upstream.requests.length - reads).toBe(2);
    await client.close();
  });

  it("keys are never shared across principals", async () => {
    const other = await world.db.apiKey.findFirst({ where: { projectId: p.project.id } });
    expect(other).toBeTruthy();
    const { createApiKey } = await import("@tengine/core");
    const second = await createApiKey(world.db, p.project.id, { name: "second" });
    const a = await connectClient(p.mcpUrl, p.key, { "idempotency-key": "shared-name" });
    const b = await connectClient(p.mcpUrl, second.key, { "idempotency-key": "shared-name" });
    const before = requestsTo("/items").length;
    await a.callTool({ name: "create_item", arguments: { name: "P", price: 1 } });
    const rb: any = await b.callTool({ name: "create_item", arguments: { name: "P", price: 1 } });
    expect(rb._meta["tengine/deduplicated"]).toBeUndefined();
    expect(requestsTo("/items").length - before).toBe(2);
    await a.close();
    await b.close();
  });
});

describe("retries", () => {
  it("retries 503 and network errors with the same Idempotency-Key, recording attempts", async () => {
    const flaky = await startUpstream((req, res, n) => {
      if (n === 1) return void res.writeHead(503, { "retry-after": "0" }).end("busy");
      if (n === 2) return void res.socket?.destroy();
      res.writeHead(200, { "content-type": "application/json" }).end('{"done":true}');
    });
    await world.addTool(p.project.id, { name: "flaky_write", description: "flaky", inputSchema: { type: "object" }, method: "POST", url: `${flaky.url}/w`, body: { a: 1 }, auth: { type: "hmac" } });
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: "flaky_write", arguments: {} });
    expect(result.isError, text(result)).toBeFalsy();
    expect(flaky.requests.length).toBe(3);
    const keys = new Set(flaky.requests.map((r) => r.headers["idempotency-key"]));
    expect(keys.size).toBe(1);
    // a fresh signature (nonce) per attempt, so a verifier's replay check accepts the retry
    expect(new Set(flaky.requests.map((r) => r.headers.signature)).size).toBe(3);
    const runs = await listRuns(world.db, p.project.id, { toolName: "flaky_write" });
    expect(runs.runs[0]).toMatchObject({ status: "succeeded", attempts: 3, httpStatus: 200 });
    await client.close();
    await flaky.close();
  });

  it("maps a non-2xx answer to a tool error with the status and a body excerpt", async () => {
    const failing = await startUpstream((_req, res) => void res.writeHead(404, { "content-type": "application/json" }).end('{"error":"no such item"}'));
    await world.addTool(p.project.id, { name: "missing", description: "404", inputSchema: { type: "object" }, method: "GET", url: `${failing.url}/x`, annotations: { readOnlyHint: true } });
    const client = await connectClient(p.mcpUrl, p.key);
    const result: any = await client.callTool({ name: "missing", arguments: {} });
    expect(result.isError).toBe(true);
    expect(text(result)).toContain("404");
    expect(text(result)).toContain("no such item");
    await client.close();
    await failing.close();
  });
});

describe("runs", () => {
  it("records every call with principal, timings and the redacted request", async () => {
    const page = await listRuns(world.db, p.project.id, { limit: 200 });
    expect(page.runs.length).toBeGreaterThan(10);
    const ok = page.runs.find((r) => r.toolName === "create_signed" && r.status === "succeeded")!;
    expect(ok).toMatchObject({ principalKind: "api_key", apiKeyId: p.keyId, httpStatus: 200, attempts: 1 });
    expect(ok.gatewayMs).toBeGreaterThanOrEqual(0);
    expect(ok.upstreamMs).toBeGreaterThanOrEqual(0);
    const full = await world.db.run.findUnique({ where: { id: ok.id } });
    expect(full!.request).toMatchObject({ method: "POST", url: `${upstream.url}/signed`, signedWith: p.signing.keyid });
    expect((full!.response as any).status).toBe(200);
  });
});
