import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { checkToolDefinition } from "../tools/check-tool-definition.ts";
import { TOOL_NAME_PATTERN } from "../tools/tool-definition.ts";
import { compileInputSchema } from "../validation/json-schema.ts";
import { type GeneratedTools, generateTools, toolDescription } from "./generate-tools.ts";
import { OpenApiImportError } from "./openapi-import-error.ts";
import { parseOpenApiDocument } from "./parse-openapi-document.ts";

const require = createRequire(import.meta.url);
const examplesDir = path.dirname(require.resolve("@readme/oas-examples/package.json"));
const githubFile = path.join(path.dirname(require.resolve("@octokit/openapi/package.json")), "generated/api.github.com.json");

/** Every document of @readme/oas-examples (2.0, 3.0, 3.1; JSON and YAML). */
function exampleDocuments(): string[] {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (/\.(json|ya?ml)$/.test(entry.name)) files.push(path.join(dir, entry.name));
    }
  };
  for (const version of ["2.0", "3.0", "3.1"]) walk(path.join(examplesDir, version));
  return files.sort();
}

/** The invariants every import must hold, whatever the document. */
function expectSoundTools(result: GeneratedTools) {
  expect(result.tools.length + result.skipped.length).toBe(result.operationCount);
  const names = result.tools.map((t) => t.definition.name);
  expect(new Set(names).size).toBe(names.length);
  for (const tool of result.tools) {
    expect(tool.definition.name).toMatch(TOOL_NAME_PATTERN);
    expect(tool.definition.name.length).toBeLessThanOrEqual(64);
    const compiled = compileInputSchema(tool.definition.inputSchema);
    expect(compiled.ok, `${tool.definition.name}: ${compiled.ok ? "" : compiled.error}`).toBe(true);
    expect(() => checkToolDefinition(tool.definition)).not.toThrow();
  }
  for (const skip of result.skipped) expect(skip.reason.length).toBeGreaterThan(0);
}

async function generate(document: object | string, options: Parameters<typeof generateTools>[1] = {}) {
  return generateTools(await parseOpenApiDocument(document), options);
}

const ok = { 200: { description: "ok" } };
const doc = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ openapi: "3.0.3", info: { title: "T", version: "1" }, servers: [{ url: "https://api.example.com/v1" }], paths, ...extra });
const jsonBody = (schema: unknown, required = true) => ({ required, content: { "application/json": { schema } } });

