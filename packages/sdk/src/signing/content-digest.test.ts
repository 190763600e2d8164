import { describe, expect, it } from "vitest";
import { createContentDigest } from "./content-digest.ts";

describe("createContentDigest", () => {
  it("matches the RFC 9530 §2 example for a string body", () => {
    expect(createContentDigest('{"hello": "world"}')).toBe("sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  });

  it("hashes bytes and their UTF-8 string form identically", () => {
    const text = '{"name": "Zoë ✓"}';
    expect(createContentDigest(new TextEncoder().encode(text))).toBe(createContentDigest(text));
  });

  it("digests the empty body to the well-known SHA-256 of nothing", () => {
    expect(createContentDigest("")).toBe("sha-256=:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=:");
  });
});
