import { describe, expect, it } from "vitest";
import { compileRequestTemplate } from "./compile-request-template.ts";
import { TemplateError } from "./template-error.ts";
import type { RequestTemplate } from "./types.ts";

function compileError(template: RequestTemplate): TemplateError {
  try {
    compileRequestTemplate(template);
  } catch (error) {
    if (error instanceof TemplateError) return error;
    throw error;
  }
  throw new Error("expected a TemplateError");
}

const base = { method: "GET", url: "https://api.example.com/v1/items" };

describe("compileRequestTemplate", () => {
  it("compiles a full template and reports secrets and member use", () => {
    const compiled = compileRequestTemplate({
      method: "post",
      url: "https://api.example.com/v1/users/{{ input.userId }}/notes",
      query: { limit: "{{input.limit}}", tag: ["a", "{{input.tag}}"] },
      headers: {
        Authorization: "Bearer {{secrets.API_TOKEN}}",
        "X-Other": "{{ secrets.OTHER }}",
        "X-Again": "{{secrets.API_TOKEN}}",
        "X-Member": "{{member.email}}",
      },
      body: { note: "{{input.note}}", by: "{{member.id}}", fixed: [1, 2] },
    });
    expect(compiled.method).toBe("POST");
    expect(compiled.secretNames).toEqual(["API_TOKEN", "OTHER"]);
    expect(compiled.usesMember).toBe(true);
  });

  it("reports usesMember false and no secrets for a plain template", () => {
    const compiled = compileRequestTemplate({ ...base, url: "https://api.example.com/p/{{project.id}}/r/{{run.id}}" });
    expect(compiled.usesMember).toBe(false);
    expect(compiled.secretNames).toEqual([]);
  });

  it.each([
    ["https://{{input.host}}/x", "host"],
    ["https://api.{{input.tenant}}.example.com/x", "host part"],
    ["https://api.example.com:{{input.port}}/x", "port"],
    ["https://{{input.user}}@api.example.com/x", "userinfo"],
    ["{{input.scheme}}://api.example.com/x", "scheme"],
    ["{{input.url}}", "whole url"],
  ])("refuses a placeholder outside the path: %s (%s)", (url) => {
    const error = compileError({ ...base, url });
    expect(error.path).toBe("url");
  });

  it.each([
    ["/relative/path"],
    ["ftp://example.com/file"],
    ["file:///etc/passwd"],
    ["javascript:alert(1)"],
    ["https://"],
    [" https://api.example.com/x"],
    ["https://api.example.com/x\n"],
    ["https://user:pass@api.example.com/x"],
  ])("refuses a URL that is not an absolute http(s) URL with a literal host: %j", (url) => {
    expect(compileError({ ...base, url }).path).toBe("url");
  });

  it("refuses a query string or fragment in the URL itself", () => {
    expect(compileError({ ...base, url: "https://api.example.com/x?limit={{input.limit}}" }).path).toBe("url");
    expect(compileError({ ...base, url: "https://api.example.com/x?static=1" }).path).toBe("url");
    expect(compileError({ ...base, url: "https://api.example.com/x#{{input.f}}" }).path).toBe("url");
  });

  it("refuses backslashes and literal dot segments in the path", () => {
    expect(compileError({ ...base, url: "https://api.example.com\\@evil.com/x" }).path).toBe("url");
    expect(compileError({ ...base, url: "https://api.example.com/a/../admin" }).path).toBe("url");
    expect(compileError({ ...base, url: "https://api.example.com/a/%2e%2E/admin" }).path).toBe("url");
  });

  it("refuses unknown namespaces and fields", () => {
    expect(compileError({ ...base, url: "https://api.example.com/{{env.HOME}}" }).message).toMatch(/unknown variable \{\{env\.HOME\}\}/);
    expect(compileError({ ...base, headers: { "X-A": "{{member.phone}}" } }).path).toBe("headers.X-A");
    expect(compileError({ ...base, body: { a: "{{project.name}}" } }).path).toBe("body.a");
    expect(compileError({ ...base, body: { a: "{{run.status}}" } }).path).toBe("body.a");
    expect(compileError({ ...base, query: { q: "{{input}}" } }).path).toBe("query.q");
    expect(compileError({ ...base, query: { q: "{{input..a}}" } }).path).toBe("query.q");
    expect(compileError({ ...base, query: { q: "{{ }}" } }).path).toBe("query.q");
  });

  it("allows secrets only in headers", () => {
    expect(compileError({ ...base, url: "https://api.example.com/{{secrets.TOKEN}}" }).path).toBe("url");
    expect(compileError({ ...base, query: { key: "{{secrets.TOKEN}}" } }).path).toBe("query.key");
    expect(compileError({ ...base, query: { key: ["x", "{{secrets.TOKEN}}"] } }).path).toBe("query.key.1");
    const error = compileError({ ...base, body: { contact: { name: "x {{secrets.TOKEN}}" } } });
    expect(error.path).toBe("body.contact.name");
    expect(error.message).toMatch(/secrets may only be used in headers/);
  });

  it("refuses invalid methods", () => {
    expect(compileError({ ...base, method: "TRACE" }).path).toBe("method");
    expect(compileError({ ...base, method: "GET /x" }).path).toBe("method");
  });

  it("refuses an unterminated placeholder", () => {
    const error = compileError({ ...base, body: { a: "hello {{input.name" } });
    expect(error.path).toBe("body.a");
    expect(error.message).toMatch(/unterminated/);
    expect(compileError({ ...base, headers: { "X-A": "{{input.a}" } }).path).toBe("headers.X-A");
  });

  it("validates header names and refuses gateway-managed headers", () => {
    expect(compileError({ ...base, headers: { "Bad Header": "x" } }).path).toBe("headers.Bad Header");
    expect(compileError({ ...base, headers: { "X-A\r\nInjected": "x" } }).path).toBe("headers.X-A\r\nInjected");
    expect(compileError({ ...base, headers: { Host: "internal" } }).path).toBe("headers.Host");
    expect(compileError({ ...base, headers: { "X-Tengine-Member-Id": "{{input.who}}" } }).path).toBe("headers.X-Tengine-Member-Id");
    expect(compileError({ ...base, headers: { "Idempotency-Key": "{{input.k}}" } }).path).toBe("headers.Idempotency-Key");
    expect(compileError({ ...base, headers: { "x-a": "1", "X-A": "2" } }).path).toBe("headers.X-A");
    expect(compileError({ ...base, headers: { "X-A": "a\r\nb" } }).path).toBe("headers.X-A");
  });

  it("refuses placeholders in query names and body keys", () => {
    expect(compileError({ ...base, query: { "{{input.k}}": "v" } }).path).toBe("query.{{input.k}}");
    expect(compileError({ ...base, body: { "{{input.k}}": "v" } }).path).toBe("body.{{input.k}}");
  });

  it("is a TemplateError with a message that starts with the path", () => {
    const error = compileError({ ...base, query: { limit: "{{nope.x}}" } });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("TemplateError");
    expect(error.message.startsWith("query.limit: ")).toBe(true);
  });
});
