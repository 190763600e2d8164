import { createHash, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

/** What a metrics listener serves: a Prometheus registry (prom-client's `Registry` fits). */
export type MetricsSource = { contentType: string; metrics(): Promise<string> };

export type MetricsServerOptions = {
  port: number;
  /** default 127.0.0.1: metrics name every tenant's slugs and tools, so they stay off the public network */
  host: string;
  /** when set, `/metrics` requires `Authorization: Bearer <token>` */
  token?: string | undefined;
  /** `/healthz` answers 503 once this is false (the process is stopping) */
  healthy?: () => boolean;
};

export type MetricsServer = { port: number; close(): Promise<void> };

/**
 * The internal listener of a Tengine process: `GET /metrics` (Prometheus text, behind the
 * bearer token when one is configured) and `GET /healthz` (no credential: orchestrators probe
 * it). It is separate from any public port, so a load balancer in front of the public port
 * never exposes metrics.
 */
export async function startMetricsServer(source: MetricsSource, opts: MetricsServerOptions): Promise<MetricsServer> {
  const expected = opts.token ? digest(opts.token) : undefined;
  const server = http.createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/metrics") {
      if (expected && !bearerMatches(req.headers.authorization, expected)) {
        res.writeHead(401, { "content-type": "application/json", "www-authenticate": 'Bearer realm="metrics"' }).end(JSON.stringify({ error: "unauthorized", message: "GET /metrics needs Authorization: Bearer <METRICS_TOKEN>" }));
        return;
      }
      source.metrics().then(
        (body) => res.writeHead(200, { "content-type": source.contentType }).end(body),
        () => res.writeHead(500, { "content-type": "text/plain" }).end("metrics unavailable\n"),
      );
      return;
    }
    if (req.method === "GET" && path === "/healthz") {
      const ok = opts.healthy?.() ?? true;
      res.writeHead(ok ? 200 : 503, { "content-type": "application/json" }).end(JSON.stringify({ status: ok ? "ok" : "stopping" }));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not_found" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Compared as SHA-256 digests so the comparison is constant-time whatever the lengths.
function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

function bearerMatches(header: string | undefined, expected: Buffer): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return match !== null && timingSafeEqual(digest(match[1]!), expected);
}
