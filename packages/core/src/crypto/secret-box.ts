import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

/**
 * Where a ciphertext lives, as AEAD associated data: `<Table>.<column>:<row key>`. A
 * ciphertext is bound to its row, so one copied into another row (or column) does not
 * decrypt. Build it with {@link secretAd}, never by hand, so writers and readers agree.
 */
export type SecretAd = string & { readonly __secretAd: unique symbol };

const ad = (table: string, column: string, rowKey: string) => `${table}.${column}:${rowKey}` as SecretAd;

/** The associated data of every encrypted column (the dashboard, seed and CLI reach them through core). */
export const secretAd = {
  toolAuthSecret: (toolId: string) => ad("Tool", "authSecretEnc", toolId),
  /** by (project, name): the row's identity for an upsert that may create or update */
  projectSecret: (projectId: string, name: string) => ad("Secret", "valueEnc", `${projectId}/${name}`),
  signingSecret: (keyid: string) => ad("SigningSecret", "secretEnc", keyid),
  memberAssertionSecret: (projectId: string) => ad("Project", "memberAssertionSecretEnc", projectId),
  gatewayKey: (kid: string) => ad("GatewayKey", "privateKeyEnc", kid),
  mcpServerHeaders: (serverId: string) => ad("McpServer", "headersEnc", serverId),
  mcpServerCredentials: (serverId: string) => ad("McpServer", "credentialsEnc", serverId),
  approvalWebhook: (projectId: string) => ad("Project", "approvalWebhookUrlEnc", projectId),
  /** not a column: a call's approval state handed to the caller and back (bound to its project) */
  approvalRequestState: (projectId: string) => ad("Mrtr", "requestState", projectId),
} as const;

/** Thrown when no configured key opens a ciphertext with its associated data. */
export class SecretUnreadableError extends Error {
  constructor(reason: string) {
    super(`unreadable secret ciphertext: ${reason}`);
    this.name = "SecretUnreadableError";
  }
}

/**
 * Encrypts secrets at rest (upstream credentials, signing secrets, gateway keys) with
 * AES-256-GCM under the deployment's master key (TENGINE_MASTER_KEY).
 *
 * Format `v2.<iv>.<tag>.<data>` (base64url): the GCM associated data is the row's
 * {@link SecretAd}. `v1.` ciphertexts (written before associated data existed, bound to no
 * row) are still read; `tengine secrets reencrypt` / `rotate-master-key` rewrite them as v2.
 *
 * Decryption tries the master key, then each previous key (TENGINE_PREVIOUS_MASTER_KEYS),
 * so processes keep working through a rolling master-key rotation; encryption always uses
 * the master key.
 */
export class SecretBox {
  readonly #key: Buffer;
  readonly #decryptKeys: Buffer[];

  constructor(masterKey: string, options: { previousKeys?: readonly string[] } = {}) {
    this.#key = parseKey(masterKey, "TENGINE_MASTER_KEY");
    this.#decryptKeys = [this.#key, ...(options.previousKeys ?? []).map((k, i) => parseKey(k, `TENGINE_PREVIOUS_MASTER_KEYS[${i}]`))];
  }

  static generateKey(): string {
    return randomBytes(32).toString("base64url");
  }

  encrypt(plaintext: string, associatedData: SecretAd): string {
    requireAd(associatedData);
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#key, iv);
    cipher.setAAD(Buffer.from(associatedData, "utf8"));
    const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
    return ["v2", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
  }

  decrypt(box: string, associatedData: SecretAd): string {
    requireAd(associatedData);
    const [version, iv, tag, data, extra] = box.split(".");
    if ((version !== "v1" && version !== "v2") || !iv || !tag || data === undefined || extra !== undefined) throw new SecretUnreadableError("not a v1/v2 ciphertext");
    for (const key of this.#decryptKeys) {
      try {
        const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
        if (version === "v2") decipher.setAAD(Buffer.from(associatedData, "utf8"));
        decipher.setAuthTag(Buffer.from(tag, "base64url"));
        return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
      } catch {
        // wrong key or another row's ciphertext: try the next key
      }
    }
    throw new SecretUnreadableError("no configured master key opens it for this row (wrong TENGINE_MASTER_KEY, or a ciphertext copied from another row)");
  }

  /** Whether a ciphertext predates associated data (v1) and should be rewritten. */
  static isLegacy(box: string): boolean {
    return box.startsWith("v1.");
  }
}

function parseKey(value: string, name: string): Buffer {
  const key = Buffer.from(value, "base64url");
  if (key.length !== 32) throw new Error(`${name} must be 32 bytes, base64url-encoded`);
  return key;
}

function requireAd(associatedData: string) {
  // Fail closed: a call site that forgot the row binding must not write an unbound ciphertext.
  if (typeof associatedData !== "string" || !/^[A-Za-z]+\.[A-Za-z]+:.+$/.test(associatedData)) throw new Error("SecretBox needs associated data from secretAd.*");
}
