import { describe, expect, it } from "vitest";
import { argumentsSkeleton, checkInputSchema, parseJson } from "./json-check.ts";

describe("parseJson", () => {
  it("reports the line and column of a syntax error", () => {
    const result = parseJson('{\n  "a": 1,\n  "b" 2\n}');
    expect(result).toMatchObject({ ok: false, line: 3, column: 7 });
    expect((result as { message: string }).message).not.toMatch(/position|line/);
    expect(parseJson('{"a": ')).toMatchObject({ ok: false, line: 1 });
    expect(parseJson('{"a": [1, 2]}')).toEqual({ ok: true, value: { a: [1, 2] } });
  });
});

describe("checkInputSchema", () => {
  it("accepts an object schema and lists its properties, required first", () => {
    expect(checkInputSchema(JSON.stringify({ type: "object", properties: { q: { type: "string" }, id: { type: "integer", description: "the id" } }, required: ["id"] }))).toEqual({
      state: "ok",
      properties: [
        { name: "id", type: "integer", required: true, description: "the id" },
        { name: "q", type: "string", required: false, description: undefined },
      ],
    });
  });

  it("explains JSON errors, non-object schemas and schemas ajv refuses", () => {
    expect(checkInputSchema("{ nope")).toMatchObject({ state: "json-error", message: expect.stringMatching(/^Line 1, column \d+: /) });
    expect(checkInputSchema('{"type": "string"}')).toMatchObject({ state: "schema-error", message: expect.stringContaining('"type": "object"') });
    expect(checkInputSchema('{"type": "object", "properties": {"a": {"type": "nope"}}}')).toMatchObject({ state: "schema-error", message: expect.stringContaining("Not a valid JSON Schema") });
    expect(checkInputSchema('{"type": "object", "$id": "x", "properties": {}}')).toMatchObject({ state: "ok" });
    expect(checkInputSchema('{"type": "object", "$id": "x", "properties": {}}')).toMatchObject({ state: "ok" });
  });
});

describe("argumentsSkeleton", () => {
  it("fills the required properties with samples", () => {
    expect(argumentsSkeleton({ type: "object", properties: { id: { type: "string" }, n: { type: "integer", minimum: 1 }, tags: { type: "array" }, opt: { type: "string" }, kind: { enum: ["a", "b"] } }, required: ["id", "n", "tags", "kind"] })).toEqual({ id: "", n: 1, tags: [], kind: "a" });
  });
});

describe("checkInputSchema meta-schema errors", () => {
  it("points at the offending keyword and lists allowed values", () => {
    const result = checkInputSchema('{"type": "object", "properties": {"id": {"type": "strin"}}}');
    expect(result).toMatchObject({ state: "schema-error" });
    expect((result as { message: string }).message).toContain('at /properties/id/type: must be equal to one of the allowed values "array", "boolean"');
  });
});
