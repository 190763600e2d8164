/**
 * The demo CRM HTTP server: plain `node:http`, JSON in and out, data in memory.
 *
 * Request pipeline: read the body (≤ 1 MiB) → verify the signature (every route but the
 * public ones, when a verifier is injected) → route → idempotency check → handler → record.
 * Everything after verification runs synchronously, so the idempotency check and the write it
 * guards happen in one tick and concurrent retries cannot both write.
 */
import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { actorOf, identityScope } from "./identity.ts";
import { buildOpenApiDocument } from "./openapi.ts";
import { matchRoute, routeKey, type RouteSpec } from "./routes.ts";
import { DemoStore } from "./store.ts";
import { parseContactPatch, parseListQuery, parseNewCompany, parseNewContact, parseNote, type Issue } from "./validate.ts";

export type VerifyResult = { ok: true; identity: Record<string, unknown> } | { ok: false; reason: string };

/**
 * Checks one request's signature. Receives the raw body because the stream has already been
 * read by the time it runs. Built by the caller on `verifyRequest()` from `@tengine/sdk`.
 */
export type RequestVerifier = (req: http.IncomingMessage, body: Buffer) => Promise<VerifyResult>;

export interface DemoCrmOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; default `127.0.0.1`. */
  host?: string;
  /** When given, every request except `GET /openapi.json` and `GET /healthz` must pass it. */
  verify?: RequestVerifier;
  /** Base URL written into `servers` of the OpenAPI document; default the listening URL. */
  publicUrl?: string;
  /** Clock, for tests of the 24 h idempotency window. */
  now?: () => number;
}