describe("real documents", () => {
  it("GitHub's REST description: every operation a tool or a reported skip", { timeout: 120_000 }, async () => {
    const result = await generate(readFileSync(githubFile, "utf8"));
    expect(result).toMatchObject({ format: "openapi-3.0", title: "GitHub's official OpenAPI spec + Octokit extension", baseUrl: "https://api.github.com" });
    expect(result.operationCount).toBeGreaterThan(1000);
    expectSoundTools(result);
    // The two non-JSON uploads are tools too: a text body and a binary (base64) body.
    expect(result.skipped).toEqual([]);
    expect(result.tools.find((t) => t.operationId === "markdown/render-raw")!.definition.bodyEncoding).toEqual({ type: "text", contentType: "text/plain" });
    expect(result.tools.find((t) => t.operationId === "repos/upload-release-asset")!.definition.bodyEncoding).toEqual({ type: "binary", contentType: "application/octet-stream" });

    const issues = result.tools.find((t) => t.operationId === "issues/list-for-repo")!;
    expect(issues.definition).toMatchObject({
      name: "list_repository_issues",
      title: "List repository issues",
      method: "GET",
      url: "https://api.github.com/repos/{{input.pathParams.owner}}/{{input.pathParams.repo}}/issues",
      query: { state: "{{input.query.state}}", per_page: "{{input.query.per_page}}" },
      annotations: { readOnlyHint: true, openWorldHint: true },
      auth: { type: "none" },
    });
    expect(issues.definition.inputSchema).toMatchObject({
      required: ["pathParams"],
      properties: { pathParams: { required: ["owner", "repo"] }, query: { properties: { state: { enum: ["open", "closed", "all"] } } } },
    });
    const create = result.tools.find((t) => t.operationId === "issues/create")!;
    expect(create.definition).toMatchObject({ method: "POST", body: "{{input.body}}", annotations: { readOnlyHint: false, destructiveHint: false } });
    expect(create.definition.inputSchema.required).toEqual(["pathParams", "body"]);
    // Same summary four times (actions, dependabot, codespaces… secrets): suffixed.
    const secrets = result.tools.filter((t) => t.baseName === "list_organization_secrets").map((t) => t.definition.name);
    expect(secrets).toEqual(["list_organization_secrets", "list_organization_secrets_2", "list_organization_secrets_3", "list_organization_secrets_4"]);
  });

  it("every document of @readme/oas-examples: every operation a tool or a reported skip", { timeout: 120_000 }, async () => {
    const files = exampleDocuments();
    expect(files.length).toBeGreaterThan(100);
    let tools = 0;
    let skipped = 0;
    const formats = new Set<string>();
    for (const file of files) {
      const result = await generate(readFileSync(file, "utf8"), { documentUrl: "https://docs.example.test/specs/openapi.json" });
      formats.add(`${result.format} ${path.extname(file)}`);
      expectSoundTools(result);
      tools += result.tools.length;
      skipped += result.skipped.length;
    }
    expect([...formats].sort()).toEqual(["openapi-3.0 .json", "openapi-3.0 .yaml", "openapi-3.1 .json", "openapi-3.1 .yaml", "swagger-2.0 .json", "swagger-2.0 .yaml"]);
    expect(tools).toBeGreaterThan(900);
    expect(skipped).toBeGreaterThan(0);
  });

  it("circular schemas from oas-examples become finite $defs references that validate deep data", async () => {
    const result = await generate(readFileSync(path.join(examplesDir, "3.0/json/circular-request-bodies.json"), "utf8"), { documentUrl: "https://x.test/" });
    expectSoundTools(result);
    const recursive = result.tools.find((t) => JSON.stringify(t.definition.inputSchema.$defs ?? {}).includes('"$ref":"#/$defs/'))!;
    expect(recursive).toBeDefined();
    const defs = recursive.definition.inputSchema.$defs as Record<string, unknown>;
    // A definition refers (directly or not) back to itself.
    const selfReferencing = Object.keys(defs).some((name) => JSON.stringify(defs[name]).includes(`"#/$defs/${name}"`));
    expect(selfReferencing || Object.keys(defs).length > 1).toBe(true);

    const tree = await generate(
      doc(
        { "/nodes": { post: { summary: "Create node", requestBody: jsonBody({ $ref: "#/components/schemas/Node" }), responses: ok } } },
        { components: { schemas: { Node: { type: "object", required: ["name"], properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } } } } } } },
      ),
    );
    const schema = tree.tools[0]!.definition.inputSchema;
    expect(schema.$defs).toEqual({ Node: { type: "object", required: ["name"], properties: { name: { type: "string" }, children: { type: "array", items: { $ref: "#/$defs/Node" } } } } });
    const validate = (compileInputSchema(schema) as { ok: true; validate: (v: unknown) => boolean }).validate;
    expect(validate({ body: { name: "a", children: [{ name: "b", children: [{ name: "c" }] }] } })).toBe(true);
    expect(validate({ body: { name: "a", children: [{ children: [] }] } })).toBe(false);
  });
});

