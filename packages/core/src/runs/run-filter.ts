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
  /** a run id, or text found in the arguments, the response body or the error */
  search?: string;
  /** a status class (`2xx`…`5xx`) or one status (`404`) */
  httpStatus?: string;
  /** gateway plus upstream time at least this many milliseconds */
  slowerThanMs?: number;
};

/** `2xx`…`5xx` or a single status 100–599. */
export const HTTP_STATUS_FILTER = /^(?:[1-5]xx|[1-5]\d\d)$/;

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
    ...(filter.search?.trim() ? { search: filter.search.trim() } : {}),
    ...(filter.httpStatus ? { httpStatus: filter.httpStatus } : {}),
    ...(filter.slowerThanMs !== undefined ? { slowerThanMs: filter.slowerThanMs } : {}),
  };
}
