/** Who makes a call, resolved once at the edge (DESIGN §3). */
export type Principal = {
  projectId: string;
  projectSlug: string;
  kind: "api_key" | "member" | "oauth" | "dashboard";
  keyId?: string;
  memberId?: string;
  member?: { id: string; email?: string; name?: string; roles?: string[] };
  userId?: string;
  clientId?: string;
  connectionId?: string;
  /** null = full project access (API key without scopes) */
  scopes: string[] | null;
  /** unix seconds, for tokens */
  expiresAt?: number;
};

/** The identity idempotency keys are scoped to: never shared across principals (DESIGN §8). */
export function principalKey(p: Principal): string {
  if (p.kind === "member") return `member:${p.memberId}`;
  if (p.kind === "oauth") return `oauth:${p.userId}:${p.clientId}`;
  if (p.kind === "dashboard") return `dashboard:${p.userId}`;
  return `api_key:${p.keyId}`;
}