describe("input schemas: OpenAPI 3.0 → JSON Schema 2020-12", () => {
  const pets = doc(
    {
      "/pets": { post: { summary: "Add pet", requestBody: jsonBody({ $ref: "#/components/schemas/Pet" }), responses: ok } },
    },
    {
      components: {
        schemas: {
          Pet: {
            type: "object",
            required: ["id", "name"],
            discriminator: { propertyName: "kind" },
            xml: { name: "pet" },
            externalDocs: { url: "https://docs.example.com" },
            "x-internal": true,
            properties: {
              id: { type: "integer", readOnly: true },
              name: { type: "string", example: "Rex", pattern: "(?<!x)\\w+" },
              nickname: { type: "string", nullable: true },
              kind: { type: "string", enum: ["dog", "cat"], nullable: true },
              owner: { allOf: [{ $ref: "#/components/schemas/Owner" }], nullable: true },
              age: { type: "integer", minimum: 0, exclusiveMinimum: true, maximum: 30, exclusiveMaximum: false, format: "int32" },
              code: { type: "string", format: "pet-code", pattern: "[" },
            },
          },
          Owner: { type: "object", properties: { email: { type: "string", format: "email" } } },
          Unused: { type: "string" },
        },
      },
    },
  );

  it("converts nullable, exclusive bounds, examples; drops OpenAPI-only keywords and readOnly properties; keeps only reachable $defs", async () => {
    const result = await generate(pets);
    expectSoundTools(result);
    const schema = result.tools[0]!.definition.inputSchema as any;
    expect(schema.properties.body).toEqual({ $ref: "#/$defs/Pet" });
    expect(Object.keys(schema.$defs).sort()).toEqual(["Owner", "Pet"]);
    const pet = schema.$defs.Pet;
    expect(pet.discriminator ?? pet.xml ?? pet.externalDocs ?? pet["x-internal"]).toBeUndefined();
    expect(pet.required).toEqual(["name"]);
    expect(pet.properties.id).toBeUndefined();
    expect(pet.properties.name).toEqual({ type: "string", examples: ["Rex"], pattern: "(?<!x)\\w+" });
    expect(pet.properties.nickname).toEqual({ type: ["string", "null"] });
    expect(pet.properties.kind).toEqual({ type: ["string", "null"], enum: ["dog", "cat", null] });
    expect(pet.properties.owner).toEqual({ anyOf: [{ allOf: [{ $ref: "#/$defs/Owner" }] }, { type: "null" }] });
    expect(pet.properties.age).toEqual({ type: "integer", exclusiveMinimum: 0, maximum: 30, format: "int32" });
    expect(pet.properties.code).toEqual({ type: "string" });
    expect(result.notes.join("\n")).toContain("patterns that are not valid JavaScript regular expressions were left out of input schemas: [");

    const validate = (compileInputSchema(schema) as { ok: true; validate: (v: unknown) => boolean }).validate;
    expect(validate({ body: { name: "Rex", nickname: null, kind: null, owner: null, age: 1 } })).toBe(true);
    expect(validate({ body: { name: "Rex", age: 0 } })).toBe(false); // exclusive minimum
    expect(validate({ body: { name: "Rex", owner: { email: "not an email" } } })).toBe(false);
  });

  it("parameters: path always required, query/header with their required flags, gateway headers left out, awkward names made reachable", async () => {
    const result = await generate(
      doc({
        "/pets/{petId}": {
          parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" }, description: "The pet" }],
          get: {
            operationId: "getPet",
            parameters: [
              { name: "fields", in: "query", schema: { type: "array", items: { type: "string" } } },
              { name: "page.size", in: "query", required: true, schema: { type: "integer" } },
              { name: "X-Request-Id", in: "header", required: true, schema: { type: "string" } },
              { name: "Authorization", in: "header", required: true, schema: { type: "string" } },
              { name: "Idempotency-Key", in: "header", schema: { type: "string" } },
              { name: "X-Tengine-Member", in: "header", schema: { type: "string" } },
              { name: "filter", in: "query", schema: { type: "object", properties: { a: { type: "string" } } } },
              { name: "session", in: "cookie", schema: { type: "string" } },
            ],
            responses: ok,
          },
        },
      }),
    );
    expectSoundTools(result);
    const def = result.tools[0]!.definition;
    expect(def.url).toBe("https://api.example.com/v1/pets/{{input.pathParams.petId}}");
    expect(def.query).toEqual({ fields: "{{input.query.fields}}", "page.size": "{{input.query.page_size}}" });
    expect(def.headers).toEqual({ "X-Request-Id": "{{input.headers.X-Request-Id}}" });
    expect(def.inputSchema).toMatchObject({
      required: ["pathParams", "query", "headers"],
      additionalProperties: false,
      properties: {
        pathParams: { required: ["petId"], additionalProperties: false, properties: { petId: { type: "string", description: "The pet" } } },
        query: { required: ["page_size"], properties: { fields: { type: "array" }, page_size: { type: "integer", description: '(sent as "page.size")' } } },
        headers: { required: ["X-Request-Id"] },
      },
    });
    const notes = result.notes.join("\n");
    expect(notes).toContain("header parameters the gateway sets itself were left out: Authorization, Idempotency-Key, X-Tengine-Member");
    expect(notes).toContain("filter in GET /pets/{petId} (getPet)");
    expect(notes).toContain("session in GET /pets/{petId} (getPet)");
  });

  it("a bad operation is skipped with the reason; the others are imported", async () => {
    const result = await generate(
      doc({
        "/good": { get: { summary: "Good", responses: ok } },
        "/invalid": { post: { summary: "Invalid", requestBody: jsonBody({ type: "strng" }), responses: ok } },
        "/form": { post: { summary: "Form", requestBody: { content: { "application/vnd.ms-excel": { schema: { type: "object" } } } }, responses: ok } },
        "/required-object/{id}": { get: { parameters: [{ name: "id", in: "path", required: true, schema: { type: "object" } }], responses: ok } },
        "/deep": { get: { summary: "Find secret", parameters: [{ name: "scope", in: "query", required: true, style: "deepObject", explode: true, schema: { type: "object", required: ["type"], properties: { type: { type: "string", enum: ["account", "user"] }, user: { type: "string" } } } }], responses: ok } },
        "/deep-open": { get: { parameters: [{ name: "filter", in: "query", required: true, style: "deepObject", schema: { type: "object", additionalProperties: { type: "string" } } }], responses: ok } },
        "/external": { get: { parameters: [{ $ref: "common.yaml#/Limit" }], responses: ok } },
        "/head": { head: { responses: ok } },
        "/undeclared/{thing}": { delete: { summary: "Delete thing", responses: ok } },
      }),
    );
    expectSoundTools(result);
    expect(result.tools.map((t) => t.definition.name)).toEqual(["good", "find_secret", "delete_thing"]);
    // A closed deepObject query object: one entry per property (Stripe's `scope[type]`), the object itself the input.
    const deep = result.tools.find((t) => t.definition.name === "find_secret")!.definition;
    expect(deep.query).toEqual({ "scope[type]": "{{input.query.scope.type}}", "scope[user]": "{{input.query.scope.user}}" });
    expect((deep.inputSchema as { properties: { query: { required: string[] } } }).properties.query.required).toEqual(["scope"]);
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.operation, s.reason]));
    expect(reasons["POST /invalid"]).toBe('invalid operation: /paths/~1invalid/post/requestBody/content/application~1json/schema/type: must be one of ["array","boolean","integer","number","object","string"]');
    expect(reasons["POST /form"]).toBe("the request body is application/vnd.ms-excel; no media type that can be sent (JSON, form, multipart, binary or text)");
    expect(reasons["GET /required-object/{id}"]).toBe('required path parameter "id": object values cannot be sent in the path');
    expect(reasons["GET /external"]).toContain("points to another file");
    expect(reasons["GET /deep-open"]).toBe('required query parameter "filter": object values cannot be sent in the query');
    expect(reasons["HEAD /head"]).toBe("HEAD operations are not imported (only GET, POST, PUT, PATCH, DELETE)");
    // an undeclared path parameter is added as a required string
    const del = result.tools[2]!.definition;
    expect(del.url).toBe("https://api.example.com/v1/undeclared/{{input.pathParams.thing}}");
    expect(del.inputSchema).toMatchObject({ required: ["pathParams"], properties: { pathParams: { properties: { thing: { type: "string" } } } } });
  });

  it("an OpenAPI 3.1 schema that ajv cannot compile skips its operation", async () => {
    const result = await generate({
      ...doc({
        "/ok": { get: { summary: "Fine", responses: ok } },
        "/bad": { post: { summary: "Bad schema", requestBody: jsonBody({ type: "object", properties: { n: { type: "strng" } } }), responses: ok } },
      }),
      openapi: "3.1.0",
    });
    expectSoundTools(result);
    expect(result.tools.map((t) => t.definition.name)).toEqual(["fine"]);
    expect(result.skipped).toEqual([{ operation: "POST /bad", reason: expect.stringMatching(/^inputSchema: inputSchema is not a valid JSON Schema: .*type/) }]);
  });

  it("vendor JSON bodies keep their media type; optional bodies are still required (a missing body cannot render)", async () => {
    const result = await generate(doc({ "/merge": { patch: { summary: "Merge", requestBody: { content: { "application/merge-patch+json": { schema: { type: "object" } } } }, responses: ok } } }));
    expect(result.tools[0]!.definition).toMatchObject({ headers: { "Content-Type": "application/merge-patch+json" }, body: "{{input.body}}", inputSchema: { required: ["body"] } });
  });
});

