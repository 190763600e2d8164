import type { Principal, ProjectConfig } from "@tengine/core";

/**
 * What the MCP handlers know about the HTTP request they serve, passed through the SDK as
 * `authInfo.extra`. Handlers may ask for a different HTTP status (403 insufficient_scope).
 */
export type CallContext = {
  principal: Principal;
  project: ProjectConfig;
  idempotencyKeyHeader?: string;
  requestId: string;
  /** set by a handler that needs the HTTP answer to be a 403 with a challenge */
  insufficientScope?: string[];
};
