import { describe, expect, it } from "vitest";
import { compileRequestTemplate } from "./compile-request-template.ts";
import { renderRequest } from "./render-request.ts";
import type { RenderContext, RenderedRequest, RenderResult, RequestTemplate } from "./types.ts";

function context(overrides: Partial<RenderContext> = {}): RenderContext {
  return {
    input: {},
    member: { id: "mem_1", email: "ada@example.com", name: "Ada" },
    project: { id: "prj_1" },
    run: { id: "run_1" },
    secrets: { API_TOKEN: "s3cr3t-token" },
    ...overrides,
  };
}

function render(template: Partial<RequestTemplate>, ctx: Partial<RenderContext> = {}): RenderResult {
  const compiled = compileRequestTemplate({ method: "POST", url: "https://api.example.com/v1", ...template });
  return renderRequest(compiled, context(ctx));
}

function ok(template: Partial<RequestTemplate>, ctx: Partial<RenderContext> = {}): RenderedRequest {
  const result = render(template, ctx);
  if (!result.ok) throw new Error(`render failed: ${result.path}: ${result.error}`);
  return result.request;
}

function fail(template: Partial<RequestTemplate>, ctx: Partial<RenderContext> = {}): { error: string; path: string } {
  const result = render(template, ctx);
  if (result.ok) throw new Error(`expected a render error, got ${result.request.url}`);
  return result;
}

describe("renderRequest: URL path", () => {
  it("keeps a hostile value inside one segment", () => {
    const request = ok({ url: "https://api.example.com/files/{{input.name}}/meta" }, { input: { name: "a/../b?x#y" } });
    expect(request.url).toBe("https://api.example.com/files/a%2F..%2Fb%3Fx%23y/meta");
    expect(new URL(request.url).pathname.split("/")).toEqual(["", "files", "a%2F..%2Fb%3Fx%23y", "meta"]);
  });

  it("encodes @, %, backslash and spaces", () => {
    const request = ok({ url: "https://api.example.com/u/{{input.v}}" }, { input: { v: "a@b%2F c\\d" } });
    expect(request.url).toBe("https://api.example.com/u/a%40b%252F%20c%5Cd");
    expect(new URL(request.url).host).toBe("api.example.com");
  });

  it("stringifies numbers and booleans, and uses array indexes in paths", () => {
    const request = ok(
      { url: "https://api.example.com/o/{{input.order.items.1.id}}/{{input.n}}/{{input.flag}}" },
      { input: { order: { items: [{ id: "x" }, { id: "sku-2" }] }, n: 42, flag: false } },
    );
    expect(request.url).toBe("https://api.example.com/o/sku-2/42/false");
  });

  it("percent-encodes unicode as UTF-8", () => {
    const request = ok({ url: "https://api.example.com/cities/{{input.city}}" }, { input: { city: "Zürich 東京" } });
    expect(request.url).toBe("https://api.example.com/cities/Z%C3%BCrich%20%E6%9D%B1%E4%BA%AC");
  });

  it.each([".", "..", ""])("refuses the value %j", (value) => {
    const error = fail({ url: "https://api.example.com/a/{{input.v}}/b" }, { input: { v: value } });
    expect(error.path).toBe("url");
    expect(error.error).toContain("{{input.v}}");
  });

  it("refuses adjacent placeholders forming a dot segment", () => {
    const error = fail({ url: "https://api.example.com/a/{{input.x}}{{input.y}}" }, { input: { x: ".", y: "." } });
    expect(error.path).toBe("url");
  });

  it("allows values that merely contain dots, refuses . and .. even beside literal text", () => {
    expect(ok({ url: "https://api.example.com/f/{{input.v}}" }, { input: { v: "..." } }).url).toBe("https://api.example.com/f/...");
    expect(ok({ url: "https://api.example.com/f/{{input.v}}" }, { input: { v: "v1.2" } }).url).toBe("https://api.example.com/f/v1.2");
    expect(fail({ url: "https://api.example.com/f/x{{input.v}}" }, { input: { v: ".." } }).path).toBe("url");
  });

  it.each([
    [{ v: { a: 1 } }, "an object"],
    [{ v: [1] }, "an array"],
    [{ v: null }, "null"],
  ])("refuses non-scalar values %j", (input, kind) => {
    const error = fail({ url: "https://api.example.com/a/{{input.v}}" }, { input });
    expect(error.error).toContain(kind);
  });

  it("refuses a missing input value and names it", () => {
    const error = fail({ url: "https://api.example.com/users/{{input.user.id}}" }, { input: { user: {} } });
    expect(error).toEqual({ ok: false, path: "url", error: "Missing value for {{input.user.id}} in url" });
  });

  it("does not walk into prototypes", () => {
    const error = fail({ url: "https://api.example.com/{{input.constructor}}" }, { input: {} });
    expect(error.error).toMatch(/Missing value/);
  });
});

