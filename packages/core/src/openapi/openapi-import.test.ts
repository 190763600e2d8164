import { readFileSync } from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { callTool, type ToolCallDeps } from "../execution/call-tool.ts";
import { authenticateApiKey } from "../keys/authenticate-api-key.ts";
import { createApiKey } from "../keys/create-api-key.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createOutboundClient } from "../outbound/index.ts";
import { createProject } from "../projects/create-project.ts";
import { projectConfigSelect } from "../projects/project-config.ts";
import { ProjectRuntimeCache } from "../runtime/project-runtime-cache.ts";
import { createTool } from "../tools/create-tool.ts";
import { setToolEnabled } from "../tools/set-tool-enabled.ts";
import { updateTool } from "../tools/update-tool.ts";
import { toToolView } from "../tools/to-tool-view.ts";
import { applyOpenApiImport } from "./apply-openapi-import.ts";
import { fetchOpenApiDocument } from "./fetch-openapi-document.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";
import { type ImportPlan, planOpenApiImport } from "./plan-openapi-import.ts";
import { narrowImportPlan, selectOperations } from "./select-operations.ts";

const require = createRequire(import.meta.url);
const examplesDir = path.dirname(require.resolve("@readme/oas-examples/package.json"));
const githubFile = path.join(path.dirname(require.resolve("@octokit/openapi/package.json")), "generated/api.github.com.json");

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const secretBox = new SecretBox(SecretBox.generateKey());
const actor = { userId: "usr_importer", email: "importer@example.com" };
let orgId: string;

async function newProject(name: string) {
  return createProject(database.db, { orgId, name, allowHttpUpstreams: true });
}
const toolsOf = (projectId: string) => database.db.tool.findMany({ where: { projectId }, orderBy: { name: "asc" } });
const versionOf = async (projectId: string) => (await database.db.project.findUniqueOrThrow({ where: { id: projectId } })).configVersion;
const apply = (projectId: string, plan: ImportPlan) => applyOpenApiImport(database.db, secretBox, projectId, plan, { actor, sourceKind: "paste", sourceName: "pets.yaml" });

beforeAll(async () => {
  database = await createTestDatabase("openapi_import");
  orgId = (await createOrganization(database.db, { name: "Importers" })).id;
});
afterAll(() => database?.drop());

/** A small pet store in YAML; `v2` changes one operation, removes one and adds one. */
function petsYaml(version: 1 | 2, server = "https://pets.example.com/v1") {
  const listPets = version === 1
    ? `    get:
      operationId: listPets
      summary: List pets
      description: "**Required scope:** pets:read"
      parameters:
        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }
      responses: { '200': { description: ok } }`
    : `    get:
      operationId: listPets
      summary: List all pets
      description: "**Required scope:** pets:read"
      parameters:
        - { name: limit, in: query, schema: { type: integer, maximum: 100 } }
        - { name: species, in: query, required: true, schema: { type: string } }
      responses: { '200': { description: ok } }`;
  const removed = version === 1
    ? `  /pets/{petId}/vaccinations:
    get:
      operationId: listVaccinations
      summary: List vaccinations
      parameters: [{ name: petId, in: path, required: true, schema: { type: string } }]
      responses: { '200': { description: ok } }
`
    : "";
  const added = version === 2
    ? `  /owners:
    get:
      operationId: listOwners
      summary: List owners
      responses: { '200': { description: ok } }
`
    : "";
  return `openapi: 3.0.3
info: { title: Pet Store, version: '${version}.0' }
servers: [{ url: '${server}' }]
paths:
  /pets:
${listPets}
    post:
      operationId: createPet
      summary: Create pet
      description: ${version === 1 ? "Adds a pet." : "Adds a pet to the store."}
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: '#/components/schemas/NewPet' }
      responses: { '201': { description: created } }
  /pets/{petId}:
    parameters: [{ name: petId, in: path, required: true, schema: { type: string } }]
    get:
      summary: Get pet
      responses: { '200': { description: ok } }
    delete:
      operationId: deletePet
      summary: Delete pet
      responses: { '204': { description: gone } }
${removed}${added}components:
  schemas:
    NewPet:
      type: object
      required: [name]
      properties:
        name: { type: string }
        tag: { type: string, nullable: true }
`;
}

