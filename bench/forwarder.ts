// The benchmark's bare forwarder: the least a Node JSON-RPC → HTTP gateway can do, run in its
// own process by bench/run.ts (fork with an IPC channel; it reports its port). Per call it
// parses the JSON-RPC body, makes one request on a keep-alive undici Pool to the upstream and
// wraps the upstream's text as an MCP tool result. No auth, no database, no validation,
// no signing, no run: the physical limit the gateway's ratio rows are measured against.
//
// It sends what the gateway's tools send: `bench_read` as GET /echo?q=…&limit=…, `bench_write`
// as POST /echo with the JSON body {n, note, amount} rendered from the arguments.
import { createRequire } from "node:module";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

// The same undici the gateway sends with (a dependency of @tengine/core), not a second copy.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { Pool } = createRequire(path.join(ROOT, "packages/core/package.json"))("undici") as typeof import("undici");

const upstreamUrl = process.env.FORWARDER_UPSTREAM_URL;
if (!upstreamUrl) {
  process.stderr.write("forwarder: set FORWARDER_UPSTREAM_URL (the upstream's origin)\n");
  process.exit(1);
}
// As many sockets as the gateway's load can have in flight (64 connections).
const pool = new Pool(upstreamUrl, { connections: 128, pipelining: 1, keepAliveTimeout: 120_000 });

type Rpc = { id?: unknown; method?: unknown; params?: { name?: unknown; arguments?: Record<string, unknown> } };

function reply(res: http.ServerResponse, status: number, payload: unknown) {
  const body = JSON.stringify(payload);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

async function forward(rpc: Rpc): Promise<string> {
  const name = rpc.params?.name;
  const args = rpc.params?.arguments ?? {};
  if (name === "bench_read") {
    const query = new URLSearchParams({ q: String(args.q ?? ""), limit: String(args.limit ?? "") });
    const { body } = await pool.request({ method: "GET", path: `/echo?${query}` });
    return body.text();
  }
  if (name === "bench_write") {
    const { body } = await pool.request({
      method: "POST",
      path: "/echo",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ n: args.n, note: args.note, amount: args.amount }),
    });
    return body.text();
  }
  throw new Error(`unknown tool ${String(name)}`);
}

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let rpc: Rpc;
    try {
      rpc = JSON.parse(Buffer.concat(chunks).toString("utf8")) as Rpc;
    } catch {
      reply(res, 400, { jsonrpc: "2.0", id: null, error: { code: -32700, message: "Parse error" } });
      return;
    }
    if (rpc.method !== "tools/call") {
      reply(res, 200, { jsonrpc: "2.0", id: rpc.id ?? null, error: { code: -32601, message: "Method not found" } });
      return;
    }
    forward(rpc).then(
      (text) => reply(res, 200, { jsonrpc: "2.0", id: rpc.id ?? null, result: { content: [{ type: "text", text }] } }),
      (error: unknown) => reply(res, 200, { jsonrpc: "2.0", id: rpc.id ?? null, result: { content: [{ type: "text", text: String(error) }], isError: true } }),
    );
  });
});
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  if (process.send) process.send({ port });
  else console.log(`forwarder listening on http://127.0.0.1:${port}`);
});

process.on("disconnect", () => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
