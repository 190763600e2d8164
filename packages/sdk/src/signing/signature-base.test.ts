import type { BareItem } from "structured-headers";
import { describe, expect, it } from "vitest";
import { canonicalizeFieldValue, createSignatureBase, serializeSignatureParams } from "./signature-base.ts";

describe("serializeSignatureParams", () => {
  it("serializes the covered components and params as an RFC 8941 inner list (RFC 9421 §2.3)", () => {
    expect(
      serializeSignatureParams(["@method", "@target-uri", "x-tengine-run-id"], {
        created: 1700000000,
        nonce: "bm9uY2U",
        keyid: "sig_1",
        alg: "hmac-sha256",
      }),
    ).toBe('("@method" "@target-uri" "x-tengine-run-id");created=1700000000;nonce="bm9uY2U";keyid="sig_1";alg="hmac-sha256"');
  });

  it("writes Tengine's parameters as the general RFC 8941 serializer does, escapes included, and refuses what is not a String", () => {
    const asMap = (p: { created: number; nonce: string; keyid: string; alg: string }) =>
      new Map<string, BareItem>([["created", p.created], ["nonce", p.nonce], ["keyid", p.keyid], ["alg", p.alg]]);
    const cases = [
      { created: 0, nonce: "", keyid: "k", alg: "hmac-sha256" },
      { created: 1765000000, nonce: "a-b_c~d", keyid: 'quote " and back\\slash', alg: "hmac-sha256" },
      { created: 999_999_999_999_999, nonce: " !#$%&'()*+,-./:;<=>?@[]^`{|}~", keyid: "sig_01", alg: "x" },
    ];
    for (const p of cases) {
      const components = ["@method", "@target-uri", "content-digest", "idempotency-key"];
      expect(serializeSignatureParams(components, p)).toBe(serializeSignatureParams(components, asMap(p)));
    }
    expect(() => serializeSignatureParams(["@method"], { created: 1, nonce: "é", keyid: "k", alg: "a" })).toThrow();
    expect(() => serializeSignatureParams(["@method"], { created: 1_000_000_000_000_000, nonce: "n", keyid: "k", alg: "a" })).toThrow();
  });
});

describe("createSignatureBase", () => {
  it("writes one `\"name\": value` line per component and ends with @signature-params, no trailing newline (RFC 9421 §2.5)", () => {
    const params = '("@method" "@target-uri" "content-digest");created=1700000000;nonce="n";keyid="k";alg="hmac-sha256"';
    const base = createSignatureBase(
      [
        ["@method", "POST"],
        ["@target-uri", "https://api.example.com/v1/orders?x=1"],
        ["content-digest", "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:"],
      ],
      params,
    );
    expect(base).toBe(
      [
        '"@method": POST',
        '"@target-uri": https://api.example.com/v1/orders?x=1',
        '"content-digest": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:',
        `"@signature-params": ${params}`,
      ].join("\n"),
    );
    expect(base.endsWith("\n")).toBe(false);
  });

  it("refuses a value with a newline, which could forge extra lines", () => {
    expect(() => createSignatureBase([["x-tengine-run-id", "run_1\n\"@method\": GET"]], "()")).toThrowError(TypeError);
  });
});

describe("canonicalizeFieldValue", () => {
  it("trims each field line, unfolds obs-fold and joins lines with a comma (RFC 9421 §2.1)", () => {
    expect(canonicalizeFieldValue(["  a  "])).toBe("a");
    expect(canonicalizeFieldValue(["one,\r\n  two"])).toBe("one, two");
    expect(canonicalizeFieldValue([" x", "y "])).toBe("x, y");
  });
});
