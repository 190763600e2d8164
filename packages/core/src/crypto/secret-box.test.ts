import { createCipheriv, randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { SecretBox, secretAd, SecretUnreadableError } from "./secret-box.ts";

/** A ciphertext as the pre-AEAD version wrote it: v1, no associated data. */
function legacyV1(masterKey: string, plaintext: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(masterKey, "base64url"), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

describe("SecretBox", () => {
  const key = SecretBox.generateKey();
  const box = new SecretBox(key);

  it("round-trips a secret bound to its row (v2)", () => {
    const enc = box.encrypt("s3cret-value", secretAd.toolAuthSecret("tool_a"));
    expect(enc).toMatch(/^v2\./);
    expect(enc).not.toContain("s3cret");
    expect(box.decrypt(enc, secretAd.toolAuthSecret("tool_a"))).toBe("s3cret-value");
  });

  it("a ciphertext copied to another row or column does not decrypt", () => {
    const enc = box.encrypt("s3cret-value", secretAd.toolAuthSecret("tool_a"));
    expect(() => box.decrypt(enc, secretAd.toolAuthSecret("tool_b"))).toThrow(SecretUnreadableError);
    expect(() => box.decrypt(enc, secretAd.signingSecret("tool_a"))).toThrow(/copied from another row/);
    const projectSecret = box.encrypt("value-1234", secretAd.projectSecret("proj_1", "API_TOKEN"));
    expect(() => box.decrypt(projectSecret, secretAd.projectSecret("proj_2", "API_TOKEN"))).toThrow(SecretUnreadableError);
    expect(() => box.decrypt(projectSecret, secretAd.projectSecret("proj_1", "OTHER"))).toThrow(SecretUnreadableError);
  });

  it("refuses to encrypt or decrypt without associated data", () => {
    expect(() => box.encrypt("x", "" as never)).toThrow(/needs associated data/);
    expect(() => box.decrypt(box.encrypt("x", secretAd.gatewayKey("gk_1")), undefined as never)).toThrow(/needs associated data/);
  });

  it("still reads legacy v1 ciphertexts (no associated data) and reports them", () => {
    const legacy = legacyV1(key, "old-secret");
    expect(SecretBox.isLegacy(legacy)).toBe(true);
    expect(box.decrypt(legacy, secretAd.signingSecret("sig_1"))).toBe("old-secret");
    expect(() => new SecretBox(SecretBox.generateKey()).decrypt(legacy, secretAd.signingSecret("sig_1"))).toThrow(SecretUnreadableError);
  });

  it("reads with previous keys during a rotation, writes with the master key only", () => {
    const oldKey = SecretBox.generateKey();
    const written = new SecretBox(oldKey).encrypt("rotating", secretAd.memberAssertionSecret("proj_1"));
    const rolling = new SecretBox(key, { previousKeys: [oldKey] });
    expect(rolling.decrypt(written, secretAd.memberAssertionSecret("proj_1"))).toBe("rotating");
    const rewritten = rolling.encrypt("rotating", secretAd.memberAssertionSecret("proj_1"));
    expect(box.decrypt(rewritten, secretAd.memberAssertionSecret("proj_1"))).toBe("rotating");
    expect(() => new SecretBox(oldKey).decrypt(rewritten, secretAd.memberAssertionSecret("proj_1"))).toThrow(SecretUnreadableError);
  });

  it("rejects keys that are not 32 bytes and malformed ciphertexts", () => {
    expect(() => new SecretBox("short")).toThrow(/TENGINE_MASTER_KEY must be 32 bytes/);
    expect(() => new SecretBox(key, { previousKeys: ["bad"] })).toThrow(/TENGINE_PREVIOUS_MASTER_KEYS\[0\] must be 32 bytes/);
    expect(() => box.decrypt("v3.a.b.c", secretAd.gatewayKey("gk_1"))).toThrow(/not a v1\/v2 ciphertext/);
    expect(() => box.decrypt("garbage", secretAd.gatewayKey("gk_1"))).toThrow(SecretUnreadableError);
  });
});
