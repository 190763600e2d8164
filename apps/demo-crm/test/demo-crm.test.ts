import type http from "node:http";
import Ajv2020 from "ajv/dist/2020.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { IDEMPOTENCY_TTL_MS, ROUTES, demoCrmTools, routeKey, startDemoCrm, type DemoCrmServer, type JsonValue, type ToolDefinition } from "../src/index.ts";

interface Res {
  status: number;
  headers: Headers;
  json: any;
}

function client(base: () => string) {
  return async (method: string, path: string, init: { body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<Res> => {
    const body = init.raw ?? (init.body === undefined ? undefined : JSON.stringify(init.body));
    const res = await fetch(`${base()}${path}`, {
      method,
      headers: { ...(body !== undefined && { "content-type": "application/json" }), ...init.headers },
      ...(body !== undefined && { body }),
    });
    return { status: res.status, headers: res.headers, json: await res.json() };
  };
}

function newAjv() {
  return new Ajv2020({ strict: true, allErrors: true, validateFormats: false });
}

describe("demo CRM without a verifier", () => {
  let crm: DemoCrmServer;
  let clock = Date.now();
  const call = client(() => crm.url);

  beforeAll(async () => {
    crm = await startDemoCrm({ port: 0, now: () => clock });
  });
  afterAll(() => crm.close());
  afterEach(() => crm.store.reset());

  it("seeds eight contacts and four companies and answers /healthz", async () => {
    expect(crm.url).toBe(`http://127.0.0.1:${crm.port}`);
    expect((await call("GET", "/healthz")).json).toEqual({ ok: true, service: "demo-crm" });
    const contacts = await call("GET", "/contacts?limit=100");
    expect(contacts.json.total).toBe(8);
    expect(contacts.json.contacts.map((c: { id: string }) => c.id)).toEqual(["c_1", "c_2", "c_3", "c_4", "c_5", "c_6", "c_7", "c_8"]);
    const companies = await call("GET", "/companies");
    expect(companies.json.companies.map((c: { id: string }) => c.id)).toEqual(["co_1", "co_2", "co_3", "co_4"]);
  });

  it("creates, reads, updates and deletes a contact", async () => {
    const created = await call("POST", "/contacts", {
      body: { name: "  Hana Sato ", email: "hana@globex.example", phone: "+81 3 5550 0199", companyId: "co_4", tags: ["lead", "lead", "apac"] },
    });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({
      id: "c_9",
      name: "Hana Sato",
      email: "hana@globex.example",
      companyId: "co_4",
      companyName: "Lumen Analytics",
      tags: ["lead", "apac"],
      notes: [],
      createdBy: "anonymous",
      updatedBy: "anonymous",
    });

    const fetched = await call("GET", "/contacts/c_9");
    expect(fetched.status).toBe(200);
    expect(fetched.json).toEqual(created.json);

    clock += 1000;
    const patched = await call("PATCH", "/contacts/c_9", { body: { phone: "", tags: ["customer"], name: null, email: null } });
    expect(patched.status).toBe(200);
    expect(patched.json).toMatchObject({ name: "Hana Sato", email: "hana@globex.example", phone: null, tags: ["customer"], companyId: "co_4" });
    expect(patched.json.updatedAt > patched.json.createdAt).toBe(true);

    const detached = await call("PATCH", "/contacts/c_9", { body: { companyId: "" } });
    expect(detached.json).toMatchObject({ companyId: null, companyName: null });

    const note = await call("POST", "/contacts/c_9/notes", { body: { text: "Asked for a demo next Tuesday." } });
    expect(note.status).toBe(201);
    expect(note.json).toMatchObject({ contactId: "c_9", text: "Asked for a demo next Tuesday.", createdBy: "anonymous" });
    expect((await call("GET", "/contacts/c_9")).json.notes).toHaveLength(1);

    const deleted = await call("DELETE", "/contacts/c_9");
    expect(deleted).toMatchObject({ status: 200, json: { id: "c_9", deleted: true } });
    expect((await call("GET", "/contacts/c_9")).status).toBe(404);
    expect((await call("DELETE", "/contacts/c_9")).status).toBe(404);

    expect(crm.store.writeCountFor("POST /contacts")).toBe(1);
    expect(crm.store.writeCountFor("PATCH /contacts/{id}")).toBe(2);
    expect(crm.store.writeCountFor("DELETE /contacts/{id}")).toBe(1);
    expect(crm.store.writeCount).toBe(5);
  });

  it("creates a company and shows it with its contacts", async () => {
    const company = await call("POST", "/companies", { body: { name: "Globex", domain: "Globex.Example", industry: "Energy" } });
    expect(company.status).toBe(201);
    expect(company.json).toMatchObject({ id: "co_5", name: "Globex", domain: "globex.example", contactCount: 0, contacts: [] });
    await call("POST", "/contacts", { body: { name: "Hank Scorpio", companyId: "co_5" } });
    const detail = await call("GET", "/companies/co_5");
    expect(detail.json.contactCount).toBe(1);
    expect(detail.json.contacts.map((c: { name: string }) => c.name)).toEqual(["Hank Scorpio"]);
    expect((await call("GET", "/companies/co_1")).json.contacts).toHaveLength(2);
  });

  it("searches contacts by name, email and company, with a limit", async () => {
    const byName = await call("GET", "/contacts?q=PRIYA");
    expect(byName.json.contacts.map((c: { name: string }) => c.name)).toEqual(["Priya Raman"]);
    const byEmail = await call("GET", `/contacts?q=${encodeURIComponent("@bluebirdhealth")}`);
    expect(byEmail.json.contacts.map((c: { id: string }) => c.id)).toEqual(["c_5", "c_6"]);
    const byCompany = await call("GET", "/contacts?companyId=co_2");
    expect(byCompany.json.contacts.map((c: { id: string }) => c.id)).toEqual(["c_3", "c_4"]);
    const limited = await call("GET", "/contacts?limit=3");
    expect(limited.json.contacts).toHaveLength(3);
    expect(limited.json.total).toBe(8);
    // Empty values (what an omitted optional input may render to) mean "no filter".
    const empty = await call("GET", "/contacts?q=&companyId=&limit=");
    expect(empty.json.total).toBe(8);
    expect((await call("GET", "/contacts?q=nobody-by-that-name")).json).toEqual({ contacts: [], total: 0 });
    expect((await call("GET", "/companies?q=acme")).json.companies.map((c: { id: string }) => c.id)).toEqual(["co_2"]);
  });

  it("answers invalid input with 400 and the problems named", async () => {
    const missing = await call("POST", "/contacts", { body: { email: "not-an-email", tags: "vip", nickname: "x" } });
    expect(missing.status).toBe(400);
    expect(missing.json.error).toBe("validation_failed");
    expect(missing.json.details.map((d: { field: string }) => d.field).sort()).toEqual(["email", "name", "nickname", "tags"]);

    const unknownCompany = await call("POST", "/contacts", { body: { name: "A", companyId: "co_99" } });
    expect(unknownCompany.status).toBe(400);
    expect(unknownCompany.json.details).toEqual([{ field: "companyId", message: expect.stringContaining("co_99") }]);

    expect((await call("POST", "/contacts", { raw: "{not json" })).json).toMatchObject({ error: "invalid_json" });
    expect((await call("POST", "/contacts", { body: ["Ada"] })).status).toBe(400);
    expect((await call("POST", "/contacts")).status).toBe(400);
    expect((await call("PATCH", "/contacts/c_1", { body: {} })).status).toBe(400);
    expect((await call("PATCH", "/contacts/c_1", { body: { name: "" } })).json.details).toEqual([{ field: "name", message: "must not be empty" }]);
    expect((await call("POST", "/companies", { body: { name: "X", domain: "https://x.example/" } })).json.details[0].field).toBe("domain");
    expect((await call("POST", "/contacts/c_1/notes", { body: { text: "   " } })).status).toBe(400);
    expect((await call("GET", "/contacts?limit=0")).json.details[0].field).toBe("limit");
    expect((await call("GET", "/contacts?limit=abc")).status).toBe(400);
    expect((await call("GET", "/contacts?sort=name")).status).toBe(400);
    expect(crm.store.writeCount).toBe(0);
    expect(crm.store.contacts.size).toBe(8);
  });

  it("answers unknown records and routes with 404 and wrong methods with 405", async () => {
    expect(await call("GET", "/contacts/c_404")).toMatchObject({ status: 404, json: { error: "not_found" } });
    expect((await call("PATCH", "/contacts/c_404", { body: { name: "X" } })).status).toBe(404);
    expect((await call("DELETE", "/contacts/c_404")).status).toBe(404);
    expect((await call("POST", "/contacts/c_404/notes", { body: { text: "hi" } })).status).toBe(404);
    expect((await call("GET", "/companies/co_404")).status).toBe(404);
    expect((await call("GET", "/deals")).status).toBe(404);
    const wrong = await call("PUT", "/contacts/c_1", { body: { name: "X" } });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET, PATCH, DELETE");
  });

  it("replays a repeated Idempotency-Key without a second write", async () => {
    const body = { name: "Idris Elba", email: "idris@example.com" };
    const first = await call("POST", "/contacts", { body, headers: { "Idempotency-Key": "create-idris-1" } });
    // Same body, keys in another order: still the same request.
    const second = await call("POST", "/contacts", { body: { email: "idris@example.com", name: "Idris Elba" }, headers: { "Idempotency-Key": "create-idris-1" } });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(crm.store.requestCount("POST /contacts")).toBe(2);
    expect(crm.store.writeCountFor("POST /contacts")).toBe(1);
    expect(crm.store.replays.get("POST /contacts")).toBe(1);
    expect(crm.store.contacts.size).toBe(9);

    // DELETE replays its 200 instead of answering 404 the second time.
    const del1 = await call("DELETE", "/contacts/c_1", { headers: { "Idempotency-Key": "del-c1" } });
    const del2 = await call("DELETE", "/contacts/c_1", { headers: { "Idempotency-Key": "del-c1" } });
    expect([del1.status, del2.status]).toEqual([200, 200]);
    expect(crm.store.writeCountFor("DELETE /contacts/{id}")).toBe(1);
  });

  it("answers a reused Idempotency-Key with a different request with 422 and writes nothing", async () => {
    await call("POST", "/contacts", { body: { name: "Ada Lovelace" }, headers: { "Idempotency-Key": "k-1" } });
    const reused = await call("POST", "/contacts", { body: { name: "Grace Hopper" }, headers: { "Idempotency-Key": "k-1" } });
    expect(reused.status).toBe(422);
    expect(reused.json.error).toBe("idempotency_key_reused");
    const otherRoute = await call("POST", "/companies", { body: { name: "Ada Lovelace" }, headers: { "Idempotency-Key": "k-1" } });
    expect(otherRoute.status).toBe(422);
    expect(crm.store.writeCount).toBe(1);
    expect(crm.store.contacts.size).toBe(9);
    expect(crm.store.companies.size).toBe(4);
  });

  it("does not store failed requests, and forgets keys after 24 hours", async () => {
    const invalid = await call("POST", "/contacts", { body: { name: "" }, headers: { "Idempotency-Key": "k-fix" } });
    expect(invalid.status).toBe(400);
    const fixed = await call("POST", "/contacts", { body: { name: "Fixed Name" }, headers: { "Idempotency-Key": "k-fix" } });
    expect(fixed.status).toBe(201);

    clock += IDEMPOTENCY_TTL_MS - 1000;
    expect((await call("POST", "/contacts", { body: { name: "Fixed Name" }, headers: { "Idempotency-Key": "k-fix" } })).headers.get("idempotent-replayed")).toBe("true");
    clock += 2000;
    const again = await call("POST", "/contacts", { body: { name: "Fixed Name" }, headers: { "Idempotency-Key": "k-fix" } });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBeNull();
    expect(again.json.id).not.toBe(fixed.json.id);
    expect(crm.store.writeCount).toBe(2);

    expect((await call("POST", "/contacts", { body: { name: "X" }, headers: { "Idempotency-Key": "bad key with spaces" } })).status).toBe(400);
  });

  it("writes once when concurrent requests carry the same key", async () => {
    const results = await Promise.all(
      Array.from({ length: 8 }, () => call("POST", "/contacts/c_2/notes", { body: { text: "Called back." }, headers: { "Idempotency-Key": "note-race" } })),
    );
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(crm.store.writeCount).toBe(1);
    expect(crm.store.requestCount("POST /contacts/{id}/notes")).toBe(8);
    expect(crm.store.getContact("c_2")?.notes).toHaveLength(1);
  });

  it("serves an OpenAPI 3.1 document that lists every route with an operationId", async () => {
    const res = await call("GET", "/openapi.json");
    expect(res.status).toBe(200);
    const doc = res.json;
    expect(doc.openapi).toBe("3.1.0");
    expect(doc.servers).toEqual([{ url: crm.url }]);

    const apiRoutes = ROUTES.filter((r) => !r.public);
    expect(apiRoutes).toHaveLength(9);
    const listed: string[] = [];
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      for (const method of Object.keys(item)) listed.push(`${method.toUpperCase()} ${path}`);
    }
    expect(listed.sort()).toEqual(apiRoutes.map(routeKey).sort());

    const operationIds = new Set<string>();
    for (const r of apiRoutes) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      expect(op.operationId).toBe(r.operationId);
      operationIds.add(op.operationId);
      expect(op.summary).toBeTruthy();
      expect(op.description).toContain(`**Required scope:** ${r.scope}`);
      expect(Object.keys(op.responses).length).toBeGreaterThan(1);
      for (const name of r.path.match(/\{(\w+)\}/g) ?? []) {
        expect(op.parameters.some((p: { in: string; name: string; required: boolean }) => p.in === "path" && `{${p.name}}` === name && p.required)).toBe(true);
      }
      if (r.method === "POST" || r.method === "PATCH") expect(op.requestBody.required).toBe(true);
    }
    expect(operationIds.size).toBe(9);
  });

  it("answers as its OpenAPI schemas say", async () => {
    const doc = (await call("GET", "/openapi.json")).json;
    const ajv = newAjv();
    const id = (name: string) => `https://demo-crm.test/schemas/${name}`;
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      ajv.addSchema(JSON.parse(JSON.stringify(schema).replaceAll("#/components/schemas/", "https://demo-crm.test/schemas/")), id(name));
    }
    const check = (name: string, value: unknown) => {
      const validate = ajv.getSchema(id(name))!;
      expect(validate(value), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    };
    const schemaOf = (path: string, method: string, status: number) =>
      doc.paths[path][method].responses[status].content["application/json"].schema.$ref.split("/").pop() as string;

    const cases: Array<[string, string, string, number, unknown?]> = [
      ["GET", "/contacts", "/contacts", 200],
      ["GET", "/contacts/c_1", "/contacts/{id}", 200],
      ["POST", "/contacts", "/contacts", 201, { name: "New Person", email: "np@example.com", phone: "+1 555 0100", companyId: "co_1", tags: ["x"] }],
      ["PATCH", "/contacts/c_2", "/contacts/{id}", 200, { email: "", tags: [] }],
      ["POST", "/contacts/c_2/notes", "/contacts/{id}/notes", 201, { text: "hello" }],
      ["DELETE", "/contacts/c_3", "/contacts/{id}", 200],
      ["GET", "/companies", "/companies", 200],
      ["GET", "/companies/co_1", "/companies/{id}", 200],
      ["POST", "/companies", "/companies", 201, { name: "Initech", domain: "initech.example", industry: "Software" }],
      ["GET", "/contacts/nope", "/contacts/{id}", 404],
      ["POST", "/contacts", "/contacts", 400, { name: "" }],
    ];
    for (const [method, path, template, status, body] of cases) {
      const res = await call(method, path, body === undefined ? {} : { body });
      expect(res.status, `${method} ${path}`).toBe(status);
      check(schemaOf(template, method.toLowerCase(), status), res.json);
      if (body !== undefined && status < 300) check(doc.paths[template][method.toLowerCase()].requestBody.content["application/json"].schema.$ref.split("/").pop(), body);
    }
  });
});

