import { z } from "zod";

/** Who makes a call, resolved once at the edge (DESIGN §3). */
export type Principal = {
  projectId: string;
  projectSlug: string;
  kind: "api_key" | "member" | "oauth" | "dashboard";
  keyId?: string;
  memberId?: string;
  member?: { id: string; email?: string; name?: string; roles?: string[] };
  /** member sessions: the project's member-assertion key id the session was minted under */
  memberAssertionKeyId?: string;
  userId?: string;
  clientId?: string;
  connectionId?: string;
  /** null = full project access (API key without scopes) */
  scopes: string[] | null;
  /**
   * member sessions: the toolsets (MCP server names) the session asked for, kept within the
   * minting key's toolsets at each call; absent = the key's toolsets
   */
  toolsets?: string[];
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

/**
 * A principal read back from storage (an approval's `principal` column): validated like
 * input, so a malformed row is refused instead of being trusted.
 */
export const storedPrincipalSchema: z.ZodType<Principal> = z.object({
  projectId: z.string().min(1),
  projectSlug: z.string().min(1),
  kind: z.enum(["api_key", "member", "oauth", "dashboard"]),
  keyId: z.string().optional(),
  memberId: z.string().optional(),
  member: z.object({ id: z.string(), email: z.string().optional(), name: z.string().optional(), roles: z.array(z.string()).optional() }).optional(),
  memberAssertionKeyId: z.string().optional(),
  userId: z.string().optional(),
  clientId: z.string().optional(),
  connectionId: z.string().optional(),
  scopes: z.array(z.string()).nullable(),
  toolsets: z.array(z.string()).optional(),
  expiresAt: z.number().optional(),
});
