import { z } from "zod";

/** Where email goes: an SMTP server URL (smtp:// or smtps://, credentials in it) and the sender. */
export type SmtpConfig = { url: string; from: string };

const emptyToUndefined = (v: unknown) => (v === "" ? undefined : v);

/**
 * SMTP_URL and SMTP_FROM as env settings. Both unset: no email (invitation links are shown to
 * the admin instead). One without the other, or a malformed value, is a configuration error
 * (the process refuses to start) rather than mail silently not sent.
 */
export const smtpSettings = z
  .object({
    SMTP_URL: z.preprocess(emptyToUndefined, z.string().optional()),
    SMTP_FROM: z.preprocess(emptyToUndefined, z.string().optional()),
  })
  .superRefine((env, ctx) => {
    if (!env.SMTP_URL && !env.SMTP_FROM) return;
    if (!env.SMTP_URL) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "SMTP_FROM is set but SMTP_URL is not: give the mail server, e.g. smtps://user:password@smtp.example.com:465" });
    else if (!/^smtps?:\/\/[^\s/]+/i.test(env.SMTP_URL) || !URL.canParse(env.SMTP_URL)) ctx.addIssue({ code: "custom", path: ["SMTP_URL"], message: "SMTP_URL must be smtp://host:port or smtps://host:port (user:password@ before the host when the server wants them)" });
    if (!env.SMTP_FROM) ctx.addIssue({ code: "custom", path: ["SMTP_FROM"], message: "SMTP_URL is set but SMTP_FROM is not: give the sender, e.g. Tengine <no-reply@example.com>" });
    else if (!/^(?:[^<>\r\n]*<)?[^\s@<>]+@[^\s@<>]+>?$/.test(env.SMTP_FROM.trim())) ctx.addIssue({ code: "custom", path: ["SMTP_FROM"], message: "SMTP_FROM must be an email address, optionally with a name: Tengine <no-reply@example.com>" });
  })
  .transform((env): SmtpConfig | undefined => (env.SMTP_URL && env.SMTP_FROM ? { url: env.SMTP_URL, from: env.SMTP_FROM.trim() } : undefined));
