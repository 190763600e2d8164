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
