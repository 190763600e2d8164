import http from "node:http";
import type { AddressInfo } from "node:net";
import { addMcpServer, createApiKey, decideApproval, executeApprovedRun, getRun, type McpAdminDeps, removeMcpServer, setApiKeyToolsets, setApprovalPolicy, setMcpToolSetting, type ToolCallDeps } from "@tengine/core";
import { verifyRequest } from "@tengine/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDeps, federatedWorkerDeps, startEverythingHttp, startRecordingProxy, testFederation } from "./federation-helpers.ts";
import { connectClient, rpc, startWorld } from "./harness.ts";

// External MCP servers over Streamable HTTP: the real @modelcontextprotocol/server-everything
// from npm, behind the gateway, reached with the MCP SDK client. A recording proxy in front of
// it shows what the gateway sends upstream (identity headers, signature, _meta).

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;
let proxy: { url: string; requests: Array<{ headers: http.IncomingHttpHeaders; body: string; url: string }>; close(): Promise<void> };
let admin: McpAdminDeps & { close(): Promise<void> };
let worker: ToolCallDeps & { close(): Promise<void> };
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
const federation = testFederation("/nonexistent");

beforeAll(async () => {
  everything = await startEverythingHttp();
  proxy = await startRecordingProxy(new URL(everything.url).origin);
  world = await startWorld("fed_http", { federation, approvalWaitMs: 5_000 });
  admin = adminDeps(world, federation);
  worker = federatedWorkerDeps(world, federation);
  p = await world.createProjectWithKey("Federation HTTP");
  const added = await addMcpServer(admin, p.project.id, { name: "everything", url: proxy.url, headers: { "x-team": "support" }, credentials: { token: "fed-secret-token-123" } });
  expect(added).toMatchObject({ name: "everything", transport: "http", status: "ok", lastError: null });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await admin?.close();
  await world?.close();
  await proxy?.close();
  await everything?.kill();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const toolCalls = () => proxy.requests.filter((r) => r.body.includes('"tools/call"'));

describe("an http MCP server behind the gateway", () => {
  it("lists the server's tools as <server>_<tool> with their schemas and annotations", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const { tools } = await client.listTools();
    await client.close();
    const echo = tools.find((t) => t.name === "everything_echo");
    expect(echo).toBeDefined();
    expect(echo!.inputSchema).toMatchObject({ type: "object", properties: { message: { type: "string" } } });
    expect(echo!.annotations).toMatchObject({ readOnlyHint: false });
    expect(tools.find((t) => t.name === "everything_get-sum")).toBeDefined();
    // The upstream says get-env is read-only; until an admin agrees, it is a write like every federated tool.
    expect(tools.find((t) => t.name === "everything_get-env")!.annotations).toMatchObject({ readOnlyHint: false });
  });

  it("calls through the gateway: the right result, a run naming the server, identity and signature upstream", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = toolCalls().length;
    const result: any = await client.callTool({ name: "everything_get-sum", arguments: { a: 2, b: 40 } });
    await client.close();
    expect(result.isError).toBeFalsy();
    expect(text(result)).toContain("42");
    const runId = result._meta["tengine/runId"];
    const run = await getRun(world.db, p.project.id, runId);
    expect(run).toMatchObject({ status: "succeeded", toolName: "everything_get-sum" });
    expect(run!.request).toMatchObject({ method: "tools/call", mcpServer: "everything", url: proxy.url });
    expect(JSON.stringify(run)).not.toContain("fed-secret-token-123");

    const sent = toolCalls().slice(before);
    expect(sent).toHaveLength(1);
    const { headers, body } = sent[0]!;
    expect(headers.authorization).toBe("Bearer fed-secret-token-123");
    expect(headers["x-team"]).toBe("support");
    expect(headers["x-tengine-run-id"]).toBe(runId);
    expect(headers["x-tengine-principal"]).toBe("api_key");
    expect(headers["idempotency-key"]).toBe(runId);
    const message = JSON.parse(body);
    expect(message.params.name).toBe("get-sum");
    expect(message.params._meta["tengine/principal"]).toMatchObject({ kind: "api_key", keyId: p.keyId, projectId: p.project.id });
    // RFC 9421: the request verifies with the project's signing secret.
    const verified = await verifyRequest(new Request(proxy.url, { method: "POST", headers: headers as Record<string, string>, body }), { secrets: { [p.signing.keyid]: p.signing.secret } });
    expect(verified.ok).toBe(true);
    if (verified.ok) expect(verified.identity).toMatchObject({ runId, projectId: p.project.id, principal: "api_key" });
  });

  it("sends an explicit idempotency key upstream and replays the second call", async () => {
    const client = await connectClient(p.mcpUrl, p.key, { "idempotency-key": "fed-key-0001" });
    const before = toolCalls().length;
    const first: any = await client.callTool({ name: "everything_echo", arguments: { message: "once" } });
    const second: any = await client.callTool({ name: "everything_echo", arguments: { message: "once" } });
    await client.close();
    expect(text(first)).toContain("Echo: once");
    expect(second._meta["tengine/deduplicated"]).toBe(true);
    const sent = toolCalls().slice(before);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!.body).params._meta["tengine/idempotencyKey"]).toBe(sent[0]!.headers["idempotency-key"]);
  });

  it("a key with only <server>:read neither sees nor calls a write tool; read-only tools need :read", async () => {
    const limited = await createApiKey(world.db, p.project.id, { name: "reader", scopes: ["everything:read"] });
    const client = await connectClient(p.mcpUrl, limited.key);
    expect((await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith("everything_"))).toEqual([]);
    await client.close();
    const denied = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "everything_echo", arguments: { message: "x" } } }, { authorization: `Bearer ${limited.key}` });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toContain("everything:write");

    await setMcpToolSetting(world.db, p.project.id, "everything", "get-env", { readOnly: true });
    const again = await connectClient(p.mcpUrl, limited.key);
    expect((await again.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith("everything_"))).toEqual(["everything_get-env"]);
    await again.close();
  });

  it("a server activated on request is listed and callable only for keys whose toolsets name it", async () => {
    await addMcpServer(admin, p.project.id, { name: "support", url: everything.url, activation: "requested" });
    const agent = await createApiKey(world.db, p.project.id, { name: "support agent" });
    await setApiKeyToolsets(world.db, p.project.id, agent.id, ["support"]);
    const names = async (key: string) => {
      const client = await connectClient(p.mcpUrl, key);
      const listed = (await client.listTools()).tools.map((t) => t.name);
      await client.close();
      return listed;
    };
    expect(await names(p.key)).not.toContain("support_echo");
    expect(await names(agent.key)).toContain("support_echo");
    const refused = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "support_echo", arguments: { message: "x" } } }, { authorization: `Bearer ${p.key}` });
    expect(refused.json.error.message).toBe("Unknown tool: support_echo");
    const client = await connectClient(p.mcpUrl, agent.key);
    expect(text(await client.callTool({ name: "support_echo", arguments: { message: "for support" } }))).toContain("Echo: for support");
    await client.close();
    await expect(setApiKeyToolsets(world.db, p.project.id, agent.id, ["Not A Server"])).rejects.toThrow(/toolsets are MCP server names/);
    await removeMcpServer(world.db, p.project.id, "support");
  });

  it("an approval-required federated call waits, is approved, and is sent once by the worker", async () => {
    await setApprovalPolicy(world.db, { projectId: p.project.id, policy: "non_read_only", role: "admin", actor: { userId: "usr_admin", email: "admin@example.com" } });
    try {
      const client = await connectClient(p.mcpUrl, p.key);
      const before = toolCalls().length;
      const call = client.callTool({ name: "everything_echo", arguments: { message: "approved" } });
      let approval;
      for (let i = 0; i < 100 && !approval; i++) {
        approval = await world.db.approval.findFirst({ where: { projectId: p.project.id, toolName: "everything_echo", status: "pending" } });
        if (!approval) await new Promise((r) => setTimeout(r, 50));
      }
      expect(approval).toBeTruthy();
      expect(toolCalls().length).toBe(before);
      await decideApproval(world.db, { projectId: p.project.id, approvalId: approval!.id, actor: { userId: "usr_approver", email: "a@example.com" }, role: "member", decision: "approve" });
      expect(await executeApprovedRun(worker, approval!.id)).toEqual({ executed: true, runId: approval!.runId });
      const result: any = await call;
      await client.close();
      expect(text(result)).toContain("Echo: approved");
      expect(toolCalls().length).toBe(before + 1);
      expect(await getRun(world.db, p.project.id, approval!.runId)).toMatchObject({ status: "succeeded" });
    } finally {
      await setApprovalPolicy(world.db, { projectId: p.project.id, policy: "none", role: "admin", actor: { userId: "usr_admin", email: "admin@example.com" } });
    }
  });

  it("passes images, resources, resource links and structuredContent through; the run keeps no bytes", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const image: any = await client.callTool({ name: "everything_get-tiny-image", arguments: {} });
    const png = image.content.find((c: any) => c.type === "image");
    expect(png).toMatchObject({ type: "image", mimeType: "image/png" });
    expect(Buffer.from(png.data, "base64").subarray(1, 4).toString()).toBe("PNG");
    expect(image.content.map((c: any) => c.type)).toEqual(["text", "image", "text"]);
    const imageRun = await getRun(world.db, p.project.id, image._meta["tengine/runId"]);
    const recorded = (imageRun!.response as any).body as string;
    expect(recorded).not.toContain(png.data.slice(0, 40));
    expect(recorded).toMatch(/image \(image\/png, \d+ bytes\)/);

    const textResource: any = await client.callTool({ name: "everything_get-resource-reference", arguments: { resourceType: "Text", resourceId: 2 } });
    expect(textResource.content.find((c: any) => c.type === "resource").resource).toMatchObject({ uri: expect.stringContaining("2"), mimeType: "text/plain", text: expect.stringContaining("Resource 2") });
    const blobResource: any = await client.callTool({ name: "everything_get-resource-reference", arguments: { resourceType: "Blob", resourceId: 3 } });
    const blob = blobResource.content.find((c: any) => c.type === "resource").resource;
    expect(Buffer.from(blob.blob, "base64").toString()).toContain("Resource 3: This is a base64 blob");
    const blobRun = await getRun(world.db, p.project.id, blobResource._meta["tengine/runId"]);
    expect((blobRun!.response as any).body).not.toContain(blob.blob);
    expect((blobRun!.response as any).body).toContain(`resource ${blob.uri}`);

    const links: any = await client.callTool({ name: "everything_get-resource-links", arguments: { count: 2 } });
    expect(links.content.filter((c: any) => c.type === "resource_link")).toHaveLength(2);
    expect(links.content.find((c: any) => c.type === "resource_link")).toMatchObject({ uri: expect.any(String), name: expect.stringContaining("Resource 1") });

    const weather: any = await client.callTool({ name: "everything_get-structured-content", arguments: { location: "Chicago" } });
    expect(weather.structuredContent).toEqual({ temperature: 36, conditions: "Light rain / drizzle", humidity: 82 });
    await client.close();

    // A client on 2025-03-26 has no resource_link type: it gets the link as JSON text.
    const old = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 7, method: "tools/call", params: { name: "everything_get-resource-links", arguments: { count: 1 } } }, { authorization: `Bearer ${p.key}`, "mcp-protocol-version": "2025-03-26" });
    const oldContent = old.json.result.content as any[];
    expect(oldContent.every((c) => c.type === "text")).toBe(true);
    expect(JSON.parse(oldContent[1].text)).toMatchObject({ type: "resource_link", name: expect.stringContaining("Resource 1") });
  });

  it("a server killed mid-test gives a clear tool error, the list stays (stale), and the next call recovers", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    expect(text(await client.callTool({ name: "everything_echo", arguments: { message: "before" } }))).toContain("Echo: before");
    await everything.kill();
    const failed: any = await client.callTool({ name: "everything_echo", arguments: { message: "down" } });
    expect(failed.isError).toBe(true);
    expect(text(failed)).toContain("MCP server everything");
    expect(text(failed)).not.toContain("fed-secret-token-123");
    const listed = await client.listTools();
    const echo = listed.tools.find((t) => t.name === "everything_echo");
    expect(echo?._meta).toMatchObject({ "tengine/stale": true });
    expect(await getRun(world.db, p.project.id, failed._meta["tengine/runId"])).toMatchObject({ status: "failed" });

    await everything.start();
    const back: any = await client.callTool({ name: "everything_echo", arguments: { message: "after" } });
    await client.close();
    expect(back.isError).toBeFalsy();
    expect(text(back)).toContain("Echo: after");
  });

  it("refuses bad input with a clear message: duplicate names, SSE-only servers, refused URLs", async () => {
    await expect(addMcpServer(admin, p.project.id, { name: "everything", url: proxy.url })).rejects.toThrow(/already exists/);
    await expect(addMcpServer(admin, p.project.id, { name: "Bad Name", url: proxy.url })).rejects.toThrow(/lower-case/);
    await expect(addMcpServer(admin, p.project.id, { name: "local", url: "file:///etc/passwd" })).rejects.toThrow(/refused/);
    await expect(addMcpServer(admin, p.project.id, { name: "cmd", catalog: "rm-rf" })).rejects.toThrow(/catalog entry rm-rf does not exist/);
    await expect(setMcpToolSetting(world.db, p.project.id, "everything", "echo", { requiredScopes: ["everything"] })).rejects.toThrow(/requiredScopes: each scope is resource:read or resource:write \(got "everything"\)/);
    await expect(setMcpToolSetting(world.db, p.project.id, "everything", "echo", { name: "has space" })).rejects.toThrow(/name: 1 to 64 letters/);
    // An HTTP+SSE-only server (everything's `sse` mode) is refused with a message that says so.
    const sseOnly = http.createServer((req, res) => {
      if (req.method === "GET") res.writeHead(200, { "content-type": "text/event-stream" }).write("event: endpoint\ndata: /messages\n\n");
      else res.writeHead(405).end();
    });
    await new Promise<void>((r) => sseOnly.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(sseOnly.address() as AddressInfo).port}/sse`;
    const added = await addMcpServer(admin, p.project.id, { name: "legacy", url });
    sseOnly.closeAllConnections();
    sseOnly.close();
    expect(added.status).toBe("error");
    expect(added.lastError).toMatch(/deprecated HTTP\+SSE transport/);
    await removeMcpServer(world.db, p.project.id, "legacy");
  });

  it("two gateway processes both see a server added through one", async () => {
    const replica = await world.startReplica();
    const q = await world.createProjectWithKey("Federation replicas");
    const onPrimary = await connectClient(q.mcpUrl, q.key);
    const onReplica = await connectClient(replica.mcpUrl(q.project.slug), q.key);
    expect((await onReplica.listTools()).tools.some((t) => t.name.startsWith("docs_"))).toBe(false);
    await addMcpServer(admin, q.project.id, { name: "docs", url: everything.url });
    for (const client of [onPrimary, onReplica]) {
      expect((await client.listTools()).tools.some((t) => t.name === "docs_echo")).toBe(true);
      expect(text(await client.callTool({ name: "docs_echo", arguments: { message: "both" } }))).toContain("Echo: both");
    }
    await removeMcpServer(world.db, q.project.id, "docs");
    for (const client of [onPrimary, onReplica]) expect((await client.listTools()).tools.some((t) => t.name === "docs_echo")).toBe(false);
    await onPrimary.close();
    await onReplica.close();
  });
});
