import type { Principal } from "../principal/principal.ts";

/**
 * Identity and trace headers for the upstream (DESIGN §7 step 8). Values come from verified
 * credentials only; a header is omitted when the principal has no such attribute.
 */
export function identityHeaders(principal: Principal, runId: string, upstreamKey: string): Record<string, string> {
  const headers: Record<string, string> = {
    "x-tengine-project-id": principal.projectId,
    "x-tengine-run-id": runId,
    "x-tengine-principal": principal.kind,
    "idempotency-key": upstreamKey,
  };
  if (principal.memberId) headers["x-tengine-member-id"] = principal.memberId;
  if (principal.member?.email) headers["x-tengine-member-email"] = principal.member.email;
  if (principal.userId) headers["x-tengine-user-id"] = principal.userId;
  if (principal.clientId) headers["x-tengine-client-id"] = principal.clientId;
  return headers;
}

/**
 * The same identity as `_meta["tengine/principal"]` of a federated tools/call, for servers
 * on either transport (a stdio server sees no headers). Verified attributes only.
 */
export function principalMeta(principal: Principal): Record<string, string> {
  const meta: Record<string, string> = { kind: principal.kind, projectId: principal.projectId };
  if (principal.keyId) meta.keyId = principal.keyId;
  if (principal.memberId) meta.memberId = principal.memberId;
  if (principal.member?.email) meta.memberEmail = principal.member.email;
  if (principal.userId) meta.userId = principal.userId;
  if (principal.clientId) meta.clientId = principal.clientId;
  return meta;
}
