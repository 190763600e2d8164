"use server";
import { rateLimitRuleSchema, readRateLimits, recordAudit, type RateLimitRule, type RateLimitScope, type RateLimitsInput, setRateLimits, setRunRetention } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { withProjectRole } from "../action.ts";

type Ctx = Parameters<Parameters<typeof withProjectRole>[2]>[0];

function audit(ctx: Ctx, action: string, details: Record<string, unknown>) {
  return recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: { userId: ctx.user.id, email: ctx.user.email }, action, targetType: "project", targetId: ctx.project.id, details });
}

/** One limit as typed in the form: both empty = no limit. */
const ruleText = z.object({ max: z.string().max(20), windowSec: z.string().max(20) });
const rateLimitsForm = z.object({ project: ruleText, principal: ruleText, tool: ruleText, failOpen: z.boolean() });
export type RateLimitsForm = z.input<typeof rateLimitsForm>;

const SCOPE_NAME: Record<RateLimitScope, string> = { project: "project", principal: "per key or member", tool: "per tool" };

/** Text → rule, or field errors keyed `<scope>.max` / `<scope>.windowSec`. */
function parseRule(scope: RateLimitScope, text: { max: string; windowSec: string }, errors: Record<string, string>): RateLimitRule | undefined {
  const max = text.max.trim();
  const windowSec = text.windowSec.trim();
  if (max === "" && windowSec === "") return undefined;
  if (max === "") errors[`${scope}.max`] = `enter the number of calls (or clear the window to remove the ${SCOPE_NAME[scope]} limit)`;
  if (windowSec === "") errors[`${scope}.windowSec`] = `enter the window in seconds (or clear the number of calls to remove the ${SCOPE_NAME[scope]} limit)`;
  if (max === "" || windowSec === "") return undefined;
  const asNumber = (s: string) => (/^\d+$/.test(s) ? Number(s) : Number.NaN);
  const parsed = rateLimitRuleSchema.safeParse({ max: asNumber(max), windowSec: asNumber(windowSec) });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? "max");
    const value = field === "max" ? max : windowSec;
    const message = issue.message.replace(/^max\b/, "the number of calls").replace(/^windowSec\b/, "the window");
    errors[`${scope}.${field}`] ??= /^\d+$/.test(value) ? message : `"${value}" is not a whole number`;
  }
  return undefined;
}

/**
 * Rate limits (admin): project, per API key or member, per tool, and what happens while the
 * limiter (Redis) is down. Every limit empty = unlimited. Gateways apply it on the next call.
 */
export const setRateLimitsAction = withProjectRole("admin", rateLimitsForm, async (ctx, input) => {
  const errors: Record<string, string> = {};
  const rules = {
    project: parseRule("project", input.project, errors),
    principal: parseRule("principal", input.principal, errors),
    tool: parseRule("tool", input.tool, errors),
  };
  if (Object.keys(errors).length) return { ok: false, error: "Check the highlighted limits: nothing was saved.", fieldErrors: errors };
  const any = rules.project || rules.principal || rules.tool;
  const limits: RateLimitsInput | null = any ? { ...(rules.project ? { project: rules.project } : {}), ...(rules.principal ? { principal: rules.principal } : {}), ...(rules.tool ? { tool: rules.tool } : {}), failOpen: input.failOpen } : null;
  const current = readRateLimits((await ctx.db.project.findUniqueOrThrow({ where: { id: ctx.project.id }, select: { rateLimits: true } })).rateLimits);
  if (JSON.stringify(current) === JSON.stringify(limits === null ? null : { ...limits })) return { ok: true, message: "Nothing changed." };
  const { before, after } = await setRateLimits(ctx.db, ctx.project.id, limits);
  await audit(ctx, "project.rate_limits_set", { before, after });
  revalidatePath(`/projects/${ctx.project.slug}`, "layout");
  return { ok: true, message: after ? "Rate limits saved. Gateways apply them from the next call." : "Rate limits removed: calls are unlimited." };
});

/** Run retention in days, 1–3650 (admin). The worker's retention job deletes older runs. */
export const setRunRetentionAction = withProjectRole("admin", z.object({ days: z.string().max(20) }), async (ctx, input) => {
  const text = input.days.trim();
  const days = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (text === "") return { ok: false, error: "Check the highlighted field.", fieldErrors: { days: "enter a number of days between 1 and 3650" } };
  if (Number.isNaN(days)) return { ok: false, error: "Check the highlighted field.", fieldErrors: { days: `"${text}" is not a whole number of days` } };
  if (days < 1 || days > 3650) return { ok: false, error: "Check the highlighted field.", fieldErrors: { days: "keep runs between 1 and 3650 days" } };
  const { before, after } = await setRunRetention(ctx.db, ctx.project.id, days);
  if (before === after) return { ok: true, message: "Nothing changed." };
  await audit(ctx, "project.run_retention_set", { before, after });
  revalidatePath(`/projects/${ctx.project.slug}`, "layout");
  return { ok: true, message: `Runs are kept for ${after} day${after === 1 ? "" : "s"}.` };
});
