import { describe, expect, it } from "vitest";
import { mapResponse, mapSendFailure } from "./map-response.ts";
import type { SendFailure, SendSuccess } from "./outbound-client.ts";

function response(status: number, body: string | Buffer, contentType?: string, truncated = false): SendSuccess {
  return {
    ok: true,
    status,
    headers: contentType ? { "content-type": contentType } : {},
    body: typeof body === "string" ? Buffer.from(body) : body,
    truncated,
    attempts: 1,
    upstreamMs: 5,
    attemptLog: [{ status, ms: 5 }],
  };
}

function failure(kind: SendFailure["kind"], message: string, attempts = 1): SendFailure {
  return { ok: false, kind, message, attempts, upstreamMs: 0, attemptLog: [] };
}

describe("mapResponse", () => {
  it("maps a JSON object to structuredContent plus its text", () => {
    const result = mapResponse(response(200, '{ "id": 1, "tags": ["a"] }', "application/json; charset=utf-8"), 1000);
    expect(result).toEqual({
      content: [{ type: "text", text: '{"id":1,"tags":["a"]}' }],
      structuredContent: { id: 1, tags: ["a"] },
      isError: false,
    });
  });

  it("maps +json types and untyped JSON too", () => {
    expect(mapResponse(response(200, '{"a":1}', "application/problem+json"), 1000).structuredContent).toEqual({ a: 1 });
    expect(mapResponse(response(200, '{"a":1}'), 1000).structuredContent).toEqual({ a: 1 });
  });

  it("maps JSON arrays and primitives to text only", () => {
    expect(mapResponse(response(200, "[1, 2]", "application/json"), 1000)).toEqual({
      content: [{ type: "text", text: "[1,2]" }],
      isError: false,
    });
    expect(mapResponse(response(200, "42", "application/json"), 1000)).toEqual({
      content: [{ type: "text", text: "42" }],
      isError: false,
    });
  });

  it("maps text and invalid JSON to text", () => {
    expect(mapResponse(response(200, "héllo", "text/plain"), 1000).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe("héllo");
    expect(mapResponse(response(200, "{oops", "application/json"), 1000)).toEqual({
      content: [{ type: "text", text: "{oops" }],
      isError: false,
    });
  });

  it("passes binary bodies on as image, audio or resource content with their media type", () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(mapResponse(response(200, png, "image/png"), 1000).content).toEqual([{ type: "image", data: png.toString("base64"), mimeType: "image/png" }]);
    expect(mapResponse(response(200, png, "audio/mpeg"), 1000).content).toEqual([{ type: "audio", data: png.toString("base64"), mimeType: "audio/mpeg" }]);
    expect(mapResponse(response(200, png, "application/pdf"), 1000).content).toEqual([{ type: "resource", resource: { uri: "tengine:response", mimeType: "application/pdf", blob: png.toString("base64") } }]);
    // No content type and not UTF-8: bytes of an unknown kind.
    expect(mapResponse(response(200, Buffer.from([0xff, 0xfe, 0x00])), 1000).content).toEqual([{ type: "resource", resource: { uri: "tengine:response", mimeType: "application/octet-stream", blob: "//4A" } }]);
  });

  it("describes a truncated binary body instead of passing on broken bytes", () => {
    const big = Buffer.alloc(2000, 7);
    expect(mapResponse({ ...response(200, big.subarray(0, 1024), "image/png"), truncated: true }, 1024).content).toEqual([{ type: "text", text: "[binary response: image/png, 1024 bytes]\n[response truncated at 1024 bytes]" }]);
  });

  it("maps an empty 204 to empty text", () => {
    expect(mapResponse(response(204, ""), 1000)).toEqual({ content: [{ type: "text", text: "" }], isError: false });
  });

  it("does not parse a truncated body and notes the cut", () => {
    const result = mapResponse(response(200, '{"items":[1,2,3', "application/json", true), 15);
    expect(result.structuredContent).toBeUndefined();
    expect(result.isError).toBe(false);
    expect(result.content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe('{"items":[1,2,3\n[response truncated at 15 bytes]');
  });

  it("drops a multi-byte character cut by truncation", () => {
    const body = Buffer.from("ab€").subarray(0, 4);
    expect(mapResponse(response(200, body, "text/plain", true), 4).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe("ab\n[response truncated at 4 bytes]");
  });

  it("maps non-2xx to an error with status, reason and a capped excerpt", () => {
    expect(mapResponse(response(404, '{"error":"no such user"}', "application/json"), 1000)).toEqual({
      content: [{ type: "text", text: 'HTTP 404 Not Found: {"error":"no such user"}' }],
      isError: true,
    });
    const long = mapResponse(response(500, "x".repeat(5000), "text/plain"), 10_000).content.map((c) => ("text" in c ? c.text : undefined))[0] ?? "";
    expect(long.startsWith("HTTP 500 Internal Server Error: xxx")).toBe(true);
    expect(long.length).toBeLessThanOrEqual("HTTP 500 Internal Server Error: ".length + 2001);
    expect(mapResponse(response(503, ""), 1000).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe("HTTP 503 Service Unavailable");
    expect(mapResponse(response(302, ""), 1000)).toEqual({ content: [{ type: "text", text: "HTTP 302 Found" }], isError: true });
    expect(mapResponse(response(599, "odd"), 1000).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe("HTTP 599: odd");
  });

  it("notes truncation on error responses too", () => {
    expect(mapResponse(response(502, "bad gateway page", "text/html", true), 16).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe(
      "HTTP 502 Bad Gateway: bad gateway page\n[response truncated at 16 bytes]",
    );
  });
});

describe("mapSendFailure", () => {
  it("names the problem", () => {
    expect(mapSendFailure(failure("blocked", "address 10.0.0.1 is private", 0))).toEqual({
      content: [{ type: "text", text: "Upstream request blocked: address 10.0.0.1 is private" }],
      isError: true,
    });
    expect(mapSendFailure(failure("timeout", "timed out after 1000 ms", 3)).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe(
      "Upstream timed out after 3 attempts",
    );
    expect(mapSendFailure(failure("timeout", "timed out after 1000 ms", 1)).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe(
      "Upstream timed out after 1 attempt",
    );
    expect(mapSendFailure(failure("network", "connection refused (ECONNREFUSED)", 2)).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe(
      "Upstream request failed after 2 attempts: connection refused (ECONNREFUSED)",
    );
    expect(mapSendFailure(failure("invalid_url", "not an absolute URL", 0)).content.map((c) => ("text" in c ? c.text : undefined))[0]).toBe(
      "Upstream URL is invalid: not an absolute URL",
    );
  });
});
