import type { z } from "zod";
import type { listRunsInput } from "./list-runs.ts";

/** The preset time ranges of the runs filter (the runs page's menu, the CLI's `--since`). */
export const RUN_TIME_RANGES = { "1h": 3600_000, "24h": 24 * 3600_000, "7d": 7 * 24 * 3600_000, "30d": 30 * 24 * 3600_000 } as const;
export type RunTimeRange = keyof typeof RUN_TIME_RANGES;

type ListRunsInput = z.input<typeof listRunsInput>;

/** The filters a person sets on runs: the runs page and `tengine runs list` offer the same ones. */
export type RunFilter = {
  tool?: string;
  status?: ListRunsInput["status"];
  principal?: ListRunsInput["principalKind"];
  /** an API key id: its runs */
  key?: string;
  /** a member id (member session runs) */
  member?: string;
  since?: Date;
  until?: Date;
};

/**
 * What listRuns gets for a filter: a member implies the member principal, a key the api_key
 * principal (a member filter wins: the two name different callers).
 */
export function runFilterInput(filter: RunFilter): ListRunsInput {
  return {
    ...(filter.tool ? { toolName: filter.tool } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.member
      ? { memberId: filter.member, principalKind: "member" as const }
      : filter.key
        ? { apiKeyId: filter.key, principalKind: "api_key" as const }
        : filter.principal
          ? { principalKind: filter.principal }
          : {}),
    ...(filter.since ? { since: filter.since } : {}),
    ...(filter.until ? { until: filter.until } : {}),
  };
}
