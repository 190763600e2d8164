import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createOutboundClient, type OutboundClient, type SendOptions } from "./outbound-client.ts";
import { parseUpstreamAllowlist } from "./ssrf-guard.ts";

/** A real upstream on 127.0.0.1; each test installs its own handler and reads what it saw. */
interface Upstream {
  server: Server;
  base: string;
  port: number;
  hits: Array<{ method: string; url: string; headers: IncomingHttpHeaders; body: string }>;
  connections: number;
  handle: (req: IncomingMessage, res: ServerResponse, hit: number) => void;
}

async function startUpstream(): Promise<Upstream> {
  const upstream: Upstream = {
    server: createServer(),
    base: "",
    port: 0,
    hits: [],
    connections: 0,
    handle: (_req, res) => res.end("ok"),
  };
  upstream.server.on("connection", () => {
    upstream.connections++;
  });
  upstream.server.on("request", (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      upstream.hits.push({
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      });
      upstream.handle(req, res, upstream.hits.length);
    });
  });
  await new Promise<void>((resolve) => upstream.server.listen(0, "127.0.0.1", resolve));
  upstream.port = (upstream.server.address() as AddressInfo).port;
  upstream.base = `http://127.0.0.1:${upstream.port}`;
  return upstream;
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(value));
}

let upstream: Upstream;
let client: OutboundClient;
let delays: number[];

const options = (overrides: Partial<SendOptions> = {}): SendOptions => ({
  timeoutMs: 2_000,
  maxAttempts: 3,
  maxResponseBytes: 64 * 1024,
  allowHttp: true,
  sleep: async (ms) => {
    delays.push(ms);
  },
  ...overrides,
});

beforeAll(async () => {
  upstream = await startUpstream();
  client = createOutboundClient({ allowPrivate: true });
});

afterAll(async () => {
  await client.close();
  upstream.server.closeAllConnections();
  await new Promise((resolve) => upstream.server.close(resolve));
});

afterEach(() => {
  upstream.hits = [];
  upstream.connections = 0;
  upstream.handle = (_req, res) => res.end("ok");
  delays = [];
});
delays = [];

