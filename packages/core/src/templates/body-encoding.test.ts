import { describe, expect, it } from "vitest";
import { compileRequestTemplate } from "./compile-request-template.ts";
import { BodyEncodingError, encodeForm, encodeMultipart, formPairs, MAX_FORM_DEPTH, multipartParts } from "./body-encoding.ts";
import { renderRequest } from "./render-request.ts";

const context = (input: unknown) => ({ input, project: { id: "prj_1" }, run: { id: "run_1" }, secrets: {} });

describe("form bodies (application/x-www-form-urlencoded)", () => {
  it("encodes each style of OpenAPI's Encoding Object", () => {
    const body = { a: "x y", ids: [1, 2], pipes: ["p", "q"], spaces: ["s", "t"], csv: ["c", "d"], point: { x: 1, y: 2 }, packed: { k: "v" }, meta: { key: "v" }, items: [{ price: "p_1" }], skip: null };
    const pairs = formPairs(body, {
      pipes: { style: "pipeDelimited", explode: false },
      spaces: { style: "spaceDelimited", explode: false },
      csv: { style: "form", explode: false },
      packed: { style: "form", explode: false },
      meta: { style: "deepObject", explode: true },
      items: { style: "deepObject", explode: true },
    });
    expect(pairs).toEqual([
      ["a", "x y"],
      ["ids", "1"],
      ["ids", "2"],
      ["pipes", "p|q"],
      ["spaces", "s t"],
      ["csv", "c,d"],
      ["x", "1"],
      ["y", "2"],
      ["packed", "k,v"],
      ["meta[key]", "v"],
      ["items[0][price]", "p_1"],
    ]);
    expect(encodeForm(pairs)).toBe("a=x+y&ids=1&ids=2&pipes=p%7Cq&spaces=s+t&csv=c%2Cd&x=1&y=2&packed=k%2Cv&meta%5Bkey%5D=v&items%5B0%5D%5Bprice%5D=p_1");
  });

  it("empty objects are sent as an empty value (how Stripe clears metadata); nesting is bounded", () => {
    expect(formPairs({ metadata: {} }, { metadata: { style: "deepObject" } })).toEqual([["metadata", ""]]);
    let deep: unknown = "x";
    for (let i = 0; i < MAX_FORM_DEPTH + 5; i++) deep = { n: deep };
    expect(() => formPairs({ deep }, { deep: { style: "deepObject" } })).toThrow(BodyEncodingError);
    expect(() => formPairs(["not", "an", "object"])).toThrow("a form body must be an object, not an array");
  });
});

describe("multipart bodies", () => {
  it("text parts, JSON parts and files, with per-part content types", () => {
    const parts = multipartParts({ title: "T", meta: { a: 1 }, file: { base64: Buffer.from("hi").toString("base64"), filename: "a.txt" } }, { file: { contentType: "text/plain" } });
    expect(encodeMultipart(parts, "B").toString("utf8")).toBe(
      '--B\r\nContent-Disposition: form-data; name="title"\r\n\r\nT\r\n' +
        '--B\r\nContent-Disposition: form-data; name="meta"\r\nContent-Type: application/json\r\n\r\n{"a":1}\r\n' +
        '--B\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\nContent-Type: text/plain\r\n\r\nhi\r\n' +
        "--B--\r\n",
    );
  });

  it("refuses file names that could break the part header, and URLs that are not http(s)", () => {
    expect(() => multipartParts({ file: { base64: "aGk=", filename: 'a"b' } })).toThrow("body.file.filename may not contain quotes");
    // Part headers: fixed ones from the encoding, given ones win (names compared case-insensitively); no CR/LF, no reserved names.
    const withHeaders = multipartParts({ note: "n", file: { base64: "aGk=", headers: { "x-trace": "t2" } } }, { note: { headers: { "X-Kind": "memo" } }, file: { headers: { "X-Trace": "t1", "X-Fixed": "f" } } });
    expect(encodeMultipart(withHeaders, "B").toString("utf8")).toBe(
      '--B\r\nContent-Disposition: form-data; name="note"\r\nX-Kind: memo\r\n\r\nn\r\n' +
        '--B\r\nContent-Disposition: form-data; name="file"; filename="file"\r\nContent-Type: application/octet-stream\r\nX-Fixed: f\r\nx-trace: t2\r\n\r\nhi\r\n--B--\r\n',
    );
    expect(() => multipartParts({ file: { base64: "aGk=", headers: { "X-A": "1\r\nX-B: 2" } } })).toThrow("body.file.headers.X-A may not contain CR, LF or NUL");
    expect(() => multipartParts({ file: { base64: "aGk=", headers: { "Content-Disposition": "form-data; name=x" } } })).toThrow('body.file.headers: "Content-Disposition" is written by the gateway');
    expect(() => multipartParts({ file: { base64: "aGk=", headers: { "Bad Name": "1" } } })).toThrow('"Bad Name" must be a header name');
    expect(() => multipartParts({ file: { url: "file:///etc/passwd" } })).toThrow("body.file.url must be an http(s) URL");
  });
});

describe("renderRequest with a body encoding", () => {
  const compiled = (bodyEncoding: Parameters<typeof compileRequestTemplate>[0]["bodyEncoding"]) => compileRequestTemplate({ method: "POST", url: "https://api.example.com/x", body: "{{input.body}}", bodyEncoding });

  it("binary: base64 decoded, its content type kept; invalid base64 is a render error naming the place", () => {
    const tool = compiled({ type: "binary", contentType: "image/*" });
    const ok = renderRequest(tool, context({ body: { base64: "iVBORw0KGgo=", contentType: "image/png" } }));
    expect(ok.ok && ok.request.body).toEqual(Buffer.from("iVBORw0KGgo=", "base64"));
    expect(ok.ok && ok.request.contentType).toBe("image/png");
    expect(renderRequest(tool, context({ body: { base64: "%%%" } }))).toEqual({ ok: false, error: "body.base64 is not valid base64", path: "body.base64" });
  });

  it("multipart: the boundary derives from the run (what an approver saw is what is sent)", () => {
    const tool = compiled({ type: "multipart" });
    const a = renderRequest(tool, context({ body: { x: "1" } }));
    const b = renderRequest(tool, context({ body: { x: "1" } }));
    expect(a.ok && a.request.contentType).toMatch(/^multipart\/form-data; boundary=tengine-[0-9a-f]{32}$/);
    expect(a.ok && b.ok && a.request.contentType === b.request.contentType).toBe(true);
  });

  it("a body encoding without a body is refused when the template is compiled", () => {
    expect(() => compileRequestTemplate({ method: "POST", url: "https://api.example.com/x", bodyEncoding: { type: "form" } })).toThrow('bodyEncoding "form" needs a body');
  });
});
