import type { IncomingHttpHeaders } from "node:http";
import type { CredentialState, PlatformSurface, Principal, ProjectConfig } from "@tengine/core";
import type { ElicitAnswer } from "./elicitation-broker.ts";
import type { ModernFollowUp } from "./modern/follow-ups.ts";

/**
 * What the MCP handlers know about the HTTP request they serve, passed through the SDK as
 * `authInfo.extra`. Handlers may ask for a different HTTP status (403 insufficient_scope).
 */
export type CallContext = {
  principal: Principal;
  project: ProjectConfig;
  /** the credential's stored state as the authenticator read it on this request */
  credential: CredentialState;
  /** the endpoint called: a project's `/p/{slug}/mcp` (or `/mcp`), or an organization's `/o/{org}/mcp` */
  surface: PlatformSurface;
  idempotencyKeyHeader?: string;
  /** the request's `MCP-Protocol-Version` (absent before initialize and from 2025-03-26 clients) */
  protocolVersion?: string;
  requestId: string;
  /** set by a handler that needs the HTTP answer to be a 403 with a challenge */
  insufficientScope?: string[];
  /**
   * A modern-era (2026-07-28) request's headers: tools/call checks its `Mcp-Param-*` headers
   * against the arguments the tool marks with `x-mcp-header`. Absent for the 2025 revisions.
   */
  modernHeaders?: IncomingHttpHeaders;
  /** a modern-era request: how its client follows up on a call waiting for approval (task or input_required) */
  modern?: ModernFollowUp;
  /** set by a handler that refused a request whose headers disagree with its body: the answer is a 400 */
  headerMismatch?: boolean;
  /** set by a handler that failed because Postgres is unreachable: the answer is a 503 */
  databaseUnavailable?: boolean;
  /** set by initialize when the client declared `elicitation`: returned as `Mcp-Session-Id` */
  sessionId?: string;
  /**
   * Asks the client a question (elicitation/create) on this request's SSE answer; present only
   * when the client declared elicitation and can read the answer as a stream.
   */
  elicit?: (params: { message: string; requestedSchema: Record<string, unknown> }, timeoutMs: number) => Promise<ElicitAnswer | null>;
};