describe("demo CRM with a verifier", () => {
  let crm: DemoCrmServer;
  const seen: Array<{ path: string | undefined; body: string }> = [];
  const call = client(() => crm.url);

  // Stands in for a verifier built on @tengine/sdk's verifyRequest(): accepts a fixed test
  // signature and returns the identity the gateway would have signed.
  async function verify(req: http.IncomingMessage, body: Buffer) {
    seen.push({ path: req.url, body: body.toString("utf8") });
    if (req.headers["x-test-signature"] !== "valid") return { ok: false as const, reason: "signature missing or invalid" };
    const identity: Record<string, unknown> = { projectId: "prj_demo", principal: req.headers["x-test-principal"] ?? "member" };
    if (req.headers["x-test-member-id"]) identity.memberId = req.headers["x-test-member-id"];
    if (req.headers["x-test-member-email"]) identity.memberEmail = req.headers["x-test-member-email"];
    return { ok: true as const, identity };
  }
  const ada = { "x-test-signature": "valid", "x-test-member-id": "mem_ada", "x-test-member-email": "ada@customer.example" };
  const bob = { "x-test-signature": "valid", "x-test-member-id": "mem_bob", "x-test-member-email": "bob@customer.example" };

  beforeAll(async () => {
    crm = await startDemoCrm({ verify });
  });
  afterAll(() => crm.close());
  afterEach(() => {
    crm.store.reset();
    seen.length = 0;
  });

  it("rejects unsigned requests with 401 and writes nothing", async () => {
    const res = await call("POST", "/contacts", { body: { name: "Mallory" } });
    expect(res.status).toBe(401);
    expect(res.json).toEqual({ error: "invalid_signature", reason: "signature missing or invalid" });
    expect((await call("GET", "/contacts")).status).toBe(401);
    expect((await call("GET", "/no-such-route")).status).toBe(401);
    expect(crm.store.rejected).toBe(3);
    expect(crm.store.contacts.size).toBe(8);
    expect(crm.store.requestCount()).toBe(0);
    expect(seen[0]).toEqual({ path: "/contacts", body: JSON.stringify({ name: "Mallory" }) });
  });

  it("serves /openapi.json and /healthz without a signature", async () => {
    const doc = await call("GET", "/openapi.json");
    expect(doc.status).toBe(200);
    expect(doc.json.servers[0].url).toBe(crm.url);
    expect((await call("GET", "/healthz")).status).toBe(200);
    expect(seen).toHaveLength(0);
  });

  it("records the verified member as createdBy / updatedBy", async () => {
    const created = await call("POST", "/contacts", { body: { name: "Signed Sam" }, headers: ada });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ createdBy: "ada@customer.example", updatedBy: "ada@customer.example" });
    const updated = await call("PATCH", `/contacts/${created.json.id}`, { body: { phone: "+1 555 0123" }, headers: bob });
    expect(updated.json).toMatchObject({ createdBy: "ada@customer.example", updatedBy: "bob@customer.example" });
    const byKey = await call("POST", "/companies", { body: { name: "Keyed Co" }, headers: { "x-test-signature": "valid", "x-test-principal": "api_key" } });
    expect(byKey.json.createdBy).toBe("api_key");
    const last = crm.store.log.at(-1)!;
    expect(last).toMatchObject({ route: "POST /companies", status: 201, actor: "api_key", identity: { projectId: "prj_demo", principal: "api_key" } });
  });

  it("keeps Idempotency-Keys apart per caller", async () => {
    const a = await call("POST", "/contacts", { body: { name: "Same Name" }, headers: { ...ada, "Idempotency-Key": "shared" } });
    const b = await call("POST", "/contacts", { body: { name: "Same Name" }, headers: { ...bob, "Idempotency-Key": "shared" } });
    const a2 = await call("POST", "/contacts", { body: { name: "Same Name" }, headers: { ...ada, "Idempotency-Key": "shared" } });
    expect(a.json.id).not.toBe(b.json.id);
    expect(b.json.createdBy).toBe("bob@customer.example");
    expect(a2.json).toEqual(a.json);
    expect(crm.store.writeCount).toBe(2);
  });

  it("answers a failing verifier and an oversized body without leaking details", async () => {
    const broken = await startDemoCrm({
      verify: async () => {
        throw new Error("secret-internal-detail");
      },
    });
    try {
      const res = await client(() => broken.url)("GET", "/contacts");
      expect(res).toMatchObject({ status: 500, json: { error: "internal_error" } });
      expect(JSON.stringify(res.json)).not.toContain("secret-internal-detail");
    } finally {
      await broken.close();
    }
    const big = await call("POST", "/contacts", { body: { name: "x".repeat(1024 * 1024) }, headers: ada });
    expect(big.status).toBe(413);
    expect(crm.store.contacts.size).toBe(8);
  });
});

