import { Counter, Histogram, Registry, collectDefaultMetrics } from "prom-client";

/**
 * Prometheus metrics of one gateway process (served at /metrics). Label values are bounded:
 * project slugs and tool names that exist (unknown tools are refused before counting), fixed
 * status / scope / phase words — never ids, keys or arguments.
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const buckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
  return {
    registry,
    toolCalls: new Counter({
      name: "tengine_tool_calls_total",
      help: "tools/call by project, tool and status (ok, error, rate_limited, deduplicated, unavailable)",
      labelNames: ["project", "tool", "status"],
      registers: [registry],
    }),
    gatewaySeconds: new Histogram({ name: "tengine_gateway_latency_seconds", help: "time spent in the gateway per tool call, upstream excluded", labelNames: ["project"], buckets, registers: [registry] }),
    upstreamSeconds: new Histogram({ name: "tengine_upstream_latency_seconds", help: "upstream time per tool call, all attempts", labelNames: ["project"], buckets, registers: [registry] }),
    rateLimited: new Counter({ name: "tengine_rate_limited_total", help: "tool calls refused by a rate limit, by project and scope (unavailable = limiter down, project fails closed)", labelNames: ["project", "scope"], registers: [registry] }),
    rateLimitDegraded: new Counter({ name: "tengine_rate_limit_degraded_total", help: "tool calls allowed without a rate-limit check because the limiter (Redis) was unavailable", registers: [registry] }),
    rateLimitUnavailable: new Counter({
      name: "tengine_rate_limit_unavailable_total",
      help: "rate-limit checks the limiter (Redis) could not answer, by project and outcome (allowed = fail open, refused = fail closed)",
      labelNames: ["project", "outcome"],
      registers: [registry],
    }),
    databaseUnavailable: new Counter({
      name: "tengine_database_unavailable_total",
      help: "requests answered 503 because Postgres was unreachable, and post-upstream writes that had to wait for it (phase: request, tool_call, run_write)",
      labelNames: ["phase"],
      registers: [registry],
    }),
    httpRequests: new Counter({ name: "tengine_http_requests_total", help: "HTTP requests by route and status", labelNames: ["route", "status"], registers: [registry] }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
