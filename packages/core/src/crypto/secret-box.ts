import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Encrypts secrets at rest (upstream credentials, signing secrets) with AES-256-GCM under the
 * deployment's master key (TENGINE_MASTER_KEY). Ciphertext format: `v1.<iv>.<tag>.<data>`
 * in base64url, so the version can change without a data migration.
 */
export class SecretBox {
  readonly #key: Buffer;

  constructor(masterKey: string) {
    const key = Buffer.from(masterKey, "base64url");
    if (key.length !== 32) throw new Error("TENGINE_MASTER_KEY must be 32 bytes, base64url-encoded");
    this.#key = key;
  }

  static generateKey(): string {
    return randomBytes(32).toString("base64url");
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
  }

  decrypt(box: string): string {
    const [version, iv, tag, data] = box.split(".");
    if (version !== "v1" || !iv || !tag || data === undefined) throw new Error("unreadable secret ciphertext");
    const decipher = createDecipheriv("aes-256-gcm", this.#key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
  }
}
