import type { Db, Prisma } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { newId } from "../ids/new-id.ts";

export type OutgoingEmail = { to: string; subject: string; text: string; kind: "invitation" | "approval"; orgId?: string };
/** Sends one message; throws with the server's answer when it is refused. */
export type SendEmail = (message: { to: string; subject: string; text: string }) => Promise<void>;

/** Tries per message before it is given up (the last error stays on the row). */
export const EMAIL_MAX_ATTEMPTS = 8;
const FIRST_RETRY_MS = 10_000;

/** Puts a message in the outbox; the worker's `email.send` job delivers it. The body is encrypted (it may hold a link that is a credential). */
export async function queueEmail(db: Db | Prisma.TransactionClient, box: SecretBox, email: OutgoingEmail): Promise<string> {
  const id = newId("email");
  await db.emailMessage.create({ data: { id, kind: email.kind, to: email.to, subject: email.subject, bodyEnc: box.encrypt(email.text, secretAd.emailBody(id)), ...(email.orgId ? { orgId: email.orgId } : {}) } });
  return id;
}

/**
 * Sends the due messages of the outbox, oldest first. Each is claimed with a compare-and-set
 * on its attempt count (two workers never send one message twice at once); a refused or failed
 * send is retried with exponential backoff from 10 s, up to EMAIL_MAX_ATTEMPTS tries.
 */
export async function deliverEmails(deps: { db: Db; secretBox: SecretBox; send: SendEmail; now?: () => Date }, options: { limit?: number } = {}): Promise<{ sent: number; failed: number }> {
  const now = deps.now?.() ?? new Date();
  const due = await deps.db.emailMessage.findMany({ where: { sentAt: null, nextAt: { lte: now }, attempts: { lt: EMAIL_MAX_ATTEMPTS } }, orderBy: { id: "asc" }, take: options.limit ?? 50 });
  let sent = 0;
  let failed = 0;
  for (const message of due) {
    const attempt = message.attempts + 1;
    const claimed = await deps.db.emailMessage.updateMany({ where: { id: message.id, sentAt: null, attempts: message.attempts }, data: { attempts: attempt, nextAt: new Date(now.getTime() + FIRST_RETRY_MS * 2 ** (attempt - 1)) } });
    if (claimed.count !== 1) continue;
    try {
      await deps.send({ to: message.to, subject: message.subject, text: deps.secretBox.decrypt(message.bodyEnc, secretAd.emailBody(message.id)) });
      await deps.db.emailMessage.update({ where: { id: message.id }, data: { sentAt: new Date(), lastError: null } });
      sent++;
    } catch (error) {
      await deps.db.emailMessage.update({ where: { id: message.id }, data: { lastError: (error instanceof Error ? error.message : String(error)).slice(0, 500) } });
      failed++;
    }
  }
  return { sent, failed };
}

/** Sent messages are kept this long (for "did it go out?"), then deleted with their encrypted body. */
export const EMAIL_KEEP_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * Deletes messages sent more than EMAIL_KEEP_MS ago, and messages given up (every try failed)
 * as long ago: the outbox does not keep invitation links, even encrypted, longer than needed.
 */
export async function pruneEmails(db: Db, now: Date = new Date()): Promise<number> {
  const before = new Date(now.getTime() - EMAIL_KEEP_MS);
  const { count } = await db.emailMessage.deleteMany({ where: { OR: [{ sentAt: { lt: before } }, { sentAt: null, attempts: { gte: EMAIL_MAX_ATTEMPTS }, createdAt: { lt: before } }] } });
  return count;
}

