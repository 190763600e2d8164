import type { Command } from "commander";
import { getProjectBySlugOrThrow, recordAudit, setToolDiscovery, TOOL_DISCOVERY_MODES, type ToolDiscoveryMode } from "@tengine/core";
import { openContext } from "../context.ts";
import { print } from "../output.ts";
import { oneOf, wholeNumber } from "../usage-error.ts";

type Options = { toolDiscovery?: ToolDiscoveryMode; discoveryThreshold?: number; pin?: string };

/**
 * `tengine projects update <slug> --tool-discovery list|search|auto|families
 * [--discovery-threshold <n>] [--pin <tools>]`: how tools/list presents the project's tools.
 */
export function registerToolDiscoveryCommand(program: Command, json: () => boolean) {
  const projects = program.commands.find((c) => c.name() === "projects") ?? program.command("projects");
  const existing = projects.commands.find((c) => c.name() === "update");
  const update = existing ?? projects.command("update <slug>").description("change a project's settings");
  update
    .option("--tool-discovery <mode>", `how tools/list shows the tools: ${TOOL_DISCOVERY_MODES.join(", ")}`, oneOf("--tool-discovery", TOOL_DISCOVERY_MODES))
    .option("--discovery-threshold <n>", "auto: switch to search above this many tools a caller can see (default 60)", wholeNumber("--discovery-threshold", 1, 100_000))
    .option("--pin <tools>", 'comma-separated tool names listed in every mode ("" to unpin all)');
  // When another module owns `projects update`, its action calls applyToolDiscoveryOptions.
  if (existing) return;
  update.action(async (slug: string, opts: Options) => {
    const ctx = await openContext({});
    try {
      await applyToolDiscoveryOptions(ctx, slug, opts, json());
    } finally {
      await ctx.close();
    }
  });
}

/** Applies the discovery options of `projects update` (none given: prints the current settings). */
export async function applyToolDiscoveryOptions(ctx: Awaited<ReturnType<typeof openContext>>, slug: string, opts: Options, asJson: boolean) {
  const project = await getProjectBySlugOrThrow(ctx.db, slug);
  const pinned = opts.pin === undefined ? undefined : opts.pin.split(",").map((s) => s.trim()).filter(Boolean);
  const { before, after, changed } = await setToolDiscovery(ctx.db, project.id, {
    ...(opts.toolDiscovery ? { toolDiscovery: opts.toolDiscovery } : {}),
    ...(opts.discoveryThreshold !== undefined ? { toolDiscoveryThreshold: opts.discoveryThreshold } : {}),
    ...(pinned ? { pinnedTools: pinned } : {}),
  });
  if (changed.length) {
    await recordAudit(ctx.db, { orgId: project.orgId, projectId: project.id, actor: { email: "tengine CLI" }, action: "project.settings_update", targetType: "project", targetId: project.id, details: { changed, before, after } });
  }
  print(asJson, { project: project.slug, toolDiscovery: after.mode, discoveryThreshold: after.threshold, pinnedTools: after.pinned, changed });
}
