import nodemailer from "nodemailer";
import type { SendEmail } from "./outbox.ts";
import type { SmtpConfig } from "./smtp-config.ts";

/** A sender over SMTP (nodemailer: STARTTLS when the server offers it, TLS for smtps://). One pooled transport per process. */
export function createSmtpSender(config: SmtpConfig): SendEmail {
  const transport = nodemailer.createTransport(config.url, { from: config.from });
  return async (message) => {
    await transport.sendMail({ from: config.from, to: message.to, subject: message.subject, text: message.text });
  };
}
