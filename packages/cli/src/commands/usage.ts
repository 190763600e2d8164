import { getProjectUsage, USAGE_RANGES } from "@tengine/core";
import { defineCommand } from "../framework/define.ts";
import { print } from "../output.ts";
import { projectBySlug, projectOption } from "./shared.ts";

export const usageCommand = defineCommand<{ project: string; since: (typeof USAGE_RANGES)[number] }>({
  name: "usage",
  summary: "a project's calls, error rate, latency percentiles and busiest tools, as on its overview page",
  details: "Buckets are aligned to UTC: ten minutes over 24h, an hour over 7d; the last one is the current, partial bucket.",
  options: [projectOption, { flags: "--since <range>", description: `the window (${USAGE_RANGES.join(", ")})`, choices: USAGE_RANGES, default: "24h" }],
  examples: ["tengine usage --project acme-crm --since 24h", "tengine usage --project acme-crm --since 7d --json"],
  json: "{ range, stepMs, since, until, totals: { calls, errors, errorRate, gatewayP50, gatewayP95, upstreamP50, upstreamP95 }, topTools: [{ toolName, calls, errors, gatewayP95, upstreamP95 }], buckets: [{ t, calls, errors, callsPerMinute, errorsPerMinute, errorRate, gatewayP50, gatewayP95, upstreamP50, upstreamP95 }] }",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const usage = await getProjectUsage(ctx.db, project.id, { range: opts.since });
    if (json) return print(true, usage);
    print(false, { project: project.slug, window: `${usage.since} to ${usage.until}`, ...usage.totals });
    process.stdout.write("\nbusiest tools:\n");
    print(false, usage.topTools, { rows: usage.topTools as unknown as Array<Record<string, unknown>>, columns: ["toolName", "calls", "errors", "gatewayP95", "upstreamP95"] });
  },
});
