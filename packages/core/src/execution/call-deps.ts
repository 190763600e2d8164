import type { Db, HotQueries } from "@tengine/db";
import type { PubSub } from "../infra/pub-sub.ts";
import type { RateLimiter } from "../infra/rate-limiter.ts";
import type { RateLimitCheck } from "../limits/check-rate-limits.ts";
import type { McpPool } from "../federation/mcp-pool.ts";
import type { OutboundClient } from "../outbound/index.ts";
import type { ProjectRuntimeCache } from "../runtime/project-runtime-cache.ts";

/** What the call pipeline runs with: shared by direct calls, approved calls and "Try it". */
export type ToolCallDeps = {
  db: Db;
  /** prepared statements for the per-call queries */
  hot: HotQueries;
  runtime: ProjectRuntimeCache;
  outbound: OutboundClient;
  /** connections to the projects' external MCP servers; without it federated calls are refused */
  mcp?: McpPool;
  /** how long a call waits for another call holding the same idempotency key */
  idempotencyWaitMs?: number;
  now?: () => number;
  /** Counts calls against `Project.rateLimits`; without it nothing is limited. */
  limiter?: RateLimiter;
  /** Told about every refused or degraded rate-limit check (logs, metrics). Must not throw. */
  onRateLimit?: (event: RateLimitEvent) => void;
  /** Wakes calls waiting for an approval decision (`run:<runId>`); they also poll the row. */
  pubsub?: PubSub;
  /** how long a call needing approval waits for the decision before answering "pending" (default 25 s) */
  approvalWaitMs?: number;
  /** how often a waiting call re-reads its run (default 1 s) */
  approvalPollMs?: number;
};

/** A rate-limit check that did not simply pass. */
export type RateLimitEvent = { projectId: string; projectSlug: string; toolName: string; check: Exclude<RateLimitCheck, { ok: true }> };