describe("renderRequest: query", () => {
  it("encodes values, repeats arrays, omits undefined and null", () => {
    const request = ok(
      {
        method: "GET",
        query: {
          q: "{{input.q}}",
          tag: "{{input.tags}}",
          limit: "{{input.limit}}",
          missing: "{{input.nope}}",
          nothing: "{{input.nothing}}",
          fixed: ["a", "b & c"],
          prefix: "id:{{input.limit}}",
        },
      },
      { input: { q: "a&b=c d/é", tags: ["x", "y z", 3], limit: 10, nothing: null } },
    );
    const url = new URL(request.url);
    expect(url.searchParams.get("q")).toBe("a&b=c d/é");
    expect(url.searchParams.getAll("tag")).toEqual(["x", "y z", "3"]);
    expect(url.searchParams.get("limit")).toBe("10");
    expect(url.searchParams.has("missing")).toBe(false);
    expect(url.searchParams.has("nothing")).toBe(false);
    expect(url.searchParams.getAll("fixed")).toEqual(["a", "b & c"]);
    expect(url.searchParams.get("prefix")).toBe("id:10");
    expect(request.url).toBe(
      "https://api.example.com/v1?q=a%26b%3Dc+d%2F%C3%A9&tag=x&tag=y+z&tag=3&limit=10&fixed=a&fixed=b+%26+c&prefix=id%3A10",
    );
  });

  it("has no ? when every param is omitted", () => {
    expect(ok({ query: { a: "{{input.a}}" } }).url).toBe("https://api.example.com/v1");
  });

  it("refuses a missing value inside a longer string, objects, and arrays of objects", () => {
    expect(fail({ query: { q: "id:{{input.a}}" } })).toEqual({
      ok: false,
      path: "query.q",
      error: "Missing value for {{input.a}} in query.q",
    });
    expect(fail({ query: { q: "{{input.a}}" } }, { input: { a: { b: 1 } } }).path).toBe("query.q");
    expect(fail({ query: { q: ["x", "{{input.a}}"] } }, { input: { a: [{ b: 1 }] } }).path).toBe("query.q.1");
  });
});