// A minimal renderer with the template semantics of DESIGN §6, enough to drive the tools
// against the real server: path values are one encoded segment, omitted optional inputs are
// left out of query and body, whole-string body placeholders keep their type.
const PLACEHOLDER = /^\{\{input\.([A-Za-z0-9_]+)\}\}$/;
function renderRequest(tool: ToolDefinition, input: Record<string, unknown>): { method: string; url: string; body?: string } {
  const url = new URL(
    tool.url.replace(/\{\{input\.([A-Za-z0-9_]+)\}\}/g, (_, name: string) => {
      const value = input[name];
      if (value === undefined) throw new Error(`missing ${name}`);
      return encodeURIComponent(String(value));
    }),
  );
  for (const [name, template] of Object.entries(tool.query ?? {})) {
    const value = input[PLACEHOLDER.exec(template)![1]!];
    if (value !== undefined) url.searchParams.append(name, String(value));
  }
  if (tool.body === undefined) return { method: tool.method, url: url.href };
  const body: Record<string, unknown> = {};
  for (const [name, template] of Object.entries(tool.body as Record<string, JsonValue>)) {
    const value = input[PLACEHOLDER.exec(String(template))![1]!];
    if (value !== undefined) body[name] = value;
  }
  return { method: tool.method, url: url.href, body: JSON.stringify(body) };
}

