import type { Db } from "@tengine/db";
import { type SecretAd, secretAd, type SecretBox, SecretUnreadableError } from "./secret-box.ts";

/** Every encrypted column, with how to read its rows and bind each ciphertext to its row. */
type Column = { name: string; read(tx: Tx): Promise<Array<{ id: string; enc: string; ad: SecretAd }>>; write(tx: Tx, id: string, enc: string): Promise<unknown> };
type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];

const COLUMNS: Column[] = [
  {
    name: "Tool.authSecretEnc",
    read: async (tx) => (await tx.tool.findMany({ where: { authSecretEnc: { not: null } }, select: { id: true, authSecretEnc: true } })).map((r) => ({ id: r.id, enc: r.authSecretEnc!, ad: secretAd.toolAuthSecret(r.id) })),
    write: (tx, id, enc) => tx.tool.update({ where: { id }, data: { authSecretEnc: enc } }),
  },
  {
    name: "Secret.valueEnc",
    read: async (tx) => (await tx.secret.findMany({ select: { id: true, projectId: true, name: true, valueEnc: true } })).map((r) => ({ id: r.id, enc: r.valueEnc, ad: secretAd.projectSecret(r.projectId, r.name) })),
    write: (tx, id, enc) => tx.secret.update({ where: { id }, data: { valueEnc: enc } }),
  },
  {
    name: "SigningSecret.secretEnc",
    read: async (tx) => (await tx.signingSecret.findMany({ select: { id: true, secretEnc: true } })).map((r) => ({ id: r.id, enc: r.secretEnc, ad: secretAd.signingSecret(r.id) })),
    write: (tx, id, enc) => tx.signingSecret.update({ where: { id }, data: { secretEnc: enc } }),
  },
  {
    name: "Project.memberAssertionSecretEnc",
    read: async (tx) => (await tx.project.findMany({ where: { memberAssertionSecretEnc: { not: null } }, select: { id: true, memberAssertionSecretEnc: true } })).map((r) => ({ id: r.id, enc: r.memberAssertionSecretEnc!, ad: secretAd.memberAssertionSecret(r.id) })),
    write: (tx, id, enc) => tx.project.update({ where: { id }, data: { memberAssertionSecretEnc: enc } }),
  },
  {
    name: "GatewayKey.privateKeyEnc",
    read: async (tx) => (await tx.gatewayKey.findMany({ select: { id: true, privateKeyEnc: true } })).map((r) => ({ id: r.id, enc: r.privateKeyEnc, ad: secretAd.gatewayKey(r.id) })),
    write: (tx, id, enc) => tx.gatewayKey.update({ where: { id }, data: { privateKeyEnc: enc } }),
  },
  {
    name: "User.totpSecretEnc",
    read: async (tx) => (await tx.user.findMany({ where: { totpSecretEnc: { not: null } }, select: { id: true, totpSecretEnc: true } })).map((r) => ({ id: r.id, enc: r.totpSecretEnc!, ad: secretAd.userTotpSecret(r.id) })),
    write: (tx, id, enc) => tx.user.update({ where: { id }, data: { totpSecretEnc: enc } }),
  },
  {
    name: "EmailMessage.bodyEnc",
    read: async (tx) => (await tx.emailMessage.findMany({ select: { id: true, bodyEnc: true } })).map((r) => ({ id: r.id, enc: r.bodyEnc, ad: secretAd.emailBody(r.id) })),
    write: (tx, id, enc) => tx.emailMessage.update({ where: { id }, data: { bodyEnc: enc } }),
  },
];

export type ReencryptResult = {
  /** ciphertexts rewritten, by column */
  columns: Record<string, number>;
  total: number;
  /** of those, how many were v1 (no associated data) before */
  upgradedLegacy: number;
};

/**
 * Re-encrypts every secret column under `to` (the new master key), reading with `from` (the
 * old key, or a box holding the new key plus TENGINE_PREVIOUS_MASTER_KEYS), binding each
 * ciphertext to its row (v2). One transaction: if any ciphertext cannot be read, nothing is
 * changed and the error names the column and row id (never a value).
 */
export async function reencryptSecrets(db: Db, boxes: { from: SecretBox; to: SecretBox }): Promise<ReencryptResult> {
  return db.$transaction(
    async (tx) => {
      const columns: Record<string, number> = {};
      let total = 0;
      let upgradedLegacy = 0;
      for (const column of COLUMNS) {
        const rows = await column.read(tx);
        for (const row of rows) {
          let plaintext: string;
          try {
            plaintext = boxes.from.decrypt(row.enc, row.ad);
          } catch (error) {
            if (error instanceof SecretUnreadableError) throw new SecretUnreadableError(`${column.name} of row ${row.id} cannot be read with the old key(s); nothing was changed`);
            throw error;
          }
          await column.write(tx, row.id, boxes.to.encrypt(plaintext, row.ad));
          if (row.enc.startsWith("v1.")) upgradedLegacy++;
        }
        columns[column.name] = rows.length;
        total += rows.length;
      }
      return { columns, total, upgradedLegacy };
    },
    // Every secret row of the deployment in one transaction: allow more than the 5 s default.
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
}
