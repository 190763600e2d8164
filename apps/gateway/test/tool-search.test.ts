import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { applyOpenApiImport, createApiKey, decideApproval, executeApprovedRun, getRun, planOpenApiImport, setToolDiscovery, type ToolCallDeps } from "@tengine/core";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, rpc, startUpstream, startWorkerDeps, startWorld } from "./harness.ts";

// Search, describe and call for a project with GitHub's whole REST description imported
// (~1,200 tools), through the real MCP SDK client, a real upstream and the real database.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let limitedKey: string;
let worker: ToolCallDeps & { close(): Promise<void> };
let toolCount = 0;
const actor = { userId: "usr_admin", email: "admin@example.com" };

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const bump = () => world.db.project.update({ where: { id: p.project.id }, data: { configVersion: { increment: 1 } } });

beforeAll(async () => {
  world = await startWorld("tool_search", { approvalWaitMs: 5_000 });
  upstream = await startUpstream();
  p = await world.createProjectWithKey("GitHub");
  const file = path.join(path.dirname(createRequire(import.meta.url).resolve("@octokit/openapi/package.json")), "generated/api.github.com.json");
  const plan = await planOpenApiImport(world.db, p.project.id, { document: readFileSync(file, "utf8"), sourceKind: "file", baseUrl: upstream.url });
  await applyOpenApiImport(world.db, world.secretBox, p.project.id, plan, { actor, sourceKind: "file" });
  toolCount = await world.db.tool.count({ where: { projectId: p.project.id } });
  // Issues need a scope; a key with only pulls:read must never learn of them.
  await world.db.tool.updateMany({ where: { projectId: p.project.id, tags: { has: "issues" } }, data: { requiredScopes: ["issues:write"] } });
  await world.db.tool.update({ where: { projectId_name: { projectId: p.project.id, name: "lock_an_issue" } }, data: { requiresApproval: true } });
  await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "search", pinnedTools: ["get_a_repository"] });
  limitedKey = (await createApiKey(world.db, p.project.id, { name: "pulls only", scopes: ["pulls:read"] })).key;
  worker = startWorkerDeps(world);
}, 240_000);

afterAll(async () => {
  await worker?.close();
  await world?.close();
  await upstream?.close();
});