describe("demo CRM tools", () => {
  let crm: DemoCrmServer;
  let tools: ToolDefinition[];
  beforeAll(async () => {
    crm = await startDemoCrm({
      verify: async (req) => (req.headers["x-signed"] === "yes" ? { ok: true, identity: { principal: "member", memberEmail: "tool-user@customer.example" } } : { ok: false, reason: "unsigned" }),
    });
    tools = demoCrmTools(`${crm.url}/`);
  });
  afterAll(() => crm.close());

  it("defines the nine demo tools in the tool-file shape", () => {
    expect(tools.map((t) => t.name)).toEqual([
      "search_contacts",
      "get_contact",
      "create_contact",
      "update_contact",
      "delete_contact",
      "list_companies",
      "get_company",
      "create_company",
      "add_contact_note",
    ]);
    for (const tool of tools) {
      expect(tool.name).toMatch(/^[A-Za-z0-9_.-]{1,64}$/);
      expect(tool.url.startsWith(crm.url + "/")).toBe(true);
      expect(tool.description.length).toBeGreaterThan(80);
      expect(tool.auth).toEqual({ type: "hmac" });
      expect(tool.annotations.openWorldHint).toBe(false);
      expect(tool.annotations.readOnlyHint).toBe(tool.method === "GET");
      expect(tool.annotations.destructiveHint).toBe(tool.name === "delete_contact");
      expect(JSON.parse(JSON.stringify(tool))).toEqual(tool);
      // Each tool targets a real route and asks for that route's scope.
      const path = decodeURI(new URL(tool.url.replace(/\{\{input\.\w+\}\}/g, "{id}")).pathname);
      const route = ROUTES.find((r) => r.method === tool.method && r.path === path);
      expect(route, tool.name).toBeDefined();
      expect(tool.requiredScopes).toEqual([route!.scope]);
    }
  });

  it("has input schemas that compile with ajv (JSON Schema 2020-12)", () => {
    const ajv = newAjv();
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe("object");
      expect(tool.inputSchema.additionalProperties).toBe(false);
      const validate = ajv.compile(tool.inputSchema);
      expect(validate({ unexpected: true })).toBe(false);
      // Every template placeholder names a declared input.
      const placeholders = JSON.stringify([tool.url, tool.query ?? {}, tool.body ?? {}]).match(/\{\{input\.(\w+)\}\}/g) ?? [];
      for (const p of placeholders) expect(Object.keys(tool.inputSchema.properties)).toContain(p.slice(8, -2));
    }
  });

  it("does real work against the CRM when rendered and sent", async () => {
    const ajv = newAjv();
    const run = async (name: string, input: Record<string, unknown>) => {
      const tool = tools.find((t) => t.name === name)!;
      const validate = ajv.compile(tool.inputSchema);
      expect(validate(input), `${name}: ${ajv.errorsText(validate.errors)}`).toBe(true);
      const req = renderRequest(tool, input);
      const res = await fetch(req.url, {
        method: req.method,
        headers: { "x-signed": "yes", ...(req.body !== undefined && { "content-type": "application/json" }) },
        ...(req.body !== undefined && { body: req.body }),
      });
      return { status: res.status, json: (await res.json()) as any };
    };

    expect((await run("search_contacts", {})).json.total).toBe(8);
    expect((await run("search_contacts", { query: "okafor", limit: 5 })).json.contacts[0].id).toBe("c_1");
    expect((await run("search_contacts", { companyId: "co_3" })).json.total).toBe(2);
    expect((await run("get_contact", { id: "c_6" })).json.notes).toHaveLength(1);
    const company = await run("create_company", { name: "Globex Corporation", domain: "globex.com" });
    expect(company).toMatchObject({ status: 201, json: { id: "co_5", createdBy: "tool-user@customer.example" } });
    const contact = await run("create_contact", { name: "Hank Scorpio", email: "hank@globex.com", companyId: "co_5", tags: ["ceo"] });
    expect(contact).toMatchObject({ status: 201, json: { id: "c_9", companyName: "Globex Corporation", tags: ["ceo"] } });
    expect((await run("update_contact", { id: "c_9", phone: "+1 555 0199", tags: ["ceo", "champion"] })).json).toMatchObject({
      email: "hank@globex.com",
      phone: "+1 555 0199",
      tags: ["ceo", "champion"],
      updatedBy: "tool-user@customer.example",
    });
    expect((await run("add_contact_note", { id: "c_9", text: "Wants a hammock district." })).status).toBe(201);
    expect((await run("get_company", { id: "co_5" })).json.contacts.map((c: { id: string }) => c.id)).toEqual(["c_9"]);
    expect((await run("list_companies", { query: "globex" })).json.total).toBe(1);
    expect((await run("delete_contact", { id: "c_9" })).json).toEqual({ id: "c_9", deleted: true });
    expect((await run("get_contact", { id: "c_9" })).status).toBe(404);
    // A path value cannot escape its segment.
    expect((await run("get_contact", { id: "../companies/co_1" })).status).toBe(404);
  });
});