describe("send: success and retries", () => {
  it("sends method, headers and body, and returns status, headers and body", async () => {
    upstream.handle = (_req, res) => json(res, 201, { created: true }, { "x-upstream": "yes" });
    const result = await client.send(
      {
        method: "POST",
        url: `${upstream.base}/v1/things?x=1`,
        headers: { "content-type": "application/json", "x-custom": "abc" },
        body: '{"a":1}',
      },
      options(),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status).toBe(201);
    expect(result.headers["x-upstream"]).toBe("yes");
    expect(JSON.parse(result.body.toString())).toEqual({ created: true });
    expect(result.truncated).toBe(false);
    expect(result.attempts).toBe(1);
    expect(result.attemptLog).toEqual([{ status: 201, ms: expect.any(Number) }]);
    expect(upstream.hits).toHaveLength(1);
    expect(upstream.hits[0]).toMatchObject({ method: "POST", url: "/v1/things?x=1", body: '{"a":1}' });
    expect(upstream.hits[0]?.headers["x-custom"]).toBe("abc");
  });

  it("retries 503 with backoff, then succeeds", async () => {
    upstream.handle = (_req, res, hit) => (hit < 3 ? json(res, 503, { error: "busy" }) : json(res, 200, { ok: 1 }));
    const result = await client.send({ method: "GET", url: `${upstream.base}/flaky`, headers: {} }, options());
    expect(upstream.hits).toHaveLength(3);
    expect(result.ok && result.status).toBe(200);
    expect(result.attempts).toBe(3);
    expect(result.attemptLog.map((a) => a.status)).toEqual([503, 503, 200]);
    expect(result.upstreamMs).toBe(result.attemptLog.reduce((sum, a) => sum + a.ms, 0));
    // full jitter: attempt 1 waits in [0, 100), attempt 2 in [0, 200)
    expect(delays).toHaveLength(2);
    expect(delays[0]).toBeGreaterThanOrEqual(0);
    expect(delays[0]).toBeLessThan(100);
    expect(delays[1]).toBeLessThan(200);
  });

  it.each([502, 504])("retries %i", async (status) => {
    upstream.handle = (_req, res, hit) => (hit === 1 ? json(res, status, {}) : json(res, 200, {}));
    const result = await client.send({ method: "GET", url: `${upstream.base}/x`, headers: {} }, options());
    expect(result.ok && result.status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
  });

  it("honours Retry-After on 429", async () => {
    upstream.handle = (_req, res, hit) =>
      hit === 1 ? json(res, 429, { error: "slow down" }, { "retry-after": "1" }) : json(res, 200, { ok: true });
    const result = await client.send({ method: "GET", url: `${upstream.base}/limited`, headers: {} }, options());
    expect(result.ok && result.status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
    expect(delays).toEqual([1000]);
  });

  it("caps a long Retry-After at 10 s", async () => {
    upstream.handle = (_req, res, hit) =>
      hit === 1 ? json(res, 503, {}, { "retry-after": "3600" }) : json(res, 200, {});
    await client.send({ method: "GET", url: `${upstream.base}/x`, headers: {} }, options());
    expect(delays).toEqual([10_000]);
  });

  it("returns the last retryable response, with its body, when attempts run out", async () => {
    upstream.handle = (_req, res) => json(res, 503, { error: "down" });
    const result = await client.send({ method: "GET", url: `${upstream.base}/down`, headers: {} }, options({ maxAttempts: 2 }));
    expect(upstream.hits).toHaveLength(2);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status).toBe(503);
    expect(JSON.parse(result.body.toString())).toEqual({ error: "down" });
    expect(result.attempts).toBe(2);
  });

  it("does not retry other statuses", async () => {
    upstream.handle = (_req, res) => json(res, 500, { error: "bug" });
    const result = await client.send({ method: "POST", url: `${upstream.base}/x`, headers: {}, body: "{}" }, options());
    expect(result.ok && result.status).toBe(500);
    expect(upstream.hits).toHaveLength(1);
  });

  it("sends the same Idempotency-Key on every attempt and signs each attempt afresh", async () => {
    upstream.handle = (_req, res, hit) => (hit < 3 ? json(res, 503, {}) : json(res, 200, {}));
    let nonce = 0;
    const signed: string[] = [];
    const result = await client.send(
      {
        method: "POST",
        url: `${upstream.base}/orders`,
        headers: { "idempotency-key": "idem-123", "content-type": "application/json" },
        body: '{"qty":1}',
      },
      options({
        sign: (req) => {
          signed.push(`${req.method} ${req.url} ${req.headers["idempotency-key"]} ${req.body}`);
          return { signature: `sig-${++nonce}` };
        },
      }),
    );
    expect(result.ok && result.status).toBe(200);
    expect(upstream.hits.map((h) => h.headers["idempotency-key"])).toEqual(["idem-123", "idem-123", "idem-123"]);
    expect(upstream.hits.map((h) => h.headers.signature)).toEqual(["sig-1", "sig-2", "sig-3"]);
    expect(upstream.hits.map((h) => h.body)).toEqual(['{"qty":1}', '{"qty":1}', '{"qty":1}']);
    expect(signed).toEqual(Array(3).fill(`POST ${upstream.base}/orders idem-123 {"qty":1}`));
  });

  it("reuses one kept-alive connection across calls", async () => {
    upstream.handle = (_req, res) => json(res, 200, {});
    const keepAlive = createOutboundClient({ allowPrivate: true, connections: 1 });
    try {
      for (let i = 0; i < 5; i++) {
        await keepAlive.send({ method: "GET", url: `${upstream.base}/k`, headers: {} }, options());
      }
    } finally {
      await keepAlive.close();
    }
    expect(upstream.hits).toHaveLength(5);
    expect(upstream.connections).toBe(1);
  });
});

describe("send: network errors and timeouts", () => {
  it("retries when the upstream drops the connection", async () => {
    upstream.handle = (req, res, hit) => (hit === 1 ? req.socket.destroy() : json(res, 200, { ok: true }));
    const result = await client.send({ method: "POST", url: `${upstream.base}/drop`, headers: {}, body: "x" }, options());
    expect(result.ok && result.status).toBe(200);
    expect(upstream.hits).toHaveLength(2);
    expect(result.attemptLog[0]?.error).toMatch(/socket closed by upstream|connection reset/);
    expect(result.attemptLog[1]?.status).toBe(200);
  });

  it("retries a refused connection and reports a network failure", async () => {
    const closed = await startUpstream();
    const url = `${closed.base}/nothing`;
    await new Promise((resolve) => closed.server.close(resolve));
    const result = await client.send({ method: "GET", url, headers: {} }, options({ maxAttempts: 2 }));
    expect(result).toMatchObject({ ok: false, kind: "network", attempts: 2 });
    expect(!result.ok && result.message).toBe("connection refused (ECONNREFUSED)");
    expect(delays).toHaveLength(1);
  });

  it("times out an upstream that never answers, per attempt, and retries", async () => {
    upstream.handle = () => undefined; // never respond
    const result = await client.send({ method: "GET", url: `${upstream.base}/hang`, headers: {} }, options({ timeoutMs: 150, maxAttempts: 2 }));
    expect(result).toMatchObject({ ok: false, kind: "timeout", attempts: 2, message: "timed out after 150 ms" });
    expect(upstream.hits).toHaveLength(2);
    for (const attempt of result.attemptLog) expect(attempt.ms).toBeGreaterThanOrEqual(140);
  });

  it("times out a body that stalls after the headers", async () => {
    upstream.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write("partial");
    };
    const result = await client.send({ method: "GET", url: `${upstream.base}/stall`, headers: {} }, options({ timeoutMs: 150, maxAttempts: 1 }));
    expect(result).toMatchObject({ ok: false, kind: "timeout", attempts: 1 });
  });

  it("never puts header values in failure messages", async () => {
    const closed = await startUpstream();
    await new Promise((resolve) => closed.server.close(resolve));
    const secret = "Bearer sk_live_very_secret";
    const result = await client.send(
      { method: "GET", url: `${closed.base}/x`, headers: { authorization: secret } },
      options({ maxAttempts: 1 }),
    );
    expect(JSON.stringify(result)).not.toContain("sk_live_very_secret");
  });
});

