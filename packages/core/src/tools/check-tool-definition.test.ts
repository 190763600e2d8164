import { describe, expect, it } from "vitest";
import { checkToolDefinition } from "./check-tool-definition.ts";

const base = { name: "t", description: "d", inputSchema: { type: "object" }, method: "GET", url: "https://api.example.com/x" };
const error = (def: object) => {
  try {
    checkToolDefinition(def as never);
  } catch (e) {
    return (e as Error).message;
  }
  return "accepted";
};

describe("checkToolDefinition", () => {
  it("accepts a complete definition and fills defaults", () => {
    expect(checkToolDefinition(base as never)).toMatchObject({ enabled: true, timeoutMs: 10_000, maxAttempts: 3, idempotencyWindowSec: 60, auth: { type: "none" } });
  });

  it("names the field of every problem", () => {
    expect(error({ ...base, name: "bad name" })).toContain("name must be 1 to 64 letters, digits, dots, dashes or underscores (no spaces)");
    expect(error({ ...base, inputSchema: { type: "string" } })).toContain('inputSchema: inputSchema must have "type": "object"');
    expect(error({ ...base, inputSchema: { type: "object", properties: { a: { type: "nope" } } } })).toContain("inputSchema is not a valid JSON Schema");
    expect(error({ ...base, url: "https://{{input.host}}/x" })).toContain("url");
    expect(error({ ...base, headers: { "x-a": "{{secrets}}" } })).toContain("headers");
    expect(error({ ...base, requiredScopes: ["contacts"] })).toContain("requiredScopes: contacts");
    expect(error({ ...base, timeoutMS: 5 })).toContain("timeoutMS");
    expect(error({ ...base, auth: { type: "bearer", token: "short" } })).toContain("auth.token must be at least 8 characters");
  });

  it("accepts x-mcp-header marks on primitive arguments reached through properties, and refuses the others", () => {
    const schema = (properties: object) => ({ ...base, inputSchema: { type: "object", properties } });
    expect(error(schema({ region: { type: "string", "x-mcp-header": "Region" }, nested: { type: "object", properties: { id: { type: "integer", "x-mcp-header": "Id" } } } }))).toBe("accepted");
    expect(error(schema({ a: { type: "string", "x-mcp-header": "" } }))).toContain("x-mcp-header of argument 'a' must be a non-empty HTTP header name token");
    expect(error(schema({ a: { type: "string", "x-mcp-header": "Bad Name" } }))).toContain("HTTP header name token");
    expect(error(schema({ a: { type: "string", "x-mcp-header": "Dup" }, b: { type: "string", "x-mcp-header": "dup" } }))).toContain("x-mcp-header 'dup' is used twice");
    expect(error(schema({ a: { type: "number", "x-mcp-header": "A" } }))).toContain('needs "type" string, integer or boolean');
    expect(error(schema({ a: { type: "array", items: { type: "string", "x-mcp-header": "A" } } }))).toContain('through "properties" only');
    expect(error(schema({ a: { oneOf: [{ type: "string", "x-mcp-header": "A" }] } }))).toContain('through "properties" only');
  });

  it("accepts an object outputSchema and refuses one that is not", () => {
    expect(error({ ...base, outputSchema: { type: "object", properties: { n: { type: "integer" } } } })).toBe("accepted");
    expect(error({ ...base, outputSchema: { type: "string" } })).toContain('outputSchema: outputSchema must have "type": "object"');
    expect(error({ ...base, outputSchema: { type: "object", properties: { n: { type: "nope" } } } })).toContain("outputSchema is not a valid JSON Schema");
  });

  it("refuses a template header that the outbound auth sets", () => {
    expect(error({ ...base, headers: { Authorization: "Bearer x" }, auth: { type: "bearer", token: "long-enough-token" } })).toContain("headers.authorization: set by auth.type");
    expect(error({ ...base, headers: { "x-api-key": "x" }, auth: { type: "header", name: "X-Api-Key", value: "long-enough-value" } })).toContain("headers.x-api-key");
  });
});