describe("planOpenApiImport + applyOpenApiImport", () => {
  it("imports, then re-imports with a diff that keeps the admin's overrides; the same document twice changes nothing", { timeout: 60_000 }, async () => {
    const project = await newProject("Pets");
    // A hand-made tool holds a name the import would use: the import takes the next one.
    await createTool(database.db, secretBox, project.id, { name: "list_pets", description: "Hand-made", inputSchema: { type: "object" }, method: "GET", url: "https://pets.example.com/mine" });

    const plan1 = await planOpenApiImport(database.db, project.id, { document: petsYaml(1), sourceKind: "paste" });
    expect(plan1).toMatchObject({ format: "openapi-3.0", title: "Pet Store", baseUrl: "https://pets.example.com/v1", changed: [], removed: [], unchanged: [], skipped: [] });
    expect(plan1.added.map((t) => t.name)).toEqual(["list_pets_2", "create_pet", "get_pet", "delete_pet", "list_vaccinations"]);
    expect(await toolsOf(project.id)).toHaveLength(1); // planning writes nothing

    const version0 = await versionOf(project.id);
    const first = await apply(project.id, plan1);
    expect(first.importId).toMatch(/^imp_/);
    expect(first.summary.counts).toEqual({ added: 5, changed: 0, removed: 0, unchanged: 0, skipped: 0 });
    expect(await versionOf(project.id)).toBe(version0 + 1);
    const imported = (await toolsOf(project.id)).filter((t) => t.source === "openapi");
    expect(imported).toHaveLength(5);
    const getPet = imported.find((t) => t.name === "get_pet")!;
    expect(getPet).toMatchObject({ importId: first.importId, operationId: null, method: "GET", url: "https://pets.example.com/v1/pets/{{input.pathParams.petId}}", authType: "none" });
    expect(imported.find((t) => t.name === "list_pets_2")).toMatchObject({ operationId: "listPets", requiredScopes: ["pets:read"], query: { limit: "{{input.query.limit}}" } });
    expect(getPet.importedDefinition).toMatchObject({ name: "get_pet", method: "GET" });
    expect(await database.db.toolImport.findUniqueOrThrow({ where: { id: first.importId } })).toMatchObject({ projectId: project.id, sourceKind: "paste", sourceName: "pets.yaml", format: "openapi-3.0", title: "Pet Store", baseUrl: "https://pets.example.com/v1", createdBy: actor.userId });
    const audit = await database.db.auditLog.findFirstOrThrow({ where: { projectId: project.id, action: "openapi.import" } });
    expect(audit).toMatchObject({ actorEmail: actor.email, targetType: "tool_import", targetId: first.importId, details: { added: expect.arrayContaining(["get_pet"]), changed: [], title: "Pet Store" } });

    // Same document again: nothing to do, nothing written to the tools.
    const again = await planOpenApiImport(database.db, project.id, { document: petsYaml(1), sourceKind: "paste" });
    expect(again).toMatchObject({ added: [], changed: [], removed: [] });
    expect(again.unchanged.sort()).toEqual(["create_pet", "delete_pet", "get_pet", "list_pets_2", "list_vaccinations"]);
    const stamps = (await toolsOf(project.id)).map((t) => t.updatedAt.getTime());
    await apply(project.id, again);
    expect((await toolsOf(project.id)).map((t) => t.updatedAt.getTime())).toEqual(stamps);
    expect(await versionOf(project.id)).toBe(version0 + 1);

    // The admin edits by hand: disables one tool, changes scopes + auth (with a secret) of
    // another, renames a third.
    const byName = async (name: string) => (await toolsOf(project.id)).find((t) => t.name === name)!;
    await setToolEnabled(database.db, project.id, (await byName("delete_pet")).id, false);
    const create = await byName("create_pet");
    await updateTool(database.db, secretBox, project.id, create.id, { ...viewToInput(create), requiredScopes: ["pets:write"], auth: { type: "bearer", token: "upstream-secret-token" }, timeoutMs: 20_000 });
    const secretBefore = (await byName("create_pet")).authSecretEnc;
    expect(secretBefore).toBeTruthy();
    await updateTool(database.db, secretBox, project.id, (await byName("get_pet")).id, { ...viewToInput(await byName("get_pet")), name: "fetch_pet" });

    // Version 2: listPets changed (summary, a required query parameter), vaccinations gone,
    // owners new, createPet's description changed.
    const plan2 = await planOpenApiImport(database.db, project.id, { document: petsYaml(2), sourceKind: "paste" });
    expect(plan2.added.map((t) => t.name)).toEqual(["list_owners"]);
    expect(plan2.removed.map((r) => r.name)).toEqual(["list_vaccinations"]);
    expect(plan2.unchanged.sort()).toEqual(["delete_pet", "fetch_pet"]);
    const changed = Object.fromEntries(plan2.changed.map((c) => [c.name, c]));
    expect(Object.keys(changed).sort()).toEqual(["create_pet", "list_all_pets"]);
    expect(changed.list_all_pets!.fields).toEqual(["name", "title", "inputSchema", "query"]);
    expect(changed.list_all_pets!.definition.inputSchema).toMatchObject({ required: ["query"], properties: { query: { required: ["species"] } } });
    expect(changed.create_pet!.fields).toEqual(["description"]);
    expect(changed.create_pet!.kept!.sort()).toEqual(["auth", "requiredScopes", "timeoutMs"]);
    expect(changed.create_pet!.definition).toMatchObject({ requiredScopes: ["pets:write"], timeoutMs: 20_000, auth: { type: "bearer", token: "" } });
    expect(changed.create_pet!.importedDefinition).toMatchObject({ requiredScopes: [], auth: { type: "none" } });
    expect(JSON.stringify(plan2)).not.toContain("upstream-secret-token");

    const second = await apply(project.id, plan2);
    expect(second.summary.counts).toEqual({ added: 1, changed: 2, removed: 1, unchanged: 2, skipped: 0 });
    const after = await toolsOf(project.id);
    expect(after.map((t) => t.name)).toEqual(["create_pet", "delete_pet", "fetch_pet", "list_all_pets", "list_owners", "list_pets"]);
    const createAfter = after.find((t) => t.name === "create_pet")!;
    expect(createAfter).toMatchObject({ description: "Adds a pet to the store.", requiredScopes: ["pets:write"], timeoutMs: 20_000, authType: "bearer", authSecretEnc: secretBefore, importId: second.importId });
    expect(createAfter.importedDefinition).toMatchObject({ requiredScopes: [], auth: { type: "none" }, description: "Adds a pet to the store." });
    expect(after.find((t) => t.name === "delete_pet")!.enabled).toBe(false);
    expect(after.find((t) => t.name === "list_owners")).toMatchObject({ operationId: "listOwners", importId: second.importId });
    expect(after.find((t) => t.name === "list_pets")!.source).toBe("manual");

    // And version 2 once more: nothing changes, the overrides still hold.
    const plan3 = await planOpenApiImport(database.db, project.id, { document: petsYaml(2), sourceKind: "paste" });
    expect(plan3).toMatchObject({ added: [], changed: [], removed: [] });
    expect(plan3.unchanged).toHaveLength(5);
  });

  it("leaves the tools of another document alone, and matches operations without an id by method and path", async () => {
    const project = await newProject("Two APIs");
    await apply(project.id, await planOpenApiImport(database.db, project.id, { document: petsYaml(1), sourceKind: "paste" }));
    const other = { openapi: "3.1.0", info: { title: "Weather", version: "1" }, servers: [{ url: "https://weather.example.com" }], paths: { "/pets/{id}": { get: { summary: "Get pet", responses: { 200: { description: "ok" } } } } } };
    const plan = await planOpenApiImport(database.db, project.id, { document: other, sourceKind: "paste" });
    expect(plan).toMatchObject({ removed: [], changed: [], unchanged: [] });
    expect(plan.added.map((t) => t.name)).toEqual(["get_pet_2"]);
    expect(plan.notes).toContain('5 tools imported from other documents are left as they are (re-imports match tools by the document title "Weather")');

    // Same operations under another base URL: matched by method + path (get_pet has no
    // operationId), so only URLs change.
    const moved = await planOpenApiImport(database.db, project.id, { document: petsYaml(1), sourceKind: "paste", baseUrl: "https://staging.example.com" });
    expect(moved.added).toEqual([]);
    expect(moved.removed).toEqual([]);
    expect(moved.changed.map((c) => [c.name, c.fields])).toEqual([["list_pets", ["url"]], ["create_pet", ["url"]], ["get_pet", ["url"]], ["delete_pet", ["url"]], ["list_vaccinations", ["url"]]]);
  });

  it("applies documents from oas-examples (OpenAPI 3.0 JSON, Swagger 2.0 YAML) and GitHub's description", { timeout: 180_000 }, async () => {
    for (const [file, expected] of [
      [path.join(examplesDir, "3.0/json/petstore.json"), { format: "openapi-3.0", added: 20, skipped: 0 }],
      [path.join(examplesDir, "2.0/yaml/petstore.yaml"), { format: "swagger-2.0", added: 20, skipped: 0 }],
      [githubFile, { format: "openapi-3.0", added: 1223, skipped: 0 }],
    ] as const) {
      const project = await newProject(path.basename(file));
      const plan = await planOpenApiImport(database.db, project.id, { document: readFileSync(file, "utf8"), sourceKind: "file", sourceName: path.basename(file) });
      expect({ format: plan.format, added: plan.added.length, skipped: plan.skipped.length }).toEqual(expected);
      const { summary } = await applyOpenApiImport(database.db, secretBox, project.id, plan, { actor, sourceKind: "file" });
      expect(summary.counts.added).toBe(expected.added);
      const tools = await database.db.tool.count({ where: { projectId: project.id, source: "openapi" } });
      expect(tools).toBe(expected.added);
      // The runtime loads every imported tool (schemas compile, templates compile).
      const runtime = await new ProjectRuntimeCache(database.db, secretBox).get(project.id, await versionOf(project.id));
      expect(runtime.tools.size).toBe(expected.added);
    }
  });

  it("refuses stale or tampered plans", async () => {
    const project = await newProject("Stale");
    const plan = await planOpenApiImport(database.db, project.id, { document: petsYaml(1), sourceKind: "paste" });
    await apply(project.id, plan);
    const plan2 = await planOpenApiImport(database.db, project.id, { document: petsYaml(2), sourceKind: "paste" });
    const gone = plan2.removed[0]!;
    await database.db.tool.delete({ where: { id: gone.toolId } });
    await expect(apply(project.id, plan2)).rejects.toMatchObject({ code: "conflict" });

    const tampered = { ...plan2, removed: [], added: [{ ...plan2.added[0]!, url: "https://{{input.host}}/x" }] };
    await expect(apply(project.id, tampered)).rejects.toMatchObject({ code: "bad_request", message: expect.stringContaining("tool list_owners: invalid tool definition: url") });
    await expect(apply(project.id, { ...plan2, added: "nope" } as never)).rejects.toMatchObject({ code: "bad_request" });
    // Another project's tool ids are not found from this one.
    const elsewhere = await newProject("Elsewhere");
    await expect(applyOpenApiImport(database.db, secretBox, elsewhere.id, { ...plan2, removed: [], added: [] }, { actor, sourceKind: "paste" })).rejects.toMatchObject({ code: "conflict" });
    await expect(planOpenApiImport(database.db, "prj_nope", { document: petsYaml(1), sourceKind: "paste" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("a generated tool called through the real path", () => {
  type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };
  const received: Received[] = [];
  let server: http.Server;
  let upstream: string;

  beforeAll(async () => {
    server = http.createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      received.push({ method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() });
      if (req.url === "/openapi.yaml") return res.writeHead(200, { "content-type": "application/yaml" }).end(petsYaml(1, "/v1"));
      if (req.url === "/moved") return res.writeHead(302, { location: "/openapi.yaml" }).end();
      if (req.url === "/huge") return res.writeHead(200).end("x".repeat(5000));
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("sends the right method, encoded path parameter, query and JSON body", { timeout: 30_000 }, async () => {
    const project = await newProject("Called");
    const document = {
      openapi: "3.0.3",
      info: { title: "Notes", version: "1" },
      servers: [{ url: `${upstream}/api` }],
      paths: {
        "/pets/{petId}/notes": {
          post: {
            operationId: "addNote",
            summary: "Add note",
            parameters: [
              { name: "petId", in: "path", required: true, schema: { type: "string" } },
              { name: "notify", in: "query", schema: { type: "boolean" } },
              { name: "tag", in: "query", schema: { type: "array", items: { type: "string" } } },
              { name: "X-Trace", in: "header", schema: { type: "string" } },
            ],
            requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["text"], properties: { text: { type: "string" }, stars: { type: "integer", nullable: true } } } } } },
            responses: { 200: { description: "ok" } },
          },
        },
      },
    };
    await apply(project.id, await planOpenApiImport(database.db, project.id, { document, sourceKind: "paste" }));
    const outbound = createOutboundClient({ allowPrivate: true });
    const deps: ToolCallDeps = { db: database.db, hot: database.hot, runtime: new ProjectRuntimeCache(database.db, secretBox), outbound };
    try {
      const config = await database.db.project.findUniqueOrThrow({ where: { id: project.id }, select: projectConfigSelect });
      const args = { pathParams: { petId: "rex/1 ?" }, query: { notify: true, tag: ["a", "b c"] }, headers: { "X-Trace": "t-1" }, body: { text: "Vet visit", stars: null } };
      // A real key, authenticated as the gateway does: its principal and the credential it checked.
      const caller = await authenticateApiKey(database.hot, (await createApiKey(database.db, project.id, { name: "import test" })).key);
      if (!caller.ok) throw new Error(caller.reason);
      const outcome = await callTool(deps, { principal: caller.principal, credential: caller.credential, project: config, toolName: "add_note", args });
      expect(outcome.kind).toBe("result");
      if (outcome.kind !== "result") return;
      expect(outcome.result.isError, JSON.stringify(outcome.result)).toBeFalsy();
      const got = received.at(-1)!;
      expect(got.method).toBe("POST");
      const sent = new URL(got.url, upstream);
      expect(sent.pathname).toBe("/api/pets/rex%2F1%20%3F/notes");
      expect([...sent.searchParams].sort()).toEqual([["notify", "true"], ["tag", "a"], ["tag", "b c"]]);
      expect(JSON.parse(got.body)).toEqual({ text: "Vet visit", stars: null });
      expect(got.headers["content-type"]).toBe("application/json");
      expect(got.headers["x-trace"]).toBe("t-1");

      // Arguments are validated against the generated schema before anything is sent.
      const before = received.length;
      const invalid = await callTool(deps, { principal: caller.principal, credential: caller.credential, project: config, toolName: "add_note", args: { pathParams: { petId: "x" }, body: { stars: 2 } } });
      expect(invalid).toMatchObject({ kind: "result", result: { isError: true } });
      expect(received.length).toBe(before);
    } finally {
      await outbound.close();
    }
  });

  it("fetches a document by URL through the SSRF guard, following redirects; relative servers resolve against it", async () => {
    const fetched = await fetchOpenApiDocument(`${upstream}/moved`, { allowPrivate: true, allowHttp: true });
    expect(fetched).toMatchObject({ url: `${upstream}/openapi.yaml`, contentType: "application/yaml" });
    const project = await newProject("Fetched");
    const plan = await planOpenApiImport(database.db, project.id, { document: fetched.text, sourceKind: "url", documentUrl: fetched.url });
    expect(plan.baseUrl).toBe(`${upstream}/v1`);

    const blocked = await fetchOpenApiDocument(`${upstream}/openapi.yaml`, { allowPrivate: false, allowHttp: true }).catch((e: unknown) => e);
    expect(blocked).toBeInstanceOf(OpenApiImportError);
    expect((blocked as Error).message).toMatch(/^cannot fetch .*127\.0\.0\.1 is loopback/);
    await expect(fetchOpenApiDocument(`${upstream}/openapi.yaml`, { allowPrivate: true })).rejects.toThrow("plain http is not allowed");
    await expect(fetchOpenApiDocument("http://169.254.169.254/latest/meta-data", { allowPrivate: false, allowHttp: true })).rejects.toThrow(/link-local|metadata/);
    await expect(fetchOpenApiDocument(`${upstream}/huge`, { allowPrivate: true, allowHttp: true, maxBytes: 1000 })).rejects.toThrow("larger than");
    await expect(fetchOpenApiDocument("file:///etc/passwd", { allowPrivate: true, allowHttp: true })).rejects.toThrow("scheme file is not allowed");
  });
});

/** A stored tool as the definition an editor would send back (secrets omitted). */
function viewToInput(row: Parameters<typeof toToolView>[0]) {
  const view = toToolView(row);
  return {
    name: view.name,
    ...(view.title ? { title: view.title } : {}),
    description: view.description,
    enabled: view.enabled,
    inputSchema: view.inputSchema,
    annotations: view.annotations,
    requiredScopes: view.requiredScopes,
    requiresApproval: view.requiresApproval,
    method: view.method,
    url: view.url,
    ...(view.query ? { query: view.query } : {}),
    ...(view.headers ? { headers: view.headers } : {}),
    ...(view.body !== undefined ? { body: view.body as never } : {}),
    auth: { type: view.auth.type } as never,
    timeoutMs: view.timeoutMs,
    maxAttempts: view.maxAttempts,
    maxResponseBytes: view.maxResponseBytes,
    idempotencyWindowSec: view.idempotencyWindowSec,
  };
}

describe("choosing operations (narrowImportPlan, selectOperations)", () => {
  it("imports only the chosen operations; a re-import leaves unchosen tools exactly as they are", { timeout: 60_000 }, async () => {
    const project = await newProject("Chosen pets");
    const plan = await planOpenApiImport(database.db, project.id, { document: petsYaml(1), sourceKind: "paste" });
    // By method and path words, then by exact operation.
    expect(selectOperations(plan, { methods: ["get"], path: "pets {petId}" }).sort()).toEqual(["GET /pets/{petId}", "GET /pets/{petId}/vaccinations"]);
    expect(selectOperations(plan, {}, ["delete  /pets/{petId}"])).toEqual(["DELETE /pets/{petId}"]);
    expect(() => selectOperations(plan, {}, ["GET /nope"])).toThrow(/GET \/nope: this import would not add or change such an operation/);

    const chosen = narrowImportPlan(plan, ["GET /pets", "POST /pets"]);
    expect(chosen.added.map((t) => t.name)).toEqual(["list_pets", "create_pet"]);
    expect(chosen.notSelected!.sort()).toEqual(["DELETE /pets/{petId}", "GET /pets/{petId}", "GET /pets/{petId}/vaccinations"]);
    const first = await apply(project.id, chosen);
    expect(first.summary).toMatchObject({ counts: { added: 2 }, notSelected: expect.arrayContaining(["GET /pets/{petId}"]) });
    expect((await toolsOf(project.id)).map((t) => t.name)).toEqual(["create_pet", "list_pets"]);

    // Version 2 changes list and create; choosing only the new "GET /owners" changes neither and removes nothing chosen-away.
    const createBefore = (await toolsOf(project.id)).find((t) => t.name === "create_pet")!;
    const plan2 = await planOpenApiImport(database.db, project.id, { document: petsYaml(2), sourceKind: "paste" });
    expect(plan2.changed.map((c) => c.name).sort()).toEqual(["create_pet", "list_all_pets"]);
    const onlyOwners = narrowImportPlan(plan2, selectOperations(plan2, { tags: [], path: "owners" }));
    expect(onlyOwners).toMatchObject({ changed: [], removed: [] });
    expect(onlyOwners.added.map((t) => t.name)).toEqual(["list_owners"]);
    expect(onlyOwners.unchanged.sort()).toEqual(["create_pet", "list_all_pets"]);
    await apply(project.id, onlyOwners);
    const after = await toolsOf(project.id);
    expect(after.map((t) => t.name)).toEqual(["create_pet", "list_owners", "list_pets"]);
    expect(after.find((t) => t.name === "create_pet")!.updatedAt).toEqual(createBefore.updatedAt);
  });

  it("filters by tag: an operation matches when it has one of the tags", () => {
    const plan = { operations: { a: { method: "GET", path: "/a", tags: ["pets"] }, b: { method: "POST", path: "/b", tags: ["owners", "admin"] }, c: { method: "GET", path: "/c" } } } as unknown as ImportPlan;
    expect(selectOperations(plan, { tags: ["admin", "pets"] })).toEqual(["GET /a", "POST /b"]);
    expect(selectOperations(plan, { tags: ["admin"], methods: ["GET"] })).toEqual([]);
  });
});
