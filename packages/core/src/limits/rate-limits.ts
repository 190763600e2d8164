import { z } from "zod";
import { AppError } from "../errors/app-error.ts";

/** One limit: at most `max` calls per `windowSec` seconds (sliding window). */
export const rateLimitRuleSchema = z.object({
  max: z.number().int("max must be a whole number").min(1, "max must be at least 1"),
  windowSec: z.number().int("windowSec must be a whole number").min(1, "windowSec must be at least 1").max(86_400, "windowSec is at most 86400 (one day)"),
});

/**
 * A project's rate limits (`Project.rateLimits`; null = unlimited). `project` counts every
 * call of the project, `principal` each API key / member / OAuth client separately, `tool`
 * each tool separately. `failOpen` (default true): while the shared limiter (Redis) is down,
 * calls are allowed (and a warning + metric is raised); false refuses them.
 */
export const rateLimitsSchema = z
  .object({
    project: rateLimitRuleSchema.optional(),
    principal: rateLimitRuleSchema.optional(),
    tool: rateLimitRuleSchema.optional(),
    failOpen: z.boolean().default(true),
  })
  .strict();

export type RateLimitRule = z.infer<typeof rateLimitRuleSchema>;
export type RateLimits = z.infer<typeof rateLimitsSchema>;
export type RateLimitsInput = z.input<typeof rateLimitsSchema>;
export type RateLimitScope = "project" | "principal" | "tool";

/** Parses "100/60" (max per seconds) as the CLI writes it. */
export function parseRateLimitRule(text: string): RateLimitRule {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*s?\s*$/.exec(text);
  if (!m) throw new AppError("bad_request", `"${text}" is not a limit: write MAX/SECONDS, e.g. 100/60`);
  const parsed = rateLimitRuleSchema.safeParse({ max: Number(m[1]), windowSec: Number(m[2]) });
  if (!parsed.success) throw new AppError("bad_request", `"${text}": ${parsed.error.issues.map((i) => i.message).join("; ")}`);
  return parsed.data;
}
