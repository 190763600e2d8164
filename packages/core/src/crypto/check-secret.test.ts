import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { weakSecretReason } from "./check-secret.ts";

describe("session secret strength", () => {
  it("accepts 32 random bytes however they are printed (openssl rand -base64 32, -hex 32, base64url)", () => {
    for (let i = 0; i < 500; i++) {
      const bytes = randomBytes(32);
      for (const encoding of ["base64", "hex", "base64url"] as const) expect(weakSecretReason("NEXTAUTH_SECRET", bytes.toString(encoding))).toBeUndefined();
    }
  });

  it.each([
    ["missing", undefined, /is not set/],
    ["empty", "  ", /is not set/],
    ["short", randomBytes(16).toString("base64"), /too short/],
    ["a repeated character", "a".repeat(64), /placeholder/],
    ["a template value", "replace-me-with-a-real-secret-of-at-least-43-chars", /placeholder/],
    ["a word repeated", "changeme".repeat(6), /placeholder/],
  ])("refuses a %s value and says how to make one", (_label, value, reason) => {
    const message = weakSecretReason("NEXTAUTH_SECRET", value);
    expect(message).toMatch(reason);
    expect(message).toContain("openssl rand -base64 32");
  });
});