describe("names, descriptions, scopes, annotations", () => {
  it("snake_case from the summary, then the operationId, then method and path; unique and at most 64 characters", async () => {
    const long = "Retrieve the complete list of every single repository invitation that belongs to the authenticated user account";
    const result = await generate(
      doc({
        "/a": { get: { summary: "List Pets!", responses: ok }, post: { summary: "List pets", responses: ok } },
        "/b": { get: { summary: "Café crème — überprüfen", responses: ok } },
        "/c": { get: { summary: "日本語", operationId: "getHTTPStatusCode", responses: ok } },
        "/pets/{petId}": { get: { parameters: [{ name: "petId", in: "path", required: true, schema: { type: "string" } }], responses: ok } },
        "/long": { get: { summary: long, responses: ok }, put: { summary: long, responses: ok } },
        "/taken": { get: { summary: "Taken", responses: ok } },
      }),
      { takenNames: ["taken"] },
    );
    expectSoundTools(result);
    expect(result.tools.map((t) => t.definition.name)).toEqual([
      "list_pets",
      "list_pets_2",
      "cafe_creme_uberprufen",
      "get_http_status_code",
      "get_pets_petId",
      "retrieve_the_complete_list_of_every_single_repository_invitation",
      "retrieve_the_complete_list_of_every_single_repository_2",
      "taken_2",
    ]);
  });

  it("title and description from summary and description; scopes from the description and OAuth2; annotations from the method", async () => {
    const result = await generate(
      doc(
        {
          "/contacts": {
            get: { summary: "Search contacts", description: "Finds contacts.\n\n**Required scope:** contacts:read, `notes:read`", responses: ok },
            post: { summary: "Create contact", security: [{ oauth: ["contacts:write", "admin"] }, { key: [] }], responses: ok },
          },
          "/contacts/{id}": {
            parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
            put: { description: "Replaces a contact.", responses: ok },
            patch: { operationId: "patchContact", responses: ok },
            delete: { summary: "Delete contact", responses: ok },
          },
        },
        {
          security: [{ oauth: ["contacts:read"] }],
          components: { securitySchemes: { oauth: { type: "oauth2", flows: { clientCredentials: { tokenUrl: "https://auth.example.com/token", scopes: {} } } }, key: { type: "apiKey", in: "header", name: "X-Key" } } },
        },
      ),
    );
    expectSoundTools(result);
    const [search, create, replace, patch, remove] = result.tools.map((t) => t.definition);
    expect(search).toMatchObject({ title: "Search contacts", description: "Finds contacts.\n\n**Required scope:** contacts:read, `notes:read`", requiredScopes: ["contacts:read", "notes:read"], annotations: { readOnlyHint: true, openWorldHint: true } });
    expect(create).toMatchObject({ requiredScopes: ["contacts:write"], annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true } });
    expect(replace).toMatchObject({ name: "put_contacts_id", description: "Replaces a contact.", requiredScopes: ["contacts:read"], annotations: { idempotentHint: true, destructiveHint: false } });
    expect(replace!.title).toBeUndefined();
    expect(patch).toMatchObject({ name: "patch_contact", description: "PATCH /contacts/{id}" });
    // A summary without other text is the description too (clients that show no title still say what it does).
    expect(create!.description).toBe("Create contact");
    expect(remove).toMatchObject({ annotations: { destructiveHint: true, idempotentHint: true, readOnlyHint: false } });
    expect(result.notes.join("\n")).toContain("scopes not of the form resource:read or resource:write were ignored (OAuth2): admin");
  });
});

