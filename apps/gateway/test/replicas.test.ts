import { revokeApiKey, setToolEnabled } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rpc, startUpstream, startWorld } from "./harness.ts";

/**
 * Two gateway processes' worth of state (two gateways, one database): what one replica's
 * caches hold must never outlive a change made elsewhere (DESIGN §2, §14).
 */
let world: Awaited<ReturnType<typeof startWorld>>;
let upstream: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  world = await startWorld("replicas");
  upstream = await startUpstream();
});
afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
const names = (res: { json: { result: { tools: Array<{ name: string }> } } }) => res.json.result.tools.map((t) => t.name);

describe("changes reach every replica on its very next call", () => {
  it("a revoked key is refused by the other replica at once", async () => {
    const p = await world.createProjectWithKey("Revocation");
    const replica = await world.startReplica();
    const auth = { authorization: `Bearer ${p.key}` };
    expect((await rpc(p.mcpUrl, list, auth)).status).toBe(200);
    expect((await rpc(replica.mcpUrl(p.project.slug), list, auth)).status).toBe(200);
    await revokeApiKey(world.db, p.project.id, p.keyId); // as the dashboard or the CLI does
    const res = await rpc(replica.mcpUrl(p.project.slug), list, auth);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await rpc(p.mcpUrl, list, auth)).status).toBe(401);
  });

  it("a disabled tool disappears from both replicas' tools/list and cannot be called", async () => {
    const p = await world.createProjectWithKey("Tool changes");
    const tool = await world.addTool(p.project.id, { name: "ping", description: "ping", inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/ping`, annotations: { readOnlyHint: true } });
    const replica = await world.startReplica();
    const auth = { authorization: `Bearer ${p.key}` };
    // Both replicas load (and cache) the project's tools.
    expect(names(await rpc(p.mcpUrl, list, auth))).toContain("ping");
    expect(names(await rpc(replica.mcpUrl(p.project.slug), list, auth))).toContain("ping");
    await setToolEnabled(world.db, p.project.id, tool.id, false);
    expect(names(await rpc(replica.mcpUrl(p.project.slug), list, auth))).not.toContain("ping");
    const before = upstream.requests.length;
    const call = await rpc(replica.mcpUrl(p.project.slug), { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "ping", arguments: {} } }, auth);
    expect(call.json.error.message).toContain("Unknown tool: ping");
    expect(upstream.requests.length).toBe(before);
  });
});
