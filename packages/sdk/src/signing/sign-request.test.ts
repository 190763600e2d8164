import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { signRequest, type SignableRequest } from "./sign-request.ts";

// 32 bytes 0x00..0x1f, base64url without padding.
const SECRET = Buffer.from(Array.from({ length: 32 }, (_, i) => i)).toString("base64url");
const KEY = { keyid: "sig_test", secret: SECRET };
const FIXED = { created: 1700000000, nonce: "AAECAwQFBgcICQoLDA0ODw" };

describe("signRequest", () => {
  it("produces the exact RFC 9421 headers and HMAC for a known request", () => {
    const request: SignableRequest = {
      method: "post",
      url: "https://api.example.com/v1/orders?expand=items",
      headers: { "Content-Type": "application/json", "X-Tengine-Run-Id": " run_123 ", "Idempotency-Key": "idem_9" },
      body: '{"hello": "world"}',
    };
    const headers = signRequest(request, KEY, FIXED);

    const params =
      '("@method" "@target-uri" "content-digest" "idempotency-key" "x-tengine-run-id");created=1700000000;nonce="AAECAwQFBgcICQoLDA0ODw";keyid="sig_test";alg="hmac-sha256"';
    const base = [
      '"@method": POST',
      '"@target-uri": https://api.example.com/v1/orders?expand=items',
      '"content-digest": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
      '"idempotency-key": idem_9',
      '"x-tengine-run-id": run_123',
      `"@signature-params": ${params}`,
    ].join("\n");
    const mac = createHmac("sha256", Buffer.from(SECRET, "base64url")).update(base).digest("base64");

    expect(headers).toEqual({
      "signature-input": `tengine=${params}`,
      signature: `tengine=:${mac}:`,
      "content-digest": "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:",
    });
  });

  it("covers every identity header present, in the fixed order, whatever the header case", () => {
    const headers = signRequest(
      {
        method: "GET",
        url: "https://api.example.com/",
        headers: {
          "x-tengine-client-id": "cli_1",
          "X-TENGINE-USER-ID": "usr_1",
          "X-Tengine-Member-Email": "a@example.com",
          "X-Tengine-Principal": "member",
          "X-Tengine-Project-Id": "prj_1",
          "X-Tengine-Member-Id": "mem_1",
          "X-Tengine-Run-Id": "run_1",
          "Idempotency-Key": "idem_1",
          Accept: "application/json",
        },
      },
      KEY,
      FIXED,
    );
    expect(headers["signature-input"]).toMatch(
      /^tengine=\("@method" "@target-uri" "idempotency-key" "x-tengine-run-id" "x-tengine-member-id" "x-tengine-project-id" "x-tengine-principal" "x-tengine-member-email" "x-tengine-user-id" "x-tengine-client-id"\);created=/,
    );
    expect(headers["content-digest"]).toBeUndefined();
  });

  it("adds no Content-Digest for an empty body", () => {
    const headers = signRequest({ method: "POST", url: "https://a.example/", headers: {}, body: "" }, KEY, FIXED);
    expect(headers["content-digest"]).toBeUndefined();
    expect(headers["signature-input"]).toContain('("@method" "@target-uri");');
  });

  it("covers an existing Content-Digest as given instead of adding one", () => {
    const existing = "sha-512=:YMAam51Jz/jOATT6/zvHrLVgOYTGFy1d6GJiOHTohq4yP+pgk4vf2aCsyRZOtw8MjkM7iw7yZ/WkppmM44T3qg==:";
    const headers = signRequest(
      { method: "POST", url: "https://a.example/", headers: { "Content-Digest": existing }, body: '{"hello": "world"}\n' },
      KEY,
      FIXED,
    );
    expect(headers["content-digest"]).toBeUndefined();
    expect(headers["signature-input"]).toContain('("@method" "@target-uri" "content-digest");');
  });

  it("signs the target URI as fetch sends it: normalized, without the fragment", () => {
    const a = signRequest({ method: "GET", url: "HTTPS://API.Example.com:443/a?b=1#frag", headers: {} }, KEY, FIXED);
    const b = signRequest({ method: "GET", url: "https://api.example.com/a?b=1", headers: {} }, KEY, FIXED);
    expect(a).toEqual(b);
  });

  it("defaults created to now and nonce to 16 random bytes in base64url", () => {
    const before = Math.floor(Date.now() / 1000);
    const first = signRequest({ method: "GET", url: "https://a.example/", headers: {} }, KEY)["signature-input"];
    const second = signRequest({ method: "GET", url: "https://a.example/", headers: {} }, KEY)["signature-input"];
    const created = Number(/;created=(\d+);/.exec(first)?.[1]);
    expect(created).toBeGreaterThanOrEqual(before);
    expect(created).toBeLessThanOrEqual(before + 1);
    const nonce = /;nonce="([^"]+)"/.exec(first)?.[1];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(/;nonce="([^"]+)"/.exec(second)?.[1]).not.toBe(nonce);
  });

  it("throws on programmer error", () => {
    const request = { method: "GET", url: "https://a.example/", headers: {} };
    expect(() => signRequest({ ...request, url: "/relative" }, KEY)).toThrowError(/absolute URL/);
    expect(() => signRequest(request, { keyid: "", secret: SECRET })).toThrowError(/keyid/);
    expect(() => signRequest(request, { keyid: "k", secret: "not-a-secret" })).toThrowError(/malformed/);
    expect(() => signRequest({ ...request, headers: { "x-tengine-run-id": "a\nb" } }, KEY)).toThrowError(/newline/);
  });
});