describe("base URL", () => {
  const paths = { "/pets": { get: { summary: "List pets", responses: ok } } };

  it("from servers[0] with variable defaults, overridable, relative ones resolved against the document URL", async () => {
    const withVariables = await generate({ ...doc(paths), servers: [{ url: "https://{region}.example.com:{port}/{base}/", variables: { region: { default: "eu" }, port: { default: "8443" }, base: { default: "v2" } } }] });
    expect(withVariables.baseUrl).toBe("https://eu.example.com:8443/v2");
    expect(withVariables.tools[0]!.definition.url).toBe("https://eu.example.com:8443/v2/pets");

    expect((await generate(doc(paths), { baseUrl: "https://staging.example.com/api/" })).tools[0]!.definition.url).toBe("https://staging.example.com/api/pets");
    expect((await generate({ ...doc(paths), servers: [{ url: "/v3" }] }, { documentUrl: "https://petstore.example.com/docs/openapi.json" })).baseUrl).toBe("https://petstore.example.com/v3");
    expect((await generate({ ...doc(paths), servers: undefined }, { documentUrl: "https://petstore.example.com/openapi.json" })).baseUrl).toBe("https://petstore.example.com");
  });

  it("a path's own servers win over the document's", async () => {
    const result = await generate(doc({ ...paths, "/files": { servers: [{ url: "https://files.example.com" }], get: { summary: "List files", responses: ok } } }));
    expect(result.tools.map((t) => t.definition.url)).toEqual(["https://api.example.com/v1/pets", "https://files.example.com/files"]);
  });

  it("no usable base URL is an error that says what to do", async () => {
    const error = await generate({ ...doc(paths), servers: [{ url: "/v1" }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenApiImportError);
    expect((error as OpenApiImportError).message).toBe('the server URL "/v1" is relative and the document was not imported from a URL: give the base URL the tools should call (--base-url, or the Base URL field of the import form)');
    expect((error as OpenApiImportError).location.pointer).toBe("/servers/0/url");
    await expect(generate(doc(paths), { baseUrl: "ftp://x" })).rejects.toThrow("must be an absolute http(s) URL");
  });
});

describe("request bodies beyond JSON, fragment paths, server variables", () => {
  it("form bodies keep their encoding; multipart file properties take base64 or a URL; binary and text bodies", async () => {
    const result = await generate(
      doc({
        "/customers": {
          post: {
            operationId: "PostCustomers",
            requestBody: {
              content: {
                "application/x-www-form-urlencoded": {
                  schema: { type: "object", properties: { email: { type: "string" }, metadata: { type: "object", additionalProperties: { type: "string" } }, tags: { type: "array", items: { type: "string" } } } },
                  encoding: { metadata: { style: "deepObject", explode: true }, tags: { style: "pipeDelimited", explode: false } },
                },
              },
            },
            responses: ok,
          },
        },
        "/files": {
          post: {
            operationId: "upload",
            requestBody: { content: { "multipart/form-data": { schema: { type: "object", required: ["file"], properties: { file: { type: "string", format: "binary" }, purpose: { type: "string" } } }, encoding: { file: { contentType: "image/png, image/jpeg" } } } } },
            responses: ok,
          },
        },
        "/raw": { put: { operationId: "putRaw", requestBody: { content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } } }, responses: ok } },
        "/note": { post: { operationId: "postNote", requestBody: { content: { "text/plain": { schema: { type: "string" } } } }, responses: ok } },
      }),
    );
    expectSoundTools(result);
    const [form, upload, raw, note] = result.tools.map((t) => t.definition);
    expect(form!.bodyEncoding).toEqual({ type: "form", fields: { metadata: { style: "deepObject", explode: true }, tags: { style: "pipeDelimited", explode: false } } });
    expect(form!.headers).toBeUndefined();
    expect(upload!.bodyEncoding).toEqual({ type: "multipart", fields: { file: { contentType: "image/png" } } });
    const file = (upload!.inputSchema as { properties: { body: { properties: { file: { oneOf: Array<{ required: string[] }> } } } } }).properties.body.properties.file;
    expect(file.oneOf.map((o) => o.required)).toEqual([["base64"], ["url"]]);
    expect(raw!.bodyEncoding).toEqual({ type: "binary", contentType: "application/octet-stream" });
    expect(note!.bodyEncoding).toEqual({ type: "text", contentType: "text/plain" });
  });

  it("fragment paths (AWS query protocol) are distinct tools with fixed query parameters named after the action", async () => {
    const action = (name: string) => ({
      get: { operationId: `GET_${name}`, parameters: [{ name: "RoleArn", in: "query", required: true, schema: { type: "string" } }, { name: "Action", in: "query", required: true, schema: { type: "string", enum: [name] } }], responses: ok },
      post: { operationId: `POST_${name}`, responses: ok },
    });
    const result = await generate(doc({ "/#Action=AssumeRole&Version=2011-06-15": action("AssumeRole"), "/#Action=GetCallerIdentity&Version=2011-06-15": action("GetCallerIdentity"), "/{Bucket}?uploads": { post: { operationId: "CreateMultipartUpload", responses: ok } } }));
    expectSoundTools(result);
    expect(result.tools.map((t) => t.definition.name)).toEqual(["assume_role", "assume_role_2", "get_caller_identity", "get_caller_identity_2", "create_multipart_upload"]);
    const assume = result.tools[0]!.definition;
    expect(assume.url).toBe("https://api.example.com/v1/");
    expect(assume.query).toEqual({ Action: "AssumeRole", Version: "2011-06-15", RoleArn: "{{input.query.RoleArn}}" });
    expect(Object.keys((assume.inputSchema as { properties: { query: { properties: object } } }).properties.query.properties)).toEqual(["RoleArn"]);
    const uploads = result.tools[4]!.definition;
    expect(uploads.url).toBe("https://api.example.com/v1/{{input.pathParams.Bucket}}");
    expect(uploads.query).toEqual({ uploads: "" });
  });

  it("server variables take their defaults unless given", async () => {
    const document = doc({ "/a": { get: { responses: ok } } }, { servers: [{ url: "https://{region}.api.example.com/{version}", variables: { region: { default: "eu" }, version: { default: "v2" } } }] });
    expect((await generate(document)).baseUrl).toBe("https://eu.api.example.com/v2");
    expect((await generate(document, { serverVariables: { region: "us" } })).baseUrl).toBe("https://us.api.example.com/v2");
  });

  it("multipart part headers: fixed values stored, others an input of file parts, the rest noted", async () => {
    const result = await generate(
      doc({
        "/upload": {
          post: {
            summary: "Upload",
            requestBody: {
              content: {
                "multipart/form-data": {
                  schema: { type: "object", properties: { note: { type: "string" }, file: { type: "string", format: "binary" } } },
                  encoding: {
                    note: { headers: { "X-Lang": { schema: { type: "string" } }, "X-Kind": { schema: { type: "string", enum: ["memo"] } } } },
                    file: { headers: { "Content-Disposition": { schema: { type: "string" } }, "X-Sum": { schema: { type: "string", maxLength: 64 } } } },
                  },
                },
              },
            },
            responses: ok,
          },
        },
      }),
    );
    expect(result.skipped, JSON.stringify(result.skipped)).toEqual([]);
    expectSoundTools(result);
    const def = result.tools[0]!.definition;
    expect(def.bodyEncoding).toEqual({ type: "multipart", fields: { note: { headers: { "X-Kind": "memo" } } } });
    const file = (def.inputSchema as { properties: { body: { properties: { file: { oneOf: Array<{ properties: Record<string, unknown> }> } } } } }).properties.body.properties.file;
    expect(file.oneOf.map((o) => o.properties.headers)).toEqual([
      { type: "object", description: "Headers sent with this part", properties: { "X-Sum": { type: "string", maxLength: 64 } }, additionalProperties: false },
      { type: "object", description: "Headers sent with this part", properties: { "X-Sum": { type: "string", maxLength: 64 } }, additionalProperties: false },
    ]);
    expect(result.notes.join("\n")).toContain("per-part headers the gateway writes itself (or that are not header names) were left out");
    expect(result.notes.join("\n")).toContain("per-part headers without a fixed value are sent with file parts only; on other parts they were left out");
  });

  it("server variables are described for the import form; an enum is enforced; a missing default asks for the value", async () => {
    const document = doc({ "/a": { get: { responses: ok } } }, { servers: [{ url: "https://{region}.api.example.com/{version}", variables: { region: { default: "eu", enum: ["eu", "us"], description: "Data region" }, version: { default: "v2" } } }] });
    const result = await generate(document);
    expect(result.server).toEqual({ url: "https://{region}.api.example.com/{version}", variables: [{ name: "region", default: "eu", enum: ["eu", "us"], description: "Data region" }, { name: "version", default: "v2" }] });
    const wrong = await generate(document, { serverVariables: { region: "apac" } }).catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(OpenApiImportError);
    expect((wrong as OpenApiImportError).message).toBe('server variable region: "apac" is not one of eu, us');
    expect((wrong as OpenApiImportError).location.pointer).toBe("/servers/0/variables/region");
    expect((wrong as OpenApiImportError).server?.variables).toHaveLength(2);
    const tenant = doc({ "/a": { get: { responses: ok } } }, { servers: [{ url: "https://{tenant}.example.com", variables: { tenant: { description: "Your tenant" } } }] });
    const missing = await generate(tenant).catch((e: unknown) => e);
    expect((missing as OpenApiImportError).message).toBe("the server URL https://{tenant}.example.com has a variable without a default (tenant): give its value");
    expect((missing as OpenApiImportError).server).toEqual({ url: "https://{tenant}.example.com", variables: [{ name: "tenant", description: "Your tenant" }] });
    expect((await generate(tenant, { serverVariables: { tenant: "acme" } })).baseUrl).toBe("https://acme.example.com");
  });
});

