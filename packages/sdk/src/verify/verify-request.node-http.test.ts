import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { signRequest } from "../signing/sign-request.ts";
import { generateSigningSecret } from "../signing/signing-secret.ts";
import { MemoryNonceStore } from "./nonce-store.ts";
import { verifyRequest, type VerifyRequestOptions } from "./verify-request.ts";
import type { VerifyResult } from "./verify-result.ts";

const SECRET = generateSigningSecret();
const KEY = { keyid: "sig_live", secret: SECRET };

type Handler = (req: IncomingMessage, options: VerifyRequestOptions) => Promise<VerifyResult>;

let server: Server;
let origin: string;
let handler: Handler;
let nonceStore: MemoryNonceStore;

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    handler(req, { secrets: { [KEY.keyid]: SECRET }, nonceStore })
      .then((result) => {
        res.writeHead(result.ok ? 200 : 401, { "content-type": "application/json" });
        res.end(JSON.stringify(result.ok ? { ...result, body: new TextDecoder().decode(result.body) } : result));
      })
      .catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: (error as Error).message }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  nonceStore = new MemoryNonceStore();
  handler = (req, options) => verifyRequest(req, options);
});

/** Signs for `signedUrl` (default: the URL actually called) and sends the request with fetch. */
async function send(
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string; signedUrl?: string; tamper?: (headers: Headers) => void; sendBody?: string } = {},
) {
  const url = `${origin}${path}`;
  const method = init.method ?? "POST";
  const headers = init.headers ?? { "content-type": "application/json", "x-tengine-run-id": "run_1", "x-tengine-member-id": "mem_1" };
  const signature = signRequest({ method, url: init.signedUrl ?? url, headers, body: init.body }, KEY);
  const wire = new Headers({ ...headers, ...signature });
  init.tamper?.(wire);
  const response = await fetch(url, { method, headers: wire, body: init.sendBody ?? init.body });
  return { status: response.status, json: (await response.json()) as Record<string, unknown>, signature, headers };
}

describe("verifyRequest over a real Node HTTP server", () => {
  it("verifies an IncomingMessage, reading the body stream itself", async () => {
    const { status, json } = await send("/v1/orders?expand=items", { body: '{"amount":42}' });
    expect(status).toBe(200);
    expect(json).toEqual({ ok: true, keyid: "sig_live", body: '{"amount":42}', identity: { runId: "run_1", memberId: "mem_1" } });
  });

  it("verifies a GET without a body", async () => {
    const { json } = await send("/v1/orders/1", { method: "GET" });
    expect(json).toMatchObject({ ok: true, body: "", identity: { runId: "run_1" } });
  });

  it("verifies against options.body when the framework already read the stream", async () => {
    handler = async (req, options) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return verifyRequest(req, { ...options, body: Buffer.concat(chunks) });
    };
    expect((await send("/v1/orders", { body: '{"amount":42}' })).json).toMatchObject({ ok: true, body: '{"amount":42}' });
  });

  it("throws, rather than failing the request, when the stream was consumed and no body passed", async () => {
    handler = async (req, options) => {
      for await (const _ of req) void _;
      return verifyRequest(req, options);
    };
    const { status, json } = await send("/v1/orders", { body: '{"amount":42}' });
    expect(status).toBe(500);
    expect(json.error).toMatch(/options\.body/);
  });

  it("needs options.url when the public URL differs from what the server sees (proxy)", async () => {
    const signedUrl = "https://api.example.com/v1/orders?x=1";
    const direct = await send("/v1/orders?x=1", { body: "{}", signedUrl });
    expect(direct.json).toMatchObject({ ok: false, reason: "signature_mismatch" });

    handler = (req, options) => verifyRequest(req, { ...options, url: `https://api.example.com${req.url}` });
    expect((await send("/v1/orders?x=1", { body: "{}", signedUrl })).json).toMatchObject({ ok: true });
  });

  it("uses options.protocol for the reconstructed target URI", async () => {
    handler = (req, options) => verifyRequest(req, { ...options, protocol: "https" });
    const signedUrl = `${origin.replace("http:", "https:")}/v1/orders`;
    expect((await send("/v1/orders", { body: "{}", signedUrl })).json).toMatchObject({ ok: true });
  });

  it("rejects a body changed in transit", async () => {
    const { json } = await send("/v1/orders", { body: '{"amount":42}', sendBody: '{"amount":4200}' });
    expect(json).toMatchObject({ ok: false, reason: "content_digest_mismatch" });
  });

  it("rejects a duplicated identity header, which Node joins into one value", async () => {
    const { json } = await send("/v1/orders", { body: "{}", tamper: (h) => h.append("x-tengine-member-id", "mem_evil") });
    expect(json).toMatchObject({ ok: false, reason: "signature_mismatch" });
  });

  it("rejects an unsigned identity header added in transit", async () => {
    const { json } = await send("/v1/orders", { body: "{}", tamper: (h) => h.set("x-tengine-principal", "admin") });
    expect(json).toMatchObject({ ok: false, reason: "identity_header_not_covered" });
  });

  it("rejects a replayed request", async () => {
    const url = `${origin}/v1/orders`;
    const headers = { "x-tengine-run-id": "run_1" };
    const wire = { ...headers, ...signRequest({ method: "POST", url, headers, body: "{}" }, KEY) };
    const first = await fetch(url, { method: "POST", headers: wire, body: "{}" });
    const second = await fetch(url, { method: "POST", headers: wire, body: "{}" });
    expect(await first.json()).toMatchObject({ ok: true });
    expect(await second.json()).toMatchObject({ ok: false, reason: "nonce_replayed" });
  });

  it("verifies a Fetch Request built from the IncomingMessage, as fetch-style adapters do", async () => {
    handler = (req, options) => {
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(`http://${req.headers.host}${req.url}`, {
        method: req.method,
        headers: Object.entries(req.headersDistinct).flatMap(([name, values]) => (values ?? []).map((v): [string, string] => [name, v])),
        body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
        duplex: "half",
      } as RequestInit);
      return verifyRequest(request, options);
    };
    expect((await send("/v1/orders?q=1", { body: '{"amount":42}' })).json).toMatchObject({ ok: true, body: '{"amount":42}' });
    expect((await send("/v1/orders?q=1", { body: '{"amount":42}', sendBody: '{"amount":1}' })).json).toMatchObject({
      ok: false,
      reason: "content_digest_mismatch",
    });
  });
});
