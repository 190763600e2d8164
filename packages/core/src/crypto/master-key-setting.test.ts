import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { masterKeyProblem, masterKeySetting } from "./master-key-setting.ts";
import { SecretBox } from "./secret-box.ts";

describe("TENGINE_MASTER_KEY", () => {
  it("accepts 32 random bytes in base64url (and padded base64), as SecretBox reads them", () => {
    for (const key of [SecretBox.generateKey(), randomBytes(32).toString("base64")]) {
      expect(masterKeyProblem(key)).toBeUndefined();
      expect(() => new SecretBox(key)).not.toThrow();
    }
  });

  it.each([
    ["a short string", "changeme", "must be 32 random bytes"],
    ["24 bytes", randomBytes(24).toString("base64url"), "must be 32 random bytes"],
    ["33 bytes", randomBytes(33).toString("base64url"), "must be 32 random bytes"],
    ["hex of 32 bytes", randomBytes(32).toString("hex"), "must be 32 random bytes"],
    ["43 characters with a space", `${SecretBox.generateKey().slice(0, 42)} `, "must be 32 random bytes"],
    ["32 zero bytes", Buffer.alloc(32).toString("base64url"), "looks like a placeholder"],
    ["a repeated character", "x".repeat(43), "looks like a placeholder"],
  ])("refuses %s, saying how to make a key", (_name, key, problem) => {
    const message = masterKeyProblem(key);
    expect(message).toContain(problem);
    expect(message).toContain("randomBytes(32).toString('base64url')");
    const parsed = masterKeySetting.safeParse(key);
    expect(parsed.error?.issues[0]?.message).toBe(message);
  });

  it("is required", () => {
    const parsed = masterKeySetting.safeParse(undefined);
    expect(parsed.error?.issues[0]?.message).toMatch(/^TENGINE_MASTER_KEY is required .*randomBytes\(32\)/);
  });
});
