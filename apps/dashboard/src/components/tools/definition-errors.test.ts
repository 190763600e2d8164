import { describe, expect, it } from "vitest";
import { definitionFieldErrors } from "./definition-errors.ts";

describe("definitionFieldErrors", () => {
  it("maps each path: message pair to its field", () => {
    expect(definitionFieldErrors("invalid tool definition: name: name must match ^[A-Za-z0-9_.-]{1,64}$; auth.token: auth.token must be at least 8 characters; timeoutMs: Too small")).toEqual({
      fieldErrors: { name: "name must match ^[A-Za-z0-9_.-]{1,64}$", "auth.token": "auth.token must be at least 8 characters", timeoutMs: "Too small" },
      rest: [],
    });
  });

  it("keeps messages that contain '; ' whole and folds sub-paths into their field", () => {
    const result = definitionFieldErrors('invalid tool definition: inputSchema: inputSchema is not a valid JSON Schema: a; b; headers.Bad Header: not a header name');
    expect(result.fieldErrors).toEqual({ inputSchema: "inputSchema is not a valid JSON Schema: a; b", headers: "not a header name" });
    expect(definitionFieldErrors("invalid tool definition: body.contact.name: unknown variable").fieldErrors).toEqual({ body: "unknown variable" });
    expect(definitionFieldErrors("invalid tool definition: query.key.1: secrets are only allowed in headers").fieldErrors).toEqual({ query: "secrets are only allowed in headers" });
  });

  it("leaves problems without a known field for the top of the form", () => {
    expect(definitionFieldErrors('invalid tool definition: (root): Unrecognized key: "timeoutMS"')).toEqual({ fieldErrors: {}, rest: ['(root): Unrecognized key: "timeoutMS"'] });
    expect(definitionFieldErrors("something else")).toEqual({ fieldErrors: {}, rest: ["something else"] });
  });
});