export interface DemoCrmServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:4010`. */
  url: string;
  port: number;
  close(): Promise<void>;
  store: DemoStore;
}

/** How long a completed `Idempotency-Key` is remembered. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
const MAX_BODY_BYTES = 1024 * 1024;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

interface Context {
  store: DemoStore;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  actor: string;
  baseUrl: string;
}

const validationFailed = (details: Issue[]): Reply => ({ status: 400, body: { error: "validation_failed", details } });
const notFound = (what: string, id: string): Reply => ({ status: 404, body: { error: "not_found", message: `${what} ${id} not found` } });

/** One handler per operationId; each does its whole job synchronously. */
const HANDLERS: Record<string, (ctx: Context) => Reply> = {
  getHealth: () => ({ status: 200, body: { ok: true, service: "demo-crm" } }),
  getOpenApiDocument: (ctx) => ({ status: 200, body: buildOpenApiDocument(ctx.baseUrl) }),

  searchContacts: ({ store, query }) => {
    const parsed = parseListQuery(query, ["q", "companyId", "limit"]);
    if (!parsed.ok) return validationFailed(parsed.issues);
    return { status: 200, body: store.searchContacts(parsed.value) };
  },
  getContact: ({ store, params }) => {
    const id = params.id ?? "";
    return wrap(store.getContact(id), () => notFound("contact", id));
  },
  createContact: ({ store, body, actor }) => {
    const parsed = parseNewContact(body, (id) => store.companies.has(id));
    if (!parsed.ok) return validationFailed(parsed.issues);
    return { status: 201, body: store.createContact(parsed.value, actor) };
  },
  updateContact: ({ store, params, body, actor }) => {
    const id = params.id ?? "";
    if (!store.contacts.has(id)) return notFound("contact", id);
    const parsed = parseContactPatch(body, (companyId) => store.companies.has(companyId));
    if (!parsed.ok) return validationFailed(parsed.issues);
    return wrap(store.updateContact(id, parsed.value, actor), () => notFound("contact", id));
  },
  deleteContact: ({ store, params }) => {
    const id = params.id ?? "";
    return store.deleteContact(id) ? { status: 200, body: { id, deleted: true } } : notFound("contact", id);
  },
  addContactNote: ({ store, params, body, actor }) => {
    const id = params.id ?? "";
    if (!store.contacts.has(id)) return notFound("contact", id);
    const parsed = parseNote(body);
    if (!parsed.ok) return validationFailed(parsed.issues);
    const note = store.addNote(id, parsed.value.text, actor);
    return note ? { status: 201, body: note } : notFound("contact", id);
  },

  listCompanies: ({ store, query }) => {
    const parsed = parseListQuery(query, ["q", "limit"]);
    if (!parsed.ok) return validationFailed(parsed.issues);
    return { status: 200, body: store.listCompanies(parsed.value) };
  },
  getCompany: ({ store, params }) => {
    const id = params.id ?? "";
    return wrap(store.getCompany(id), () => notFound("company", id));
  },
  createCompany: ({ store, body, actor }) => {
    const parsed = parseNewCompany(body);
    if (!parsed.ok) return validationFailed(parsed.issues);
    return { status: 201, body: store.createCompany(parsed.value, actor) };
  },
};

function wrap(value: unknown, missing: () => Reply): Reply {
  return value === undefined ? missing() : { status: 200, body: value };
}

/** Starts the demo CRM and resolves once it is listening. */
export async function startDemoCrm(options: DemoCrmOptions = {}): Promise<DemoCrmServer> {
  const now = options.now ?? Date.now;
  const store = new DemoStore(now);
  const host = options.host ?? "127.0.0.1";
  let baseUrl = "";

  const server = http.createServer((req, res) => {
    handle(req, res).catch(() => {
      // Never leak internals; the stack stays on the server.
      if (!res.headersSent) send(res, { status: 500, body: { error: "internal_error" } });
      else res.destroy();
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (body === "too_large") {
      res.setHeader("Connection", "close");
      return send(res, { status: 413, body: { error: "payload_too_large", message: `bodies are limited to ${MAX_BODY_BYTES} bytes` } });
    }

    const method = req.method ?? "GET";
    const url = new URL(req.url ?? "/", "http://demo-crm.invalid");
    const match = matchRoute(method, url.pathname);
    const isPublic = match.kind === "found" && match.route.public;

    let identity: Record<string, unknown> | null = null;
    if (options.verify && !isPublic) {
      const verdict = await options.verify(req, body);
      if (!verdict.ok) {
        store.rejected++;
        return send(res, { status: 401, body: { error: "invalid_signature", reason: verdict.reason } });
      }
      identity = verdict.identity;
    }

    if (match.kind === "not_found") {
      return send(res, { status: 404, body: { error: "not_found", message: `no route for ${method} ${url.pathname}` } });
    }
    if (match.kind === "method_not_allowed") {
      return send(res, {
        status: 405,
        body: { error: "method_not_allowed", message: `${method} is not allowed on ${url.pathname}` },
        headers: { Allow: match.allow.join(", ") },
      });
    }

    const reply = dispatch(match.route, match.params, url, method, req.headers["idempotency-key"], body, identity);
    send(res, reply);
  }

  /** Synchronous from here on: see the module comment. */
  function dispatch(
    route: RouteSpec,
    params: Record<string, string>,
    url: URL,
    method: string,
    rawKey: string | string[] | undefined,
    rawBody: Buffer,
    identity: Record<string, unknown> | null,
  ): Reply {
    const key = routeKey(route);
    const actor = actorOf(identity);
    const idempotencyKey = route.write && rawKey !== undefined ? (Array.isArray(rawKey) ? rawKey.join(", ") : rawKey) : null;
    let replayed = false;
    bump(store.requests, key);

    const reply = ((): Reply => {
      let body: unknown;
      if (rawBody.length > 0 && route.write) {
        try {
          body = JSON.parse(rawBody.toString("utf8"));
        } catch {
          return { status: 400, body: { error: "invalid_json", details: [{ field: "(body)", message: "is not valid JSON" }] } };
        }
      }
      const ctx: Context = { store, params, query: url.searchParams, body, actor, baseUrl };
      const handler = HANDLERS[route.operationId]!;
      if (idempotencyKey === null) {
        const out = handler(ctx);
        if (route.write && ok(out.status)) bump(store.writes, key);
        return out;
      }

      if (!IDEMPOTENCY_KEY.test(idempotencyKey)) {
        return {
          status: 400,
          body: { error: "invalid_idempotency_key", details: [{ field: "Idempotency-Key", message: "must be 1-255 visible ASCII characters" }] },
        };
      }
      sweepExpired(store, now());
      const slot = `${identityScope(identity)}\u0000${idempotencyKey}`;
      const fingerprint = fingerprintOf(method, url, body, rawBody);
      const previous = store.idempotency.get(slot);
      if (previous) {
        if (previous.fingerprint !== fingerprint) {
          return {
            status: 422,
            body: {
              error: "idempotency_key_reused",
              message: "this Idempotency-Key was already used for a different request (method, path or body); use a new key for a new request",
            },
          };
        }
        replayed = true;
        bump(store.replays, key);
        return { status: previous.status, body: previous.body, headers: { "Idempotent-Replayed": "true" } };
      }
      const out = handler(ctx);
      // Only completed writes are remembered: a request that failed validation or hit a
      // missing record changed nothing, so the caller may fix it and retry with the same key.
      if (ok(out.status)) {
        bump(store.writes, key);
        store.idempotency.set(slot, { fingerprint, status: out.status, body: out.body, expiresAt: now() + IDEMPOTENCY_TTL_MS });
      }
      return out;
    })();

    store.record({
      at: new Date(now()).toISOString(),
      method,
      route: key,
      path: url.pathname + url.search,
      status: reply.status,
      identity,
      actor,
      idempotencyKey,
      replayed,
    });
    return reply;
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://${urlHost(host)}:${port}`;
  baseUrl = (options.publicUrl ?? url).replace(/\/+$/, "");

  return {
    url,
    port,
    store,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1);
}

function sweepExpired(store: DemoStore, at: number): void {
  for (const [slot, record] of store.idempotency) if (record.expiresAt <= at) store.idempotency.delete(slot);
}

/** Same method, path and JSON body (key order ignored) → same fingerprint. */
function fingerprintOf(method: string, url: URL, body: unknown, rawBody: Buffer): string {
  const hash = createHash("sha256").update(`${method} ${url.pathname}${url.search}\n`);
  hash.update(body === undefined ? rawBody : canonicalJson(body));
  return hash.digest("base64url");
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

function urlHost(host: string): string {
  if (host === "0.0.0.0" || host === "") return "127.0.0.1";
  if (host === "::") return "[::1]";
  return host.includes(":") ? `[${host}]` : host;
}

function readBody(req: http.IncomingMessage): Promise<Buffer | "too_large"> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) tooLarge = true;
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(tooLarge ? "too_large" : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

function send(res: http.ServerResponse, reply: Reply): void {
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": Buffer.byteLength(payload),
    "Cache-Control": "no-store",
    ...reply.headers,
  });
  res.end(payload);
}
