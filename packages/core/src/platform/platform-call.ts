import type { Db } from "@tengine/db";
import type { Role } from "../access/roles.ts";
import type { AuditActor } from "../audit/record-audit.ts";
import type { SecretBox } from "../crypto/secret-box.ts";
import type { McpPool } from "../federation/mcp-pool.ts";
import type { PubSub } from "../infra/pub-sub.ts";
import type { Principal } from "../principal/principal.ts";
import type { PlatformActionSpec, PlatformFamily } from "./platform-families.ts";
import type { PlatformArgs } from "./platform-tool.ts";

/** Everything one platform action runs with: the caller, its project and organization, and the services. */
export type PlatformCall = {
  db: Db;
  secretBox: SecretBox;
  pubsub?: PubSub;
  /** the process's connections to external MCP servers (adding or refreshing one lists its tools now) */
  mcp?: McpPool;
  family: PlatformFamily;
  spec: PlatformActionSpec;
  args: PlatformArgs;
  principal: Principal;
  /** the project whose endpoint was called (the credential's project) */
  project: { id: string; slug: string };
  org: { id: string; slug: string };
  /** the signed-in user's current role in the organization (OAuth connections); null for keys and members */
  role: Role | null;
  /** who the audit log names: the user behind an OAuth connection; nobody for a key (its id is in the details) */
  actor: AuditActor;
  runId: string;
};

/** What an action answers, and how the audit log records it. */
export type PlatformAnswer = {
  data: Record<string, unknown>;
  /**
   * The audit entry: the dashboard's action name for the same change (`tool.create`), the
   * target, and what changed (never secret values). Absent: `platform.<family>.<action>`.
   * `recorded: true` when the core function wrote its own entry (approvals, imports).
   */
  audit?: { action?: string; targetType?: string; targetId?: string; projectId?: string | null; details?: Record<string, unknown>; recorded?: boolean };
  /** paths in `data` holding a secret shown once: redacted from the run, replays and the audit log */
  secret?: boolean;
};

export type PlatformHandler = (call: PlatformCall) => Promise<PlatformAnswer>;
