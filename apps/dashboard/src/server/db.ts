import "server-only";
import { type ApprovalJobQueue, createInfra, createOutboundClient, ProjectRuntimeCache, type PubSub, SecretBox, type ToolCallDeps } from "@tengine/core";
import { createJobQueue } from "@tengine/queue";
import { createDb, type Db } from "@tengine/db";
import { dashboardConfig } from "./env.ts";

// One client (and pg pool) per server process. Kept on globalThis because `next dev` re-evaluates
// modules on every edit, which would otherwise leak a pool per reload.
type Services = { db: Db; deps: ToolCallDeps; secretBox: SecretBox; approvals?: { queue?: ApprovalJobQueue; pubsub?: PubSub } };
const holder = globalThis as typeof globalThis & { __tengineDashboard?: Services };

function services(): Services {
  if (!holder.__tengineDashboard) {
    const config = dashboardConfig();
    const { db, hot } = createDb({ url: config.databaseUrl, schema: config.databaseSchema, embedded: config.embeddedDatabase }, { poolSize: 5 });
    const secretBox = new SecretBox(config.masterKey, { previousKeys: config.previousMasterKeys });
    holder.__tengineDashboard = {
      db,
      secretBox,
      // "Try it" runs the gateway's own tool-call path (packages/core callTool). No `limiter`:
      // rate limits (Project.rateLimits) govern client traffic through the gateway, whose
      // counters live in Redis or the gateway's memory; a dashboard-local counter would neither
      // see nor add to those, so Try it calls are deliberately not rate limited.
      deps: { db, hot, runtime: new ProjectRuntimeCache(db, secretBox), outbound: createOutboundClient({ allowPrivate: config.allowPrivateUpstreams, allowlist: config.upstreamAllowlist }) },
    };
  }
  return holder.__tengineDashboard;
}

/** The process's Prisma client, created on first use. */
export function getDb(): Db {
  return services().db;
}

/** Encrypts secrets typed into forms (TENGINE_MASTER_KEY, required at boot). */
export function getSecretBox(): SecretBox {
  return services().secretBox;
}

/** What callTool needs, for "Try it". */
export function getToolCallDeps(): ToolCallDeps {
  return services().deps;
}

/**
 * Where an approval decision is announced: with REDIS_URL, the worker's BullMQ queue
 * (`approval.execute` at once) and Redis pub/sub (a denied call's wait ends at once). Without
 * Redis there is nothing to share with other processes: the worker's sweep and the waiting
 * call's polling find the decision within seconds.
 */
export function getApprovalNotifiers(): { queue?: ApprovalJobQueue; pubsub?: PubSub } {
  const s = services();
  if (!s.approvals) {
    const { redisUrl, redisKeyPrefix } = dashboardConfig();
    s.approvals = redisUrl
      ? { queue: createJobQueue({ redisUrl, keyPrefix: redisKeyPrefix }), pubsub: createInfra({ redisUrl, keyPrefix: redisKeyPrefix }).pubSub }
      : {};
  }
  return s.approvals;
}
