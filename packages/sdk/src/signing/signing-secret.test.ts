import { describe, expect, it } from "vitest";
import { decodeSigningSecret, generateSigningSecret } from "./signing-secret.ts";

describe("generateSigningSecret", () => {
  it("returns 43 base64url characters that decode to 32 fresh bytes", () => {
    const a = generateSigningSecret();
    const b = generateSigningSecret();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(decodeSigningSecret(a, "sig_a")).toHaveLength(32);
  });
});

describe("decodeSigningSecret", () => {
  it.each([
    ["too short", "abc"],
    ["padded", `${"A".repeat(43)}=`],
    ["standard base64 alphabet", `${"A".repeat(42)}+`],
    ["non-canonical last character", `${"A".repeat(42)}B`],
  ])("rejects a %s secret, naming the keyid but not the secret", (_, secret) => {
    expect(() => decodeSigningSecret(secret, "sig_x")).toThrowError(/sig_x/);
    try {
      decodeSigningSecret(secret, "sig_x");
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});
