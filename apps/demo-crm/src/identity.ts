/**
 * Reading the verified identity the injected verifier returns. The verifier is built on
 * `@tengine/sdk`'s `verifyRequest()`, whose result this app deliberately does not import, so
 * both the flat (`memberEmail`) and the nested (`member.email`) spellings are accepted.
 */

type Identity = Record<string, unknown>;

function str(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function obj(v: unknown): Identity {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Identity) : {};
}

function principalKind(identity: Identity): string | undefined {
  return str(identity.principal) ?? str(obj(identity.principal).kind) ?? str(identity.kind);
}

/**
 * Who a write is attributed to (`createdBy` / `updatedBy`): the member's email, else
 * `member:<id>`, else the principal kind (`api_key`, `oauth`, `member`).
 */
export function actorOf(identity: Identity | null): string {
  if (!identity) return "anonymous";
  const member = obj(identity.member);
  const email = str(member.email) ?? str(identity.memberEmail) ?? str(identity.email);
  if (email) return email;
  const memberId = str(member.id) ?? str(identity.memberId);
  if (memberId) return `member:${memberId}`;
  const userId = str(identity.userId);
  if (userId) return `user:${userId}`;
  return principalKind(identity) ?? "unknown";
}

/**
 * The namespace an `Idempotency-Key` lives in: project and caller. Signature parameters
 * (`keyid`, `nonce`, `created`) and the run id are left out on purpose — they differ between
 * a request and its retry, and the retry must still find the first response. Including the
 * caller means two members who happen to pick the same key never see each other's responses.
 */
export function identityScope(identity: Identity | null): string {
  if (!identity) return "";
  const member = obj(identity.member);
  const principal = obj(identity.principal);
  return JSON.stringify([
    str(identity.projectId) ?? str(obj(identity.project).id) ?? str(principal.projectId) ?? null,
    principalKind(identity) ?? null,
    str(member.id) ?? str(identity.memberId) ?? str(principal.memberId) ?? null,
    str(identity.userId) ?? str(principal.userId) ?? null,
    str(identity.clientId) ?? str(principal.clientId) ?? null,
  ]);
}