describe("send: response handling", () => {
  it("truncates the body at maxResponseBytes", async () => {
    upstream.handle = (_req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end("a".repeat(200_000));
    };
    const result = await client.send({ method: "GET", url: `${upstream.base}/big`, headers: {} }, options({ maxResponseBytes: 1000 }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.body.length).toBe(1000);
    expect(result.truncated).toBe(true);
  });

  it("does not mark a body of exactly maxResponseBytes as truncated", async () => {
    upstream.handle = (_req, res) => res.end("b".repeat(1000));
    const result = await client.send({ method: "GET", url: `${upstream.base}/exact`, headers: {} }, options({ maxResponseBytes: 1000 }));
    expect(result.ok && result.truncated).toBe(false);
    expect(result.ok && result.body.length).toBe(1000);
  });

  it("does not follow redirects", async () => {
    upstream.handle = (req, res) => {
      if (req.url === "/start") {
        res.writeHead(302, { location: "/elsewhere" });
        res.end();
      } else {
        res.end("followed");
      }
    };
    const result = await client.send({ method: "GET", url: `${upstream.base}/start`, headers: {} }, options());
    expect(result.ok && result.status).toBe(302);
    expect(result.ok && result.headers.location).toBe("/elsewhere");
    expect(upstream.hits.map((h) => h.url)).toEqual(["/start"]);
  });
});

describe("send: SSRF guard", () => {
  let guarded: OutboundClient;
  beforeAll(() => {
    guarded = createOutboundClient({ allowPrivate: false });
  });
  afterAll(async () => {
    await guarded.close();
  });

  it("refuses 127.0.0.1 before connecting", async () => {
    const result = await guarded.send({ method: "GET", url: `${upstream.base}/x`, headers: {} }, options());
    expect(result).toMatchObject({ ok: false, kind: "blocked", attempts: 0, message: "address 127.0.0.1 is loopback" });
    expect(upstream.hits).toHaveLength(0);
    expect(upstream.connections).toBe(0);
  });

  it.each(["2130706433", "0x7f.1", "0177.0.0.1", "[::ffff:127.0.0.1]"])("refuses the IP form %s", async (host) => {
    const result = await guarded.send({ method: "GET", url: `http://${host}:${upstream.port}/x`, headers: {} }, options());
    expect(result).toMatchObject({ ok: false, kind: "blocked" });
    expect(upstream.connections).toBe(0);
  });

  it("refuses localhost after DNS resolution, at connection time, without retrying", async () => {
    const result = await guarded.send({ method: "GET", url: `http://localhost:${upstream.port}/x`, headers: {} }, options());
    expect(result).toMatchObject({ ok: false, kind: "blocked", attempts: 1 });
    expect(!result.ok && result.message).toMatch(/^host localhost resolves to (127\.0\.0\.1|::1), which is loopback$/);
    expect(delays).toEqual([]);
    expect(upstream.hits).toHaveLength(0);
    expect(upstream.connections).toBe(0);
  });

  it("lets private addresses through when allowPrivate is set", async () => {
    upstream.handle = (_req, res) => json(res, 200, { hello: "local" });
    const result = await client.send({ method: "GET", url: `http://localhost:${upstream.port}/x`, headers: {} }, options());
    expect(result.ok && result.status).toBe(200);
    expect(upstream.hits).toHaveLength(1);
  });

  it("enforces https unless http is allowed", async () => {
    const result = await client.send({ method: "GET", url: `${upstream.base}/x`, headers: {} }, options({ allowHttp: false }));
    expect(result).toMatchObject({ ok: false, kind: "blocked", attempts: 0, message: "plain http is not allowed; use https" });
    expect(upstream.hits).toHaveLength(0);
  });

  it("enforces allowedHosts", async () => {
    const result = await client.send(
      { method: "GET", url: `${upstream.base}/x`, headers: {} },
      options({ allowedHosts: ["api.example.com"] }),
    );
    expect(result).toMatchObject({ ok: false, kind: "blocked", message: "host 127.0.0.1 is not in the allowed hosts" });
    const allowed = await client.send(
      { method: "GET", url: `${upstream.base}/x`, headers: {} },
      options({ allowedHosts: ["127.0.0.1"] }),
    );
    expect(allowed.ok).toBe(true);
  });

  it("reaches an allowlisted host:port, and nothing else private, with the guard on", async () => {
    upstream.handle = (_req, res) => json(res, 200, { hello: "allowlisted" });
    const parsed = parseUpstreamAllowlist(`127.0.0.1:${upstream.port},localhost:${upstream.port}`);
    const allowlisted = createOutboundClient({ allowPrivate: false, allowlist: parsed.ok ? parsed.allowlist : new Set() });
    try {
      const byAddress = await allowlisted.send({ method: "GET", url: `${upstream.base}/x`, headers: {} }, options());
      expect(byAddress.ok && byAddress.status).toBe(200);
      // A listed host name connects without the post-DNS address check too.
      const byName = await allowlisted.send({ method: "GET", url: `http://localhost:${upstream.port}/y`, headers: {} }, options());
      expect(byName.ok && byName.status).toBe(200);
      expect(upstream.hits.map((h) => h.url)).toEqual(["/x", "/y"]);

      // Another port on the same address, and another loopback address on the listed port.
      const otherPort = await allowlisted.send({ method: "GET", url: `http://127.0.0.1:${upstream.port === 65535 ? 1 : upstream.port + 1}/x`, headers: {} }, options());
      expect(otherPort).toMatchObject({ ok: false, kind: "blocked", attempts: 0, message: "address 127.0.0.1 is loopback" });
      const otherHost = await allowlisted.send({ method: "GET", url: `http://127.0.0.2:${upstream.port}/x`, headers: {} }, options());
      expect(otherHost).toMatchObject({ ok: false, kind: "blocked", message: "address 127.0.0.2 is loopback" });
      expect(upstream.hits).toHaveLength(2);
    } finally {
      await allowlisted.close();
    }
  });

  it("reports invalid URLs without sending", async () => {
    const result = await client.send({ method: "GET", url: "not a url", headers: {} }, options());
    expect(result).toMatchObject({ ok: false, kind: "invalid_url", attempts: 0, upstreamMs: 0, attemptLog: [] });
  });
});
