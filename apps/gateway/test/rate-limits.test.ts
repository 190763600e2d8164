import { randomBytes } from "node:crypto";
import { listRuns, setRateLimits, setToolDiscovery } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connectClient, echoSchema, rpc, startUpstream, startWorld } from "./harness.ts";

// Two gateway replicas on one database, sharing the machine's real Redis under a key prefix
// of their own: a limit counts calls across both (DESIGN §2, §7 step 4).
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let replicaMcpUrl: string;
let replicaMetricsBase: string;

beforeAll(async () => {
  world = await startWorld("ratelimits", { redisUrl: REDIS_URL, redisKeyPrefix: `test:${randomBytes(6).toString("hex")}:` });
  upstream = await startUpstream();
  p = await world.createProjectWithKey("Rate limited");
  await world.addTool(p.project.id, { name: "ping", description: "Pings", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/ping`, body: { n: "{{input.n}}" } });
  await setRateLimits(world.db, p.project.id, { principal: { max: 3, windowSec: 60 } });
  const replica = await world.startReplica();
  replicaMcpUrl = replica.mcpUrl(p.project.slug);
  replicaMetricsBase = replica.metricsBase;
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");

describe("rate limits across two gateway replicas", () => {
  it("trips the principal limit at the 4th call, alternating replicas; nothing is sent", async () => {
    const a = await connectClient(p.mcpUrl, p.key);
    const b = await connectClient(replicaMcpUrl, p.key);
    const results: any[] = [];
    for (let i = 0; i < 4; i++) results.push(await (i % 2 ? b : a).callTool({ name: "ping", arguments: { n: i } }));
    await a.close();
    await b.close();

    for (const r of results.slice(0, 3)) expect(r.isError).toBeFalsy();
    const limited = results[3];
    expect(limited.isError).toBe(true);
    expect(text(limited)).toMatch(/^Rate limit exceeded for this principal: retry in (59|60) s$/);
    expect(limited._meta["tengine/retryAfterMs"]).toBeGreaterThan(55_000);
    expect(upstream.requests.filter((r) => r.url.startsWith("/ping"))).toHaveLength(3);

    const runs = await listRuns(world.db, p.project.id, {});
    const run = runs.runs.find((r: any) => r.id === limited._meta["tengine/runId"]);
    expect(run).toMatchObject({ status: "rate_limited", toolName: "ping" });
    expect(runs.runs.filter((r: any) => r.status === "succeeded")).toHaveLength(3);
  });

  it("counts the refusal in the metrics of the replica that refused", async () => {
    const metrics = await (await fetch(`${replicaMetricsBase}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`tengine_rate_limited_total\\{project="${p.project.slug}",scope="principal"\\} 1`));
  });

  it("lifts the limit when it is cleared (config version moves)", async () => {
    await setRateLimits(world.db, p.project.id, null);
    const res = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "ping", arguments: { n: 9 } } }, { authorization: `Bearer ${p.key}` });
    expect(res.status).toBe(200);
    expect(res.json.result.isError).toBeFalsy();
  });
});

describe("search mode: search and describe count against the limits, without runs", () => {
  it("a search or describe spends the caller's window like a call; tengine_call_tool counts once, as the real tool", async () => {
    const s = await world.createProjectWithKey("Search limited");
    await world.addTool(s.project.id, { name: "ping", description: "Pings the service", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/ping`, body: { n: "{{input.n}}" } });
    await setToolDiscovery(world.db, s.project.id, { toolDiscovery: "search" });
    await setRateLimits(world.db, s.project.id, { principal: { max: 4, windowSec: 60 } });
    const client = await connectClient(s.mcpUrl, s.key);
    const search = () => client.callTool({ name: "tengine_search_tools", arguments: { query: "ping the service" } }) as Promise<any>;
    const describe = () => client.callTool({ name: "tengine_describe_tools", arguments: { names: ["ping"] } }) as Promise<any>;
    const call = (n: number) => client.callTool({ name: "tengine_call_tool", arguments: { name: "ping", arguments: { n } } }) as Promise<any>;

    const found = await search();
    expect(found.structuredContent.results.map((r: any) => r.name)).toEqual(["ping"]);
    expect((await describe()).isError).toBeFalsy();
    const called = await call(1);
    expect(called.isError).toBeFalsy();
    expect((await search()).isError).toBeFalsy();
    // The window (4 per principal) is spent: search, describe and a call through the built-in are all refused.
    for (const refused of [await describe(), await search(), await call(2)]) {
      expect(refused.isError).toBe(true);
      expect(text(refused)).toMatch(/^Rate limit exceeded for this principal: retry in (59|60) s$/);
      expect(refused._meta["tengine/retryAfterMs"]).toBeGreaterThan(55_000);
    }
    await client.close();

    // Runs: only the two calls of ping (one succeeded, one refused), named after it; no run for a search or describe.
    const { runs } = await listRuns(world.db, s.project.id, {});
    expect(runs.map((r: any) => [r.toolName, r.status]).sort()).toEqual([["ping", "rate_limited"], ["ping", "succeeded"]]);
    expect(runs.find((r: any) => r.id === called._meta["tengine/runId"])).toMatchObject({ toolName: "ping", status: "succeeded" });
    const metrics = await (await fetch(`${world.metricsBase}/metrics`)).text();
    expect(metrics).toMatch(new RegExp(`tengine_tool_calls_total\\{project="${s.project.slug}",tool="tengine_search_tools",status="ok"\\} 2`));
    expect(metrics).toMatch(new RegExp(`tengine_tool_calls_total\\{project="${s.project.slug}",tool="tengine_describe_tools",status="rate_limited"\\} 1`));
  });
});
