// The SDK v2 way of serving both MCP eras, for the era benchmark (bench/eras.ts): one
// `createMcpHandler` over a factory that builds an `McpServer` per request, as the SDK
// documents, with one tool, `bench_read`, sending the same GET /echo?q=…&limit=… as the
// gateway's tool on a keep-alive undici Pool. No auth, no database, no run: what the SDK's
// protocol machinery alone costs per call. Forked with an IPC channel; it reports its port.
import { createRequire } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createMcpHandler, McpServer } from "@modelcontextprotocol/server";
import { z } from "zod";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { Pool } = createRequire(path.join(ROOT, "packages/core/package.json"))("undici") as typeof import("undici");

const upstreamUrl = process.env.FORWARDER_UPSTREAM_URL;
if (!upstreamUrl) {
  process.stderr.write("sdk-v2-server: set FORWARDER_UPSTREAM_URL (the upstream's origin)\n");
  process.exit(1);
}
const pool = new Pool(upstreamUrl, { connections: 128, pipelining: 1, keepAliveTimeout: 120_000 });

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: "bench-sdk-v2", version: "1.0.0" });
  server.registerTool("bench_read", { description: "GET /echo", inputSchema: z.object({ q: z.string(), limit: z.number() }) }, async ({ q, limit }) => {
    const { body } = await pool.request({ method: "GET", path: `/echo?${new URLSearchParams({ q, limit: String(limit) })}` });
    return { content: [{ type: "text", text: await body.text() }] };
  });
  return server;
}, { legacy: "stateless", responseMode: "json" });

// Node's http to the handler's fetch signature and back.
const server = http.createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const request = new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers, ...(req.method === "POST" ? { body: Buffer.concat(chunks) } : {}) });
  const response = await handler.fetch(request);
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ port });
});
