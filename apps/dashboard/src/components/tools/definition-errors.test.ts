import { describe, expect, it } from "vitest";
import { definitionFieldErrors } from "./definition-errors.ts";

describe("definitionFieldErrors", () => {
  it("maps each problem to its field", () => {
    expect(
      definitionFieldErrors([
        { path: "name", message: "name must match ^[A-Za-z0-9_.-]{1,64}$" },
        { path: "auth.token", message: "auth.token must be at least 8 characters" },
        { path: "timeoutMs", message: "Too small" },
      ]),
    ).toEqual({
      fieldErrors: { name: "name must match ^[A-Za-z0-9_.-]{1,64}$", "auth.token": "auth.token must be at least 8 characters", timeoutMs: "Too small" },
      rest: [],
    });
  });

  it("keeps messages that contain '; ' whole and folds sub-paths into their field", () => {
    const result = definitionFieldErrors([
      { path: "inputSchema", message: "inputSchema is not a valid JSON Schema: a; b" },
      { path: "headers.Bad Header", message: "not a header name" },
    ]);
    expect(result.fieldErrors).toEqual({ inputSchema: "inputSchema is not a valid JSON Schema: a; b", headers: "not a header name" });
    expect(definitionFieldErrors([{ path: "body.contact.name", message: "unknown variable" }]).fieldErrors).toEqual({ body: "unknown variable" });
    expect(definitionFieldErrors([{ path: "query.key.1", message: "secrets are only allowed in headers" }]).fieldErrors).toEqual({ query: "secrets are only allowed in headers" });
    expect(definitionFieldErrors([{ path: "url", message: "a" }, { path: "url", message: "b" }]).fieldErrors).toEqual({ url: "a; b" });
  });

  it("leaves problems without a known field for the top of the form", () => {
    expect(definitionFieldErrors([{ path: "(root)", message: 'Unrecognized key: "timeoutMS"' }])).toEqual({ fieldErrors: {}, rest: ['(root): Unrecognized key: "timeoutMS"'] });
  });
});
