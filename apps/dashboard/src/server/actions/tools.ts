"use server";
import { createTool, deleteTool, isAppError, projectConfigSelect, recordAudit, setToolEnabled, ToolCallInternalError, toolAudit, type ToolDefinitionInput, type TryToolOutcome, tryTool, updateTool } from "@tengine/core";
import { revalidatePath } from "next/cache";
import { z } from "zod";
import { definitionFieldErrors } from "@/components/tools/definition-errors.ts";
import { type ActionResult, withProjectRole } from "../action.ts";
import { getSecretBox, getToolCallDeps } from "../db.ts";

// The definition itself is checked completely by packages/core (checkToolDefinition), which
// names the field of every problem; here it only has to be an object.
const definition = z.record(z.string(), z.unknown());

/** Creates a tool (member+). */
export const createToolAction = withProjectRole("member", z.object({ definition }), async (ctx, input) => {
  try {
    const tool = await createTool(ctx.db, getSecretBox(), ctx.project.id, input.definition as ToolDefinitionInput);
    await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: actor(ctx.user), ...toolAudit.create(tool) });
    revalidatePath(`/projects/${ctx.project.slug}/tools`);
    return { ok: true, data: { name: tool.name }, message: `Tool ${tool.name} created` };
  } catch (error) {
    return definitionFailure(error);
  }
});

/** Replaces a tool's definition; an empty secret keeps the stored one (member+). */
export const updateToolAction = withProjectRole("member", z.object({ toolId: z.string().min(1), definition, keepSecret: z.boolean().default(true) }), async (ctx, input) => {
  try {
    const { tool, changed, before, after } = await updateTool(ctx.db, getSecretBox(), ctx.project.id, input.toolId, { ...(input.definition as ToolDefinitionInput), keepSecret: input.keepSecret });
    const entry = toolAudit.update(tool, changed, { before, after });
    if (entry) await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: actor(ctx.user), ...entry });
    revalidatePath(`/projects/${ctx.project.slug}/tools`, "layout");
    return { ok: true, data: { name: tool.name }, message: changed.length ? `Saved: ${changed.join(", ")}` : "No changes" };
  } catch (error) {
    return definitionFailure(error);
  }
});

/** Turns a tool on or off (member+). */
export const setToolEnabledAction = withProjectRole("member", z.object({ toolId: z.string().min(1), enabled: z.boolean() }), async (ctx, input) => {
  const tool = await setToolEnabled(ctx.db, ctx.project.id, input.toolId, input.enabled);
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: actor(ctx.user), ...toolAudit.setEnabled(tool) });
  revalidatePath(`/projects/${ctx.project.slug}/tools`, "layout");
  return { ok: true, data: { enabled: tool.enabled }, message: `${tool.name} ${tool.enabled ? "enabled" : "disabled"}` };
});

/** Deletes a tool; its runs stay (member+). */
export const deleteToolAction = withProjectRole("member", z.object({ toolId: z.string().min(1) }), async (ctx, input) => {
  const tool = await deleteTool(ctx.db, ctx.project.id, input.toolId);
  await recordAudit(ctx.db, { orgId: ctx.org.id, projectId: ctx.project.id, actor: actor(ctx.user), ...toolAudit.delete(tool) });
  revalidatePath(`/projects/${ctx.project.slug}/tools`, "layout");
  return { ok: true, message: `Tool ${tool.name} deleted` };
});

/**
 * "Try it": runs the tool through the gateway's own call path as the signed-in user; the call
 * is recorded as a run (member+). Upstream failures are results, not action errors.
 */
export const tryToolAction = withProjectRole("member", z.object({ toolName: z.string().min(1), args: z.unknown() }), async (ctx, input): Promise<ActionResult<TryToolOutcome>> => {
  const project = await ctx.db.project.findUniqueOrThrow({ where: { id: ctx.project.id }, select: projectConfigSelect });
  try {
    const outcome = await tryTool(getToolCallDeps(), { project, user: { id: ctx.user.id, email: ctx.user.email }, toolName: input.toolName, args: input.args ?? {} });
    revalidatePath(`/projects/${ctx.project.slug}/runs`);
    return { ok: true, data: outcome };
  } catch (error) {
    // callTool's own error for a broken invariant names the run and carries no internals.
    if (error instanceof ToolCallInternalError) {
      console.error("try it failed", error.cause ?? error);
      return { ok: false, error: error.message };
    }
    throw error;
  }
});

function actor(user: { id: string; email?: string | null }) {
  return { userId: user.id, email: user.email ?? undefined };
}

/** Definition problems go next to their field; a duplicate name next to the name. */
function definitionFailure(error: unknown): ActionResult<{ name: string }> {
  if (!isAppError(error)) throw error;
  if (error.code === "conflict") return { ok: false, error: "Another tool already has this name.", fieldErrors: { name: error.message } };
  if (error.reason === "invalid_tool_definition" && error.problems) {
    const { fieldErrors, rest } = definitionFieldErrors(error.problems);
    const fields = Object.keys(fieldErrors).length;
    return { ok: false, error: rest.length ? rest.join("; ") : `Check the highlighted field${fields === 1 ? "" : "s"}.`, fieldErrors };
  }
  return { ok: false, error: error.message };
}