describe("renderRequest: JSON body", () => {
  it("substitutes typed values for whole-string placeholders", () => {
    const request = ok(
      {
        body: {
          amount: "{{input.amount}}",
          active: "{{input.active}}",
          contact: "{{input.contact}}",
          tags: "{{input.tags}}",
          nothing: "{{input.nothing}}",
          nested: { name: "{{ input.contact.name }}", items: ["{{input.amount}}", "lit"] },
          project: "{{project.id}}",
          run: "{{run.id}}",
        },
      },
      {
        input: {
          amount: 12.5,
          active: true,
          contact: { name: "Ada", address: { city: "London" } },
          tags: ["a", 1],
          nothing: null,
        },
      },
    );
    expect(request.contentType).toBe("application/json");
    expect(JSON.parse(String(request.body ?? ""))).toEqual({
      amount: 12.5,
      active: true,
      contact: { name: "Ada", address: { city: "London" } },
      tags: ["a", 1],
      nothing: null,
      nested: { name: "Ada", items: [12.5, "lit"] },
      project: "prj_1",
      run: "run_1",
    });
  });

  it("stringifies values inside longer strings, objects as JSON text", () => {
    const request = ok(
      { body: { text: "Order {{input.n}} for {{input.who}}: {{input.meta}} ({{input.none}})" } },
      { input: { n: 7, who: "Zoë \"quoted\"", meta: { a: [1, 2] }, none: null } },
    );
    expect(JSON.parse(String(request.body ?? ""))).toEqual({ text: 'Order 7 for Zoë "quoted": {"a":[1,2]} (null)' });
  });

  it("cannot break out of a JSON string", () => {
    const request = ok({ body: { note: "{{input.note}}", x: "pre {{input.note}}" } }, { input: { note: '", "admin": true, "x": "' } });
    const parsed = JSON.parse(String(request.body ?? ""));
    expect(Object.keys(parsed)).toEqual(["note", "x"]);
    expect(parsed.note).toBe('", "admin": true, "x": "');
  });

  it("removes a property whose whole-value placeholder is undefined", () => {
    const request = ok({ body: { a: "{{input.a}}", b: "{{input.b}}", email: "{{member.email}}" } }, {
      input: { a: 1 },
      member: { id: "mem_1" },
    });
    expect(JSON.parse(String(request.body ?? ""))).toEqual({ a: 1 });
  });

  it("refuses undefined inside an array, inside a longer string, and as the whole body", () => {
    expect(fail({ body: { items: ["x", "{{input.missing}}"] } })).toEqual({
      ok: false,
      path: "body.items.1",
      error: "Missing value for {{input.missing}} in body.items.1",
    });
    expect(fail({ body: { contact: { name: "Dr {{input.name}}" } } }).path).toBe("body.contact.name");
    expect(fail({ body: "{{input.payload}}" }).path).toBe("body");
  });

  it("keeps __proto__ keys as plain data", () => {
    const input = JSON.parse('{"p": {"__proto__": {"polluted": true}}}');
    const request = ok({ body: { p: "{{input.p}}", q: { w: "{{input.p}}" } } }, { input });
    expect(JSON.parse(String(request.body ?? ""))).toEqual(JSON.parse('{"p": {"__proto__": {"polluted": true}}, "q": {"w": {"__proto__": {"polluted": true}}}}'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("sends no body and no content type without a body template", () => {
    const request = ok({ method: "GET" });
    expect(request.body).toBeUndefined();
    expect(request.contentType).toBeUndefined();
  });

  it("renders a literal body unchanged", () => {
    expect(ok({ body: [1, "two", { three: null }] }).body).toBe('[1,"two",{"three":null}]');
  });
});

describe("renderRequest: headers", () => {
  it("renders headers, collects secret values and omits undefined whole values", () => {
    const request = ok(
      {
        headers: {
          Authorization: "Bearer {{secrets.API_TOKEN}}",
          "X-Key": "{{ secrets.API_TOKEN }}",
          "X-Member": "{{member.id}}",
          "X-Name": "{{member.name}}",
          "X-Optional": "{{input.opt}}",
          "X-Count": "{{input.count}}",
        },
      },
      { input: { count: 3 }, member: { id: "mem_9" } },
    );
    expect(request.headers).toEqual({
      Authorization: "Bearer s3cr3t-token",
      "X-Key": "s3cr3t-token",
      "X-Member": "mem_9",
      "X-Count": "3",
    });
    expect(request.secretValues).toEqual(["s3cr3t-token"]);
  });

  it.each(["a\r\nX-Injected: 1", "a\nb", "a\rb", "a\u0000b"])("refuses CR/LF/NUL in %j", (value) => {
    const whole = fail({ headers: { "X-Note": "{{input.v}}" } }, { input: { v: value } });
    expect(whole.path).toBe("headers.X-Note");
    expect(whole.error).toMatch(/CR, LF or NUL/);
    expect(fail({ headers: { "X-Note": "pre-{{input.v}}" } }, { input: { v: value } }).path).toBe("headers.X-Note");
  });

  it("refuses characters HTTP headers cannot carry, accepts Latin-1", () => {
    expect(fail({ headers: { "X-Name": "{{member.name}}" } }, { member: { id: "m", name: "山田" } }).error).toMatch(/not allowed/);
    expect(ok({ headers: { "X-Name": "{{member.name}}" } }, { member: { id: "m", name: "José" } }).headers["X-Name"]).toBe("José");
  });

  it("reports an unset secret by name without any value", () => {
    const error = fail({ headers: { Authorization: "Bearer {{secrets.MISSING}}" } });
    expect(error).toEqual({ ok: false, path: "headers.Authorization", error: "secret MISSING is not set" });
  });

  it("refuses a missing value inside a longer header string", () => {
    expect(fail({ headers: { "X-Trace": "t-{{input.trace}}" } })).toEqual({
      ok: false,
      path: "headers.X-Trace",
      error: "Missing value for {{input.trace}} in headers.X-Trace",
    });
  });
});

describe("renderRequest: member and unknown values", () => {
  it("refuses member variables when the call has no member", () => {
    const { member: _member, ...noMember } = context();
    const compiled = compileRequestTemplate({ method: "GET", url: "https://api.example.com/u/{{member.id}}" });
    const result = renderRequest(compiled, noMember);
    expect(result).toEqual({ ok: false, path: "url", error: "{{member.id}} in url needs a member, and this call has none" });
    const header = renderRequest(
      compileRequestTemplate({ method: "GET", url: "https://api.example.com/", headers: { "X-Member": "{{member.id}}" } }),
      noMember,
    );
    expect(header.ok).toBe(false);
  });

  it("treats a missing input as missing, wherever it is required", () => {
    expect(fail({ url: "https://api.example.com/{{input.a.b.0.c}}" }, { input: undefined }).error).toBe(
      "Missing value for {{input.a.b.0.c}} in url",
    );
    expect(fail({ url: "https://api.example.com/{{input.list.x}}" }, { input: { list: [1] } }).path).toBe("url");
  });

  it("keeps the template's host and scheme whatever the values", () => {
    const request = ok(
      { url: "https://api.example.com:8443/v1/{{input.a}}" },
      { input: { a: "//evil.example:80/x" } },
    );
    const url = new URL(request.url);
    expect(url.origin).toBe("https://api.example.com:8443");
    expect(url.pathname).toBe("/v1/%2F%2Fevil.example%3A80%2Fx");
  });
});
