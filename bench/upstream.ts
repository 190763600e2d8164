// The benchmark's upstream: a trivial node:http server answering a small, fixed JSON body,
// run in its own process by bench/run.ts (fork with an IPC channel; it reports its port).
// GET /__stats returns how many requests it served, split by method and by whether they
// carried an RFC 9421 signature, so the benchmark can check every gateway call reached it.
import http from "node:http";
import type { AddressInfo } from "node:net";

const BODY = Buffer.from(JSON.stringify({ ok: true, id: "itm_0001", status: "done", items: [1, 2, 3] }));
const stats = { GET: 0, POST: 0, other: 0, signed: 0, bytesIn: 0 };

const server = http.createServer((req, res) => {
  if (req.url === "/__stats") {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(stats));
    return;
  }
  if (req.method === "GET") stats.GET++;
  else if (req.method === "POST") stats.POST++;
  else stats.other++;
  if (req.headers.signature !== undefined) stats.signed++;
  req.on("data", (chunk: Buffer) => {
    stats.bytesIn += chunk.length;
  });
  req.on("end", () => {
    res.writeHead(200, { "content-type": "application/json", "content-length": BODY.length });
    res.end(BODY);
  });
});
// The gateway's pool and the load generator keep connections open between scenarios.
server.keepAliveTimeout = 120_000;
server.headersTimeout = 125_000;

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address() as AddressInfo;
  if (process.send) process.send({ port });
  else console.log(`upstream listening on http://127.0.0.1:${port}`);
});

process.on("disconnect", () => process.exit(0));
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => process.exit(0));