describe("checkToolDefinition problems", () => {
  it("carries each problem by field with a reason code, for forms to place without parsing the message", () => {
    let caught: unknown;
    try {
      checkToolDefinition({ ...base, name: "bad name", timeoutMs: 0 } as never);
    } catch (e) {
      caught = e;
    }
    expect(caught).toMatchObject({ code: "bad_request", reason: "invalid_tool_definition" });
    const problems = (caught as { problems: { path: string; message: string }[] }).problems;
    expect(problems.map((p) => p.path)).toEqual(["name", "timeoutMs"]);
    expect(problems[0]?.message).toContain("no spaces");
    // the message a person reads is the same problems in one line
    expect((caught as Error).message).toBe(`invalid tool definition: ${problems.map((p) => `${p.path}: ${p.message}`).join("; ")}`);
  });
});

describe("checkToolDefinition: every problem at once", () => {
  const problemsOf = (def: object) => {
    try {
      checkToolDefinition(def as never);
    } catch (e) {
      return (e as { problems: { path: string; message: string }[] }).problems;
    }
    return [];
  };

  it("reports shape, schema, scope and template problems of one definition together", () => {
    const problems = problemsOf({ ...base, name: "bad name", inputSchema: { type: "string" }, requiredScopes: ["contacts"], url: "https://{{input.host}}/x" });
    expect(problems.map((p) => p.path)).toEqual(["name", "inputSchema", "requiredScopes", "url"]);
  });

  it("refuses an {{input.…}} placeholder the input schema does not define, naming what it has", () => {
    const schema = { type: "object", properties: { id: { type: "string" }, filter: { type: "object", properties: { status: { type: "string" } } } } };
    expect(problemsOf({ ...base, inputSchema: schema, url: "https://api.example.com/x/{{input.idd}}" })).toEqual([
      { path: "url", message: '{{input.idd}} uses "idd", which the input schema does not define (it has "id", "filter")' },
    ]);
    expect(problemsOf({ ...base, inputSchema: schema, query: { s: "{{input.filter.state}}" } })).toEqual([
      { path: "query.s", message: '{{input.filter.state}} uses "state", which input.filter does not define (it has "status")' },
    ]);
    expect(problemsOf({ ...base, method: "POST", inputSchema: schema, body: { a: "{{input.id}}", b: "{{input.filter.status}}" } })).toEqual([]);
    // additionalProperties: false is the strictest level of all
    expect(problemsOf({ ...base, inputSchema: { ...schema, additionalProperties: false }, url: "https://api.example.com/{{input.idd}}" })).toHaveLength(1);
  });

  it("does not judge levels that allow other names: additionalProperties, composition, no properties", () => {
    for (const inputSchema of [
      { type: "object" },
      { type: "object", properties: { id: { type: "string" } }, additionalProperties: true },
      { type: "object", properties: { id: { type: "string" } }, patternProperties: { "^x-": {} } },
      { type: "object", properties: { id: { type: "string" } }, anyOf: [{ required: ["id"] }] },
      { type: "object", properties: { list: { type: "array", items: { type: "object", properties: { other: {} } } } } },
    ]) {
      const url = inputSchema.properties && "list" in inputSchema.properties ? "https://api.example.com/{{input.list.0.other}}" : "https://api.example.com/{{input.anything}}";
      expect(problemsOf({ ...base, inputSchema, url }), JSON.stringify(inputSchema)).toEqual([]);
    }
    expect(problemsOf({ ...base, inputSchema: { type: "object", properties: { list: { type: "array", items: { type: "object", properties: { id: {} } } } } }, url: "https://api.example.com/{{input.list.0.idd}}" })).toEqual([
      { path: "url", message: '{{input.list.0.idd}} uses "idd", which input.list.0 does not define (it has "id")' },
    ]);
  });
});