describe("search mode", () => {
  it("tools/list is the pinned tools and the built-ins: a small fraction of the full list", async () => {
    expect(toolCount).toBeGreaterThan(1000);
    // The import recorded each operation's tags: the first is the tool's family.
    expect(await world.db.tool.count({ where: { projectId: p.project.id, tags: { has: "issues" } } })).toBeGreaterThan(50);
    expect(await world.db.tool.findUniqueOrThrow({ where: { projectId_name: { projectId: p.project.id, name: "merge_a_pull_request" } } })).toMatchObject({ tags: ["pulls"], requiredScopes: [] });
    const client = await connectClient(p.mcpUrl, p.key);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["get_a_repository", "mcp_whoami", "tengine_call_tool", "tengine_describe_tools", "tengine_run_status", "tengine_search_tools"]);

    await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "list" });
    const full = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${p.key}`, "mcp-protocol-version": "2025-06-18" });
    await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "search" });
    const small = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${p.key}`, "mcp-protocol-version": "2025-06-18" });
    expect(full.json.result.tools.length).toBe(toolCount + 2);
    expect(small.text.length).toBeLessThan(full.text.length * 0.02);
    await client.close();
  });

  it("finds the expected tools for plain-words tasks", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const cases: Array<[string, string]> = [
      ["close an issue on a repository", "update_an_issue"],
      ["merge a pull request", "merge_a_pull_request"],
      ["list the branches of a repo", "list_branches"],
      ["star a repository", "star_a_repository_for_the_authenticated_user"],
    ];
    for (const [query, expected] of cases) {
      const result: any = await client.callTool({ name: "tengine_search_tools", arguments: { query } });
      expect(result.isError).toBeFalsy();
      const names = result.structuredContent.results.map((r: any) => r.name);
      expect(names.slice(0, 5), query).toContain(expected);
    }
    const hit: any = await client.callTool({ name: "tengine_search_tools", arguments: { query: "merge a pull request", limit: 3 } });
    expect(hit.structuredContent.results).toHaveLength(3);
    expect(hit.structuredContent.results.find((r: any) => r.name === "merge_a_pull_request")).toMatchObject({ family: "pulls", readOnly: false, requiredScopes: [] });
    // The family filter keeps to one family.
    const family: any = await client.callTool({ name: "tengine_search_tools", arguments: { query: "list", family: "pulls", limit: 20 } });
    expect(family.structuredContent.results.length).toBeGreaterThan(3);
    expect(family.structuredContent.results.every((r: any) => r.family === "pulls")).toBe(true);
    await client.close();
  });

  it("bad search arguments are a tool error naming the problem", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const empty: any = await client.callTool({ name: "tengine_search_tools", arguments: { query: "  " } });
    expect(empty.isError).toBe(true);
    expect(text(empty)).toContain("query must not be empty");
    const limit: any = await client.callTool({ name: "tengine_search_tools", arguments: { query: "issues", limit: 500 } });
    expect(limit.isError).toBe(true);
    expect(text(limit)).toContain("limit is at most 50");
    const names: any = await client.callTool({ name: "tengine_describe_tools", arguments: { names: "get_a_repository" } });
    expect(names.isError).toBe(true);
    expect(text(names)).toContain("names must be a list of tool names");
    await client.close();
  });

  it("describe returns the full definitions with input schemas that compile as JSON Schema 2020-12", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const wanted = ["create_a_pull_request", "update_an_issue", "get_a_repository", "no_such_tool"];
    const result: any = await client.callTool({ name: "tengine_describe_tools", arguments: { names: wanted } });
    expect(result.isError).toBeFalsy();
    const { tools, notFound } = result.structuredContent;
    expect(tools.map((t: any) => t.name)).toEqual(["create_a_pull_request", "update_an_issue", "get_a_repository"]);
    expect(notFound).toEqual(["no_such_tool"]);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      const validate = ajv.compile(tool.inputSchema);
      expect(validate({})).toBe(false); // every one of these needs its path parameters
    }
    expect(tools[0]).toMatchObject({ family: "pulls", requiredScopes: [], requiresApproval: false, readOnly: false });
    expect(tools[2]).toMatchObject({ readOnly: true, annotations: { readOnlyHint: true } });
    await client.close();
  });

  it("tengine_call_tool runs the real tool: its upstream request, its run under its own name", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const before = upstream.requests.length;
    const result: any = await client.callTool({ name: "tengine_call_tool", arguments: { name: "get_a_repository", arguments: { pathParams: { owner: "octo", repo: "hello" } } } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ ok: true, method: "GET", path: "/repos/octo/hello" });
    expect(upstream.requests.length).toBe(before + 1);
    const run = await getRun(world.db, p.project.id, result._meta["tengine/runId"]);
    expect(run).toMatchObject({ toolName: "get_a_repository", status: "succeeded", httpStatus: 200, arguments: { pathParams: { owner: "octo", repo: "hello" } } });
    const builtinRuns = await world.db.run.count({ where: { projectId: p.project.id, toolName: { startsWith: "tengine_" } } });
    expect(builtinRuns).toBe(0);

    // The tool's own validation answers bad arguments, as for a direct call.
    const bad: any = await client.callTool({ name: "tengine_call_tool", arguments: { name: "get_a_repository", arguments: { pathParams: { owner: "octo" } } } });
    expect(bad.isError).toBe(true);
    expect(text(bad)).toMatch(/repo/);
    // An unknown tool is the same JSON-RPC error as a direct call of it.
    await expect(client.callTool({ name: "tengine_call_tool", arguments: { name: "no_such_tool", arguments: {} } })).rejects.toThrow(/Unknown tool: no_such_tool/);
    const self: any = await client.callTool({ name: "tengine_call_tool", arguments: { name: "tengine_search_tools", arguments: { query: "x" } } });
    expect(self.isError).toBe(true);
    expect(text(self)).toContain("call tengine_search_tools directly");
    await client.close();
  });

  it("idempotency holds through tengine_call_tool: the same key is sent upstream once", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const hits = () => upstream.requests.filter((r) => r.method === "POST" && r.url === "/repos/octo/hello/issues").length;
    const before = hits();
    const call = () => client.callTool({ name: "tengine_call_tool", arguments: { name: "create_an_issue", arguments: { pathParams: { owner: "octo", repo: "hello" }, body: { title: "Crash on start" } }, idempotency_key: "issue-crash-1" } });
    const first: any = await call();
    const second: any = await call();
    expect(first.isError).toBeFalsy();
    expect(second._meta["tengine/deduplicated"]).toBe(true);
    expect(second._meta["tengine/originalRunId"]).toBe(first._meta["tengine/runId"]);
    expect(hits()).toBe(before + 1);
    const dedup = await getRun(world.db, p.project.id, second._meta["tengine/runId"]);
    expect(dedup).toMatchObject({ toolName: "create_an_issue", status: "deduplicated", idempotencyKey: "issue-crash-1" });
    await client.close();
  });

  it("approval holds through tengine_call_tool: the call waits for a person, then runs once", async () => {
    const client = await connectClient(p.mcpUrl, p.key);
    const hits = () => upstream.requests.filter((r) => r.method === "PUT" && r.url === "/repos/octo/hello/issues/7/lock").length;
    const before = hits();
    const call = client.callTool({ name: "tengine_call_tool", arguments: { name: "lock_an_issue", arguments: { pathParams: { owner: "octo", repo: "hello", issue_number: 7 }, body: { lock_reason: "resolved" } } } });
    let approval;
    for (let i = 0; i < 100 && !approval; i++) {
      approval = await world.db.approval.findFirst({ where: { projectId: p.project.id, toolName: "lock_an_issue", status: "pending" } });
      if (!approval) await new Promise((r) => setTimeout(r, 50));
    }
    if (!approval) throw new Error(`no approval: ${JSON.stringify(await call)}`);
    expect(hits()).toBe(before);
    expect(await getRun(world.db, p.project.id, approval!.runId)).toMatchObject({ status: "pending", toolName: "lock_an_issue" });
    await decideApproval(world.db, { projectId: p.project.id, approvalId: approval!.id, actor, role: "admin", decision: "approve" });
    expect(await executeApprovedRun(worker, approval!.id)).toEqual({ executed: true, runId: approval!.runId });
    const result: any = await call;
    expect(result.isError).toBeFalsy();
    expect(result._meta["tengine/runId"]).toBe(approval!.runId);
    expect(hits()).toBe(before + 1);
    await client.close();
  });
});

