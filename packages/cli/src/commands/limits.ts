import { AppError, parseRateLimitRule, type RateLimitsInput, setRateLimits } from "@tengine/core";
import { defineCommand, defineGroup } from "../framework/define.ts";
import { print } from "../output.ts";
import { audit, projectBySlug, projectOption } from "./shared.ts";

type SetOptions = { project: string; projectLimit?: string; principalLimit?: string; toolLimit?: string; failClosed?: boolean; clear?: boolean };

const set = defineCommand<SetOptions>({
  name: "set",
  summary: "set the project's call rate limits (MAX/SECONDS, sliding window)",
  details: "The command sets the whole configuration: limits not given are removed.",
  options: [
    projectOption,
    { flags: "--project-limit <max/sec>", description: "calls of the whole project, e.g. 100/60" },
    { flags: "--principal-limit <max/sec>", description: "calls per API key, member or OAuth client, e.g. 20/60" },
    { flags: "--tool-limit <max/sec>", description: "calls per tool, e.g. 50/60" },
    { flags: "--fail-closed", description: "refuse calls while the rate limiter (Redis) is unavailable (default: allow them)" },
    { flags: "--clear", description: "remove every limit (unlimited)" },
  ],
  examples: ["tengine limits set --project acme-crm --principal-limit 20/60 --tool-limit 50/60", "tengine limits set --project acme-crm --clear"],
  json: "{ project, rateLimits: { project?, principal?, tool?: { max, windowSec }, failOpen } | null }",
  async run(ctx, { opts, json }) {
    const project = await projectBySlug(ctx, opts.project);
    const given = opts.projectLimit !== undefined || opts.principalLimit !== undefined || opts.toolLimit !== undefined || opts.failClosed === true;
    if (opts.clear && given) throw new AppError("bad_request", "--clear removes every limit: give it alone");
    if (!opts.clear && !given) throw new AppError("bad_request", "give --project-limit, --principal-limit and/or --tool-limit (MAX/SECONDS), or --clear");
    const limits: RateLimitsInput | null = opts.clear
      ? null
      : {
          ...(opts.projectLimit !== undefined ? { project: parseRateLimitRule(opts.projectLimit) } : {}),
          ...(opts.principalLimit !== undefined ? { principal: parseRateLimitRule(opts.principalLimit) } : {}),
          ...(opts.toolLimit !== undefined ? { tool: parseRateLimitRule(opts.toolLimit) } : {}),
          failOpen: !opts.failClosed,
        };
    const { before, after } = await setRateLimits(ctx.db, project.id, limits);
    await audit(ctx, project, { action: "project.rate_limits_set", targetType: "project", targetId: project.id, details: { before, after } });
    print(json, { project: project.slug, rateLimits: after });
  },
});

export const limitsGroup = defineGroup({ name: "limits", summary: "per-project call rate limits: MAX/SECONDS, sliding window", commands: [set] });
