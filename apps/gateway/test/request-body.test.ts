import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startWorld } from "./harness.ts";

// The MCP endpoint reads request bodies of up to 1 MiB, however they arrive: declared or
// chunked, in one piece or many. A larger body is refused with 413 before it is buffered, and
// the gateway goes on serving.

let world: Awaited<ReturnType<typeof startWorld>>;
let project: Awaited<ReturnType<typeof world.createProjectWithKey>>;

beforeAll(async () => {
  world = await startWorld("request_body");
  project = await world.createProjectWithKey("Bodies");
}, 60_000);
afterAll(() => world?.close());

type Answer = { status: number; json: { error?: { code: number; message: string }; result?: { tools?: unknown[] } } };

/** POSTs `pieces` to the MCP endpoint one write at a time (chunked unless `declared` is given). */
function post(pieces: (string | Buffer)[], declared?: number): Promise<Answer> {
  const url = new URL(project.mcpUrl);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: "POST",
        agent: false,
        headers: {
          authorization: `Bearer ${project.key}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2025-06-18",
          ...(declared !== undefined ? { "content-length": declared } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, json: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
      },
    );
    // The gateway may answer 413 and close while the rest is still being written.
    req.on("error", (error: NodeJS.ErrnoException) => (error.code === "EPIPE" || error.code === "ECONNRESET" ? undefined : reject(error)));
    let i = 0;
    const next = () => {
      if (i === pieces.length) return void req.end();
      req.write(pieces[i++], () => setTimeout(next, 2));
    };
    next();
  });
}

const listTools = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

describe("MCP request bodies", () => {
  it("reads a body that arrives in many small pieces", async () => {
    const pieces = listTools.match(/.{1,7}/g)!;
    const answer = await post(pieces);
    expect(answer.status).toBe(200);
    expect(answer.json.result?.tools).toEqual(expect.any(Array));
  });

  it("refuses a declared body over 1 MiB with 413 before reading it", async () => {
    const answer = await post([], 2 * 1024 * 1024);
    expect(answer).toMatchObject({ status: 413, json: { error: { code: -32600, message: "Request body exceeds 1048576 bytes" } } });
  });

  it("refuses a chunked body that grows past 1 MiB with 413, and serves the next request", async () => {
    const filler = Buffer.alloc(256 * 1024, "a");
    const answer = await post([`{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"x":"`, filler, filler, filler, filler, filler, `"}}`]);
    expect(answer).toMatchObject({ status: 413, json: { error: { code: -32600, message: "Request body exceeds 1048576 bytes" } } });
    expect((await post([listTools])).status).toBe(200);
  });
});