describe("hostile schemas import in bounded time and memory", () => {
  it("a huge enum, a deep allOf chain and recursive references", async () => {
    const schemas: Record<string, unknown> = {
      Huge: { type: "string", enum: Array.from({ length: 50_000 }, (_, i) => `value_${i}`) },
      Node: { type: "object", properties: { value: { type: "string" }, children: { type: "array", items: { $ref: "#/components/schemas/Node" } }, parent: { $ref: "#/components/schemas/Node" } } },
      A: { $ref: "#/components/schemas/B" },
      B: { type: "object", properties: { a: { $ref: "#/components/schemas/A" } } },
    };
    for (let i = 0; i < 200; i++) schemas[`Chain${i}`] = { allOf: [{ $ref: `#/components/schemas/Chain${i + 1}` }, { type: "object", properties: { [`f${i}`]: { type: "string" } } }] };
    schemas.Chain200 = { type: "object" };
    let deep: Record<string, unknown> = { type: "string" };
    for (let i = 0; i < 2000; i++) deep = { type: "object", properties: { x: deep } };
    // As text, as it is uploaded (an object this deep cannot even be cloned).
    const result = await generate(JSON.stringify(
      doc(
        {
          "/huge": { post: { operationId: "huge", requestBody: jsonBody({ type: "object", properties: { pick: { $ref: "#/components/schemas/Huge" } } }), responses: ok } },
          "/tree": { post: { operationId: "tree", requestBody: jsonBody({ $ref: "#/components/schemas/Node" }), responses: ok } },
          "/mutual": { post: { operationId: "mutual", requestBody: jsonBody({ $ref: "#/components/schemas/A" }), responses: ok } },
          "/chain": { post: { operationId: "chain", requestBody: jsonBody({ $ref: "#/components/schemas/Chain0" }), responses: ok } },
          "/deep": { post: { operationId: "deep", requestBody: jsonBody(deep), responses: ok } },
        },
        { components: { schemas } },
      ),
    ));
    expect(result.tools.map((t) => t.operationId)).toEqual(["huge", "tree", "mutual", "chain"]);
    expect(result.skipped).toEqual([{ operation: "POST /deep (deep)", reason: expect.stringMatching(/^\/paths\/~1deep\/post\/requestBody\/content\/application~1json\/schema(\/properties\/x)+(\/properties)?( \(line \d+\))?: nested deeper than 200 levels$/) }]);
  });
});

describe("toolDescription: the title is not repeated", () => {
  it("drops a first line that only repeats the summary (heading, emphasis or final period aside)", () => {
    expect(toolDescription("List pets", "# List pets\n\nReturns every pet.")).toBe("Returns every pet.");
    expect(toolDescription("List pets", "**List pets.**\nReturns every pet.")).toBe("Returns every pet.");
    expect(toolDescription("List pets", "List pets")).toBe("List pets");
    expect(toolDescription("List pets", "Lists pets of the store.")).toBe("Lists pets of the store.");
    expect(toolDescription("", "Only text")).toBe("Only text");
    expect(toolDescription("Only summary", "")).toBe("Only summary");
  });
});

