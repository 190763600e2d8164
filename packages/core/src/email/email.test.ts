import type { AddressInfo } from "node:net";
import { createTestDatabase } from "@tengine/db/testing";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { queueApprovalEmails } from "./approval-emails.ts";
import { invitationEmail } from "./invitation-email.ts";
import { deliverEmails, EMAIL_KEEP_MS, pruneEmails, queueEmail } from "./outbox.ts";
import { smtpSettings } from "./smtp-config.ts";
import { createSmtpSender } from "./smtp-sender.ts";

type Received = { from: string; to: string[]; raw: string };
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const secretBox = new SecretBox(SecretBox.generateKey());
const received: Received[] = [];
let server: SMTPServer;
let port: number;

/** A real SMTP server on a free port: keeps what it is sent; refuses mail to refuse@… (550). */
beforeAll(async () => {
  database = await createTestDatabase("email_outbox");
  server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("refuse@")) return callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        received.push({ from: (session.envelope.mailFrom as { address: string }).address, to: session.envelope.rcptTo.map((r) => r.address), raw: Buffer.concat(chunks).toString("utf8") });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await database?.drop();
});

describe("SMTP settings", () => {
  it("both unset: no email; one without the other or a bad value: a clear configuration error", () => {
    expect(smtpSettings.parse({})).toBeUndefined();
    expect(smtpSettings.parse({ SMTP_URL: "", SMTP_FROM: "" })).toBeUndefined();
    expect(smtpSettings.parse({ SMTP_URL: "smtps://u:p@smtp.example.com:465", SMTP_FROM: "Tengine <no-reply@example.com>" })).toEqual({ url: "smtps://u:p@smtp.example.com:465", from: "Tengine <no-reply@example.com>" });
    expect(smtpSettings.safeParse({ SMTP_URL: "smtp://localhost:25" }).error?.issues[0]?.message).toContain("SMTP_URL is set but SMTP_FROM is not");
    expect(smtpSettings.safeParse({ SMTP_FROM: "a@b.example" }).error?.issues[0]?.message).toContain("SMTP_FROM is set but SMTP_URL is not");
    expect(smtpSettings.safeParse({ SMTP_URL: "http://mail.example.com", SMTP_FROM: "a@b.example" }).error?.issues[0]?.message).toContain("SMTP_URL must be smtp://host:port or smtps://host:port");
    expect(smtpSettings.safeParse({ SMTP_URL: "smtp://mail.example.com", SMTP_FROM: "not an address" }).error?.issues[0]?.message).toContain("SMTP_FROM must be an email address");
  });
});

describe("the email outbox", () => {
  it("delivers an invitation through a real SMTP server; the body is encrypted at rest; a refused message is retried later, not resent when sent", async () => {
    const { db } = database;
    const send = createSmtpSender({ url: `smtp://127.0.0.1:${port}`, from: "Tengine <no-reply@tengine.example>" });
    const mail = invitationEmail({ orgName: "Acme", link: "https://dash.example/invite/SECRETTOKEN123456", role: "member", invitedBy: "ada@acme.example", expiresAt: new Date("2026-12-14T00:00:00Z") });
    const id = await queueEmail(db, secretBox, { kind: "invitation", to: "grace@example.com", ...mail });
    const refusedId = await queueEmail(db, secretBox, { kind: "invitation", to: "refuse@example.com", ...mail });
    const row = await db.emailMessage.findUniqueOrThrow({ where: { id } });
    expect(row.bodyEnc).not.toContain("SECRETTOKEN");

    const now = new Date();
    expect(await deliverEmails({ db, secretBox, send, now: () => now })).toEqual({ sent: 1, failed: 1 });
    const message = received.find((r) => r.to.includes("grace@example.com"))!;
    expect(message.from).toBe("no-reply@tengine.example");
    expect(message.raw).toContain("Subject: You are invited to Acme on Tengine");
    expect(message.raw).toContain("https://dash.example/invite/SECRETTOKEN123456");
    expect(message.raw).toContain("ada@acme.example invited you to join Acme on Tengine as a member.");
    expect((await db.emailMessage.findUniqueOrThrow({ where: { id } })).sentAt).toBeInstanceOf(Date);
    const refused = await db.emailMessage.findUniqueOrThrow({ where: { id: refusedId } });
    expect(refused).toMatchObject({ attempts: 1, sentAt: null });
    expect(refused.lastError).toContain("mailbox unavailable");
    expect(refused.nextAt.getTime()).toBe(now.getTime() + 10_000);

    // Nothing is due now; after the backoff only the refused one is tried again.
    expect(await deliverEmails({ db, secretBox, send, now: () => now })).toEqual({ sent: 0, failed: 0 });
    expect(await deliverEmails({ db, secretBox, send, now: () => new Date(now.getTime() + 10_001) })).toEqual({ sent: 0, failed: 1 });
    expect(received.filter((r) => r.to.includes("grace@example.com"))).toHaveLength(1);
    expect((await db.emailMessage.findUniqueOrThrow({ where: { id: refusedId } })).attempts).toBe(2);

    // A week after sending, the sent message (and its encrypted link) is deleted; the one still being retried is kept.
    const sentAt = (await db.emailMessage.findUniqueOrThrow({ where: { id } })).sentAt!;
    expect(await pruneEmails(db, new Date(sentAt.getTime() + EMAIL_KEEP_MS - 1000))).toBe(0);
    expect(await pruneEmails(db, new Date(sentAt.getTime() + EMAIL_KEEP_MS + 1000))).toBe(1);
    expect(await db.emailMessage.findUnique({ where: { id } })).toBeNull();
    expect(await db.emailMessage.findUnique({ where: { id: refusedId } })).not.toBeNull();
  });

  it("a new pending approval is emailed once to its organization's owners and admins, with the approvals link", async () => {
    const { db } = database;
    const org = await createOrganization(db, { name: "Approvers" });
    const project = await createProject(db, { orgId: org.id, name: "Billing" });
    const people = [["usr_apv_owner", "owner@approvers.example", "owner"], ["usr_apv_admin", "admin@approvers.example", "admin"], ["usr_apv_member", "member@approvers.example", "member"]] as const;
    for (const [id, email, role] of people) {
      await db.user.create({ data: { id, email } });
      await db.membership.create({ data: { id: `mem_${id}`, orgId: org.id, userId: id, role } });
    }
    await db.approval.create({ data: { id: "apv_emailtest00000000000000000", projectId: project.id, runId: "run_emailtest", toolId: "tool_x", toolName: "refund_payment", principal: {}, arguments: {}, expiresAt: new Date(Date.now() + 3_600_000) } });

    expect(await queueApprovalEmails({ db, secretBox, dashboardUrl: "https://dash.example/" })).toBe(2);
    expect(await queueApprovalEmails({ db, secretBox, dashboardUrl: "https://dash.example/" })).toBe(0); // once
    const send = createSmtpSender({ url: `smtp://127.0.0.1:${port}`, from: "no-reply@tengine.example" });
    await deliverEmails({ db, secretBox, send });
    const approvalMails = received.filter((r) => r.raw.includes("refund_payment"));
    expect(approvalMails.flatMap((m) => m.to).sort()).toEqual(["admin@approvers.example", "owner@approvers.example"]);
    expect(approvalMails[0]!.raw).toContain("Subject: Approval needed: refund_payment in Billing");
    expect(approvalMails[0]!.raw).toContain(`https://dash.example/projects/${project.slug}/approvals`);
  });
});
