import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, matchTotp, newTotpSecret, otpauthUri, totpCode } from "./totp.ts";

// RFC 6238 Appendix B: the SHA-1 seed is the ASCII "12345678901234567890"; 8-digit values.
const seed = Buffer.from("12345678901234567890");
const vectors: Array<[number, string]> = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("TOTP (RFC 6238)", () => {
  it("matches the RFC's SHA-1 test vectors", () => {
    for (const [seconds, expected] of vectors) expect(hotp(seed, Math.floor(seconds / 30), 8)).toBe(expected);
  });

  it("base32 round-trips; codes of the current, previous and next step match, others do not", () => {
    expect(base32Encode(Buffer.from("foobar"))).toBe("MZXW6YTBOI"); // RFC 4648 §10, padding left out
    expect(base32Decode("MZXW6YTBOI").toString()).toBe("foobar");
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const at = Date.UTC(2026, 0, 1, 12, 0, 15);
    expect(matchTotp(secret, totpCode(secret, at), at)).toBe(Math.floor(at / 30_000));
    expect(matchTotp(secret, totpCode(secret, at - 30_000), at)).toBe(Math.floor(at / 30_000) - 1);
    expect(matchTotp(secret, totpCode(secret, at + 30_000), at)).toBe(Math.floor(at / 30_000) + 1);
    expect(matchTotp(secret, totpCode(secret, at - 90_000), at)).toBeUndefined();
    expect(matchTotp(secret, "12345", at)).toBeUndefined();
    expect(matchTotp(secret, "abcdef", at)).toBeUndefined();
  });

  it("builds the otpauth URI authenticator apps scan", () => {
    expect(otpauthUri("JBSWY3DPEHPK3PXP", "ada@example.com", "Tengine")).toBe("otpauth://totp/Tengine:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Tengine&algorithm=SHA1&digits=6&period=30");
  });
});
