import { describe, expect, it } from "vitest";
import { OpenApiImportError } from "./openapi-import-error.ts";
import { parseOpenApiDocument } from "./parse-openapi-document.ts";

const ok = { 200: { description: "ok" } };
const doc = (paths: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ openapi: "3.0.3", info: { title: "T", version: "1" }, servers: [{ url: "https://api.example.com" }], paths, ...extra });

async function parseError(input: string | object): Promise<OpenApiImportError> {
  try {
    await parseOpenApiDocument(input);
  } catch (error) {
    expect(error).toBeInstanceOf(OpenApiImportError);
    return error as OpenApiImportError;
  }
  throw new Error("expected the document to be refused");
}

describe("parseOpenApiDocument: formats", () => {
  it("reads JSON and YAML text, and objects, detecting 3.0, 3.1 and Swagger 2.0", async () => {
    const yaml = "openapi: 3.1.0\ninfo:\n  title: Pets\n  version: '2'\npaths:\n  /pets:\n    get:\n      responses:\n        '200':\n          description: ok\n";
    expect(await parseOpenApiDocument(yaml)).toMatchObject({ format: "openapi-3.1", title: "Pets", version: "2" });
    expect(await parseOpenApiDocument(JSON.stringify(doc({})))).toMatchObject({ format: "openapi-3.0", title: "T" });
    const swagger = await parseOpenApiDocument("swagger: '2.0'\ninfo: { title: S, version: '1' }\nhost: api.example.com\nbasePath: /v1\nschemes: [https]\npaths:\n  /pets/{id}:\n    get:\n      parameters: [{ name: id, in: path, required: true, type: string }]\n      responses: { '200': { description: ok } }\n");
    // converted to 3.0 for the generator; the format says what was given
    expect(swagger.format).toBe("swagger-2.0");
    expect(swagger.document).toMatchObject({ openapi: expect.stringMatching(/^3\.0/), servers: [{ url: "https://api.example.com/v1" }] });
    expect((swagger.document as any).paths["/pets/{id}"].get.parameters[0]).toMatchObject({ name: "id", schema: { type: "string" } });
  });

  it("does not change the object it is given", async () => {
    const input = doc({ "/a": { get: { responses: ok } } });
    const before = JSON.stringify(input);
    await parseOpenApiDocument(input);
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe("parseOpenApiDocument: errors point at the place", () => {
  it("bad JSON: line and column", async () => {
    const error = await parseError('{\n  "openapi": "3.0.0",\n  "info": { "title": "x" "version": "1" }\n}');
    expect(error.message).toMatch(/^invalid JSON at line 3, column 26: /);
    expect(error.location).toEqual({ line: 3, column: 26 });
    expect(error.code).toBe("bad_request");
    expect((await parseError('{ "openapi": "3.0.0", ')).message).toMatch(/^invalid JSON at line 1, column \d+: /);
  });

  it("bad YAML: line and column", async () => {
    const error = await parseError("openapi: 3.0.0\ninfo:\n  title: x\n  version: 1\npaths:\n  /a: [\n");
    expect(error.message).toMatch(/^invalid YAML at line \d+, column \d+: /);
    expect(error.location.line).toBeGreaterThanOrEqual(6);
    const duplicate = await parseError("openapi: 3.0.0\ninfo:\n  title: x\n  title: y\n");
    expect(duplicate.message).toMatch(/^invalid YAML at line 4, column 3: .*unique/i);
  });

  it("a YAML alias inside its own anchor is refused, not walked for ever", async () => {
    const error = await parseError("openapi: 3.0.0\ninfo: { title: x, version: '1' }\npaths: {}\ncomponents:\n  schemas:\n    A: &a\n      properties:\n        self: *a\n");
    expect(error.message).toContain("/components/schemas/A/properties/self");
    expect(error.message).toContain("recursive");
  });

  it("schema violations outside operations are warnings with the JSON pointer (and line), not refusals", async () => {
    const noVersion = await parseOpenApiDocument({ openapi: "3.0.3", info: { title: "x" }, paths: { "/a": { get: { responses: ok } } } });
    expect(noVersion.warnings).toContain("/info: must have required property 'version'");
    const unknown = await parseOpenApiDocument({ ...doc({ "/a": { get: { responses: ok } } }), servers: [{ url: "https://x", nope: 1 }] });
    expect(unknown.warnings).toContain("/servers/0/nope: is not allowed here");
    const swagger = await parseOpenApiDocument({ swagger: "2.0", info: { title: "s", version: "1" }, paths: { "/a": { get: { responses: ok } } }, schemes: ["gopher"] });
    expect(swagger.warnings.some((w) => /^\/schemes\/0: must be one of/.test(w))).toBe(true);
    expect(swagger.invalidOperations.size).toBe(0);
  });

  it("text documents: problems carry their line", async () => {
    const yaml = [
      "openapi: 3.0.3",
      "info:",
      "  title: Lines",
      "  version: '1'",
      "  nope: true",
      "paths:",
      "  /good:",
      "    get:",
      "      responses: { '200': { description: ok } }",
      "  /bad:",
      "    get:",
      "      parameters:",
      "        - name: a",
      "          in: querystring",
      "      responses: { '200': { description: ok } }",
    ].join("\n");
    const parsed = await parseOpenApiDocument(yaml);
    expect(parsed.warnings).toContain("/info/nope (line 5): is not allowed here");
    expect(parsed.invalidOperations.get("GET /bad")).toBe('invalid operation: /paths/~1bad/get/parameters/0/in (line 14): must be one of ["path","query","header","cookie"]');
    const json = await parseOpenApiDocument(JSON.stringify({ openapi: "3.0.3", info: { title: "J", version: "1" }, paths: { "/x": { get: { responses: {} } } } }, null, 2));
    expect(json.invalidOperations.get("GET /x")).toBe("invalid operation: /paths/~1x/get/responses (line 10): must NOT have fewer than 1 properties");
  });

  it("not OpenAPI, unsupported versions, empty input", async () => {
    expect((await parseError({ hello: "world" })).message).toMatch(/^not an OpenAPI document/);
    expect((await parseError({ openapi: "3.2.0", info: { title: "x", version: "1" }, paths: {} })).location.pointer).toBe("/openapi");
    expect((await parseError({ swagger: "1.2" })).message).toContain("Swagger version 1.2 is not supported");
    expect((await parseError("  ")).message).toBe("the document is empty");
    expect((await parseError("- a\n- b\n")).message).toContain("must be a JSON or YAML object");
    expect((await parseError("x".repeat(100))).message).toMatch(/not an OpenAPI document|must be a JSON or YAML object/);
  });

  it("refuses documents over the size limit before parsing", async () => {
    await expect(parseOpenApiDocument(`{"x": "${"a".repeat(2000)}"}`, { maxBytes: 1000 })).rejects.toThrow("larger than");
  });

  it("references: missing or external ones outside operations are warnings with the place", async () => {
    const missing = await parseOpenApiDocument(doc({}, { components: { schemas: { A: { $ref: "#/components/schemas/Nope" } } } }));
    expect(missing.warnings).toContain('/components/schemas/A: $ref "#/components/schemas/Nope" does not resolve: nothing at /components/schemas/Nope');
    const external = await parseOpenApiDocument(doc({}, { components: { schemas: { A: { $ref: "other.yaml#/B" } } } }));
    expect(external.warnings.join("\n")).toContain("points to another file");
  });
});

describe("parseOpenApiDocument: a bad operation is reported, not fatal", () => {
  it("marks operations that violate the schema or hold a broken reference, keeps the rest", async () => {
    const parsed = await parseOpenApiDocument(
      doc({
        "/good": { get: { responses: ok } },
        "/no-responses": { get: { responses: {} } },
        "/bad-param": { get: { parameters: [{ name: "a", in: "querystring" }], responses: ok } },
        "/broken-ref": { post: { requestBody: { $ref: "#/components/requestBodies/Gone" }, responses: ok } },
      }),
    );
    expect([...parsed.invalidOperations.keys()].sort()).toEqual(["GET /bad-param", "GET /no-responses", "POST /broken-ref"]);
    expect(parsed.invalidOperations.get("GET /no-responses")).toBe("invalid operation: /paths/~1no-responses/get/responses: must NOT have fewer than 1 properties");
    expect(parsed.invalidOperations.get("GET /bad-param")).toContain('/paths/~1bad-param/get/parameters/0/in: must be one of ["path","query","header","cookie"]');
    expect(parsed.invalidOperations.get("POST /broken-ref")).toContain('$ref "#/components/requestBodies/Gone" does not resolve');
  });

  it("circular references validate (and are not followed)", async () => {
    const parsed = await parseOpenApiDocument(
      doc(
        { "/nodes": { post: { requestBody: { content: { "application/json": { schema: { $ref: "#/components/schemas/Node" } } } }, responses: ok } } },
        { components: { schemas: { Node: { type: "object", properties: { children: { type: "array", items: { $ref: "#/components/schemas/Node" } } } } } } },
      ),
    );
    expect(parsed.invalidOperations.size).toBe(0);
  });
});