describe("a scope-limited key", () => {
  it("never sees tools it cannot call: not in search, not in describe, not in families", async () => {
    const client = await connectClient(p.mcpUrl, limitedKey);
    for (const query of ["close an issue on a repository", "lock an issue", "issues", "add labels to an issue"]) {
      const result: any = await client.callTool({ name: "tengine_search_tools", arguments: { query, limit: 50 } });
      const results = result.structuredContent.results;
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r: any) => r.family === "issues" || r.requiredScopes.includes("issues:write"))).toEqual([]);
    }
    const family: any = await client.callTool({ name: "tengine_search_tools", arguments: { query: "issue", family: "issues" } });
    expect(family.structuredContent.results).toEqual([]);
    const described: any = await client.callTool({ name: "tengine_describe_tools", arguments: { names: ["update_an_issue", "merge_a_pull_request"] } });
    expect(described.structuredContent.tools.map((t: any) => t.name)).toEqual(["merge_a_pull_request"]);
    expect(described.structuredContent.notFound).toEqual(["update_an_issue"]);
    // Calling it anyway is refused exactly as a direct call: insufficient scope, nothing sent.
    const before = upstream.requests.length;
    await expect(client.callTool({ name: "tengine_call_tool", arguments: { name: "update_an_issue", arguments: { pathParams: { owner: "o", repo: "r", issue_number: 1 }, body: { state: "closed" } } } })).rejects.toThrow(/requires scopes: issues:write/);
    expect(upstream.requests.length).toBe(before);

    await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "families" });
    const { tools } = await client.listTools();
    expect(tools.find((t) => t.name === "family_issues")).toBeUndefined();
    expect(tools.find((t) => t.name === "family_pulls")).toBeTruthy();
    await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "search" });
    await client.close();
  });

  it("auto mode counts only the tools the caller can see", async () => {
    const few = await world.createProjectWithKey("Few tools");
    for (const name of ["a_tool", "b_tool", "c_tool"]) await world.addTool(few.project.id, { name, description: name, inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/${name}` });
    await setToolDiscovery(world.db, few.project.id, { toolDiscovery: "auto", toolDiscoveryThreshold: 2 });
    const client = await connectClient(few.mcpUrl, few.key);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("tengine_search_tools");
    await setToolDiscovery(world.db, few.project.id, { toolDiscovery: "auto", toolDiscoveryThreshold: 3 });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["a_tool", "b_tool", "c_tool", "mcp_whoami", "tengine_run_status"]);
    await client.close();
  });
});

describe("families mode", () => {
  it("lists one tool per family; calling it runs the named operation as itself", async () => {
    await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "families" });
    const client = await connectClient(p.mcpUrl, p.key);
    const { tools } = await client.listTools();
    const pulls = tools.find((t) => t.name === "family_pulls")!;
    expect(pulls).toBeTruthy();
    expect(tools.length).toBeLessThan(100);
    expect((pulls.inputSchema.properties as any).action.enum).toContain("merge_a_pull_request");
    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(pulls.inputSchema);
    const ok = validate({ action: "merge_a_pull_request", arguments: { pathParams: { owner: "o", repo: "r", pull_number: 3 }, body: {} } });
    expect(ok, JSON.stringify(validate.errors?.filter((e) => !e.schemaPath.endsWith("/const")).slice(0, 5))).toBe(true);
    expect(validate({ action: "merge_a_pull_request", arguments: { pathParams: { owner: "o" } } })).toBe(false);

    const result: any = await client.callTool({ name: "family_pulls", arguments: { action: "merge_a_pull_request", arguments: { pathParams: { owner: "o", repo: "r", pull_number: 3 }, body: {} } } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ method: "PUT", path: "/repos/o/r/pulls/3/merge" });
    expect(await getRun(world.db, p.project.id, result._meta["tengine/runId"])).toMatchObject({ toolName: "merge_a_pull_request", status: "succeeded" });
    const wrong: any = await client.callTool({ name: "family_pulls", arguments: { action: "update_an_issue", arguments: {} } });
    expect(wrong.isError).toBe(true);
    expect(text(wrong)).toContain("action must be one of");
    await setToolDiscovery(world.db, p.project.id, { toolDiscovery: "search" });
    await client.close();
  });

  it("the discovery settings reject bad input and unknown pinned tools", async () => {
    await expect(setToolDiscovery(world.db, p.project.id, { toolDiscovery: "everything" as never })).rejects.toThrow(/tool discovery must be one of list, search, auto, families/);
    await expect(setToolDiscovery(world.db, p.project.id, { pinnedTools: ["no_such_tool"] })).rejects.toThrow(/unknown tool to pin: no_such_tool/);
    await expect(setToolDiscovery(world.db, p.project.id, { toolDiscoveryThreshold: 0 })).rejects.toThrow(/at least 1/);
  });
});
