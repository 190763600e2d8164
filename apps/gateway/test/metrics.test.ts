import { setRateLimits } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echoSchema, rpc, startUpstream, startWorld } from "./harness.ts";

// GET /metrics (on the gateway's internal listener) after real calls: counts by project, tool and status, latency histograms of the
// gateway and the upstream, rate-limit hits — with label values from a bounded set only.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;

beforeAll(async () => {
  world = await startWorld("metrics");
  upstream = await startUpstream((req, res) => {
    if (req.url.startsWith("/fail")) res.writeHead(400, { "content-type": "application/json" }).end('{"error":"bad"}');
    else res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
  });
  p = await world.createProjectWithKey("Metered");
  await world.addTool(p.project.id, { name: "ok_tool", description: "Works", inputSchema: echoSchema, method: "POST", url: `${upstream.url}/ok`, body: { n: "{{input.n}}" } });
  await world.addTool(p.project.id, { name: "bad_tool", description: "Fails", inputSchema: echoSchema, method: "GET", url: `${upstream.url}/fail`, annotations: { readOnlyHint: true } });
  await setRateLimits(world.db, p.project.id, { tool: { max: 3, windowSec: 60 } });
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const call = (name: string, args: unknown, headers: Record<string, string> = {}) =>
  rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: args } }, { authorization: `Bearer ${p.key}`, ...headers });

function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(`${name}{`)) continue;
    const found = Object.fromEntries([...line.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.keys(found).length === Object.keys(labels).length && Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(line.slice(line.lastIndexOf(" ") + 1));
  }
  return undefined;
}

describe("GET /metrics", () => {
  it("counts calls by project, tool and status, latencies, and rate-limit hits", async () => {
    expect((await call("ok_tool", { n: 1 }, { "idempotency-key": "m-1" })).json.result.isError).toBeFalsy();
    expect((await call("ok_tool", { n: 1 }, { "idempotency-key": "m-1" })).json.result._meta["tengine/deduplicated"]).toBe(true);
    expect((await call("ok_tool", { n: 2 })).json.result.isError).toBeFalsy();
    expect((await call("ok_tool", { n: 3 })).json.result.isError).toBe(true); // 4th: tool limit 3/60
    expect((await call("bad_tool", {})).json.result.isError).toBe(true);
    // Unknown tools are a protocol error and never become a label value.
    expect((await call("no_such_tool_x1", {})).json.error.message).toContain("Unknown tool");

    const res = await fetch(`${world.metricsBase}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/plain");
    const text = await res.text();
    const slug = p.project.slug;
    expect(sample(text, "tengine_tool_calls_total", { project: slug, tool: "ok_tool", status: "ok" })).toBe(2);
    expect(sample(text, "tengine_tool_calls_total", { project: slug, tool: "ok_tool", status: "deduplicated" })).toBe(1);
    expect(sample(text, "tengine_tool_calls_total", { project: slug, tool: "ok_tool", status: "rate_limited" })).toBe(1);
    expect(sample(text, "tengine_tool_calls_total", { project: slug, tool: "bad_tool", status: "error" })).toBe(1);
    expect(text).not.toContain("no_such_tool_x1");
    expect(sample(text, "tengine_rate_limited_total", { project: slug, scope: "tool" })).toBe(1);
    // Histograms: every counted call observed in the gateway histogram, the three that went
    // upstream in the upstream one.
    expect(sample(text, "tengine_gateway_latency_seconds_count", { project: slug })).toBe(4);
    expect(sample(text, "tengine_upstream_latency_seconds_count", { project: slug })).toBe(3);
    expect(sample(text, "tengine_upstream_latency_seconds_bucket", { project: slug, le: "+Inf" })).toBe(3);
    expect(text).toContain("# TYPE tengine_rate_limit_unavailable_total counter");
    expect(text).toContain("# TYPE tengine_database_unavailable_total counter");
    // No ids, keys or arguments in any label.
    expect(text).not.toMatch(/run_[0-9a-z]{10}|tengine_[A-Za-z0-9]{20,}|m-1/);
  });
});

describe("where /metrics is served", () => {
  it("the public port answers 404 for /metrics; the internal listener serves it and /healthz", async () => {
    const publicRes = await fetch(`${world.base}/metrics`);
    expect(publicRes.status).toBe(404);
    expect(await publicRes.text()).not.toContain("tengine_tool_calls_total");
    expect((await fetch(`${world.metricsBase}/metrics`)).status).toBe(200);
    expect(await (await fetch(`${world.metricsBase}/healthz`)).json()).toEqual({ status: "ok" });
    // The internal listener serves nothing else: no MCP, no OAuth.
    expect((await fetch(`${world.metricsBase}/p/${p.project.slug}/mcp`, { method: "POST" })).status).toBe(404);
  });

  it("with METRICS_TOKEN, /metrics needs that bearer token; /healthz stays open", async () => {
    const token = "metrics-token-0123456789";
    const guarded = await startWorld("metricstok", { metricsToken: token });
    try {
      const none = await fetch(`${guarded.metricsBase}/metrics`);
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toBe('Bearer realm="metrics"');
      expect(await none.text()).not.toContain("tengine_");
      expect((await fetch(`${guarded.metricsBase}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } })).status).toBe(401);
      expect((await fetch(`${guarded.metricsBase}/metrics`, { headers: { authorization: token } })).status).toBe(401);
      const ok = await fetch(`${guarded.metricsBase}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain("# TYPE tengine_tool_calls_total counter");
      expect((await fetch(`${guarded.metricsBase}/healthz`)).status).toBe(200);
      expect((await fetch(`${guarded.base}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(404);
    } finally {
      await guarded.close();
    }
  });
});
