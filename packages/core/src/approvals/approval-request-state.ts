import { createHash } from "node:crypto";
import { z } from "zod";
import { type SecretBox, secretAd, SecretUnreadableError } from "../crypto/secret-box.ts";
import { canonicalJson } from "../idempotency/canonical-json.ts";
import { type Principal, principalKey } from "../principal/principal.ts";

/**
 * The `requestState` of an approval answered as `input_required` (multi round-trip requests,
 * MCP 2026-07-28): which run the caller waits for, sealed so that only this deployment can
 * read or make one. It travels through the client, so it is attacker-controlled input:
 * AES-256-GCM under the master key (a forged or altered state does not open), bound to the
 * project (associated data), and carrying the principal, the call it answers (tool and a
 * digest of the arguments) and an expiry, each checked when it comes back. It names a run
 * the caller owns; it grants nothing the caller could not already ask `tengine_run_status`.
 */
export type ApprovalRequestState = {
  runId: string;
  tool: string;
  argsDigest: string;
  principal: string;
  expiresAt: number;
  /** the user was already asked to open the approval page (not asked again on later legs) */
  asked: boolean;
};

const payloadSchema = z.object({ v: z.literal(1), run: z.string(), tool: z.string(), args: z.string(), who: z.string(), exp: z.number().int(), asked: z.boolean() }).strict();

/** The closed set of reasons a returned state is refused. */
export type RequestStateRefusal = "unreadable" | "other_principal" | "other_call" | "expired";

export type OpenedRequestState = { ok: true; state: ApprovalRequestState } | { ok: false; code: RequestStateRefusal; message: string };

/** A digest of a call's arguments, independent of key order. */
export function argumentsDigest(args: unknown): string {
  return createHash("sha256").update(canonicalJson(args ?? {})).digest("base64url");
}

export function sealApprovalState(box: SecretBox, projectId: string, state: { runId: string; tool: string; args: unknown; principal: Principal; expiresAt: Date; asked: boolean }): string {
  const payload = { v: 1, run: state.runId, tool: state.tool, args: argumentsDigest(state.args), who: principalKey(state.principal), exp: state.expiresAt.getTime(), asked: state.asked };
  return box.encrypt(JSON.stringify(payload), secretAd.approvalRequestState(projectId));
}

/**
 * Opens a state the client sent back on its retry of `tools/call` and checks it against that
 * retry: the same principal, the same tool with the same arguments, not expired.
 */
export function openApprovalState(
  box: SecretBox,
  projectId: string,
  sealed: string,
  retry: { tool: string; args: unknown; principal: Principal; now?: number },
): OpenedRequestState {
  let payload: z.infer<typeof payloadSchema>;
  try {
    const parsed = payloadSchema.safeParse(JSON.parse(box.decrypt(sealed, secretAd.approvalRequestState(projectId))));
    if (!parsed.success) return refuse("unreadable");
    payload = parsed.data;
  } catch (error) {
    if (error instanceof SecretUnreadableError || error instanceof SyntaxError) return refuse("unreadable");
    throw error;
  }
  if (payload.who !== principalKey(retry.principal)) return refuse("other_principal");
  if (payload.tool !== retry.tool || payload.args !== argumentsDigest(retry.args)) return refuse("other_call");
  if (payload.exp <= (retry.now ?? Date.now())) return refuse("expired");
  return { ok: true, state: { runId: payload.run, tool: payload.tool, argsDigest: payload.args, principal: payload.who, expiresAt: payload.exp, asked: payload.asked } };
}

const MESSAGES: Record<RequestStateRefusal, string> = {
  unreadable: "requestState is not one this gateway issued for this project (altered, or from another deployment)",
  other_principal: "requestState was issued to another caller",
  other_call: "requestState belongs to another call: retry the same tool with the same arguments",
  expired: "requestState has expired: the approval it waited for is no longer open; call the tool again",
};

function refuse(code: RequestStateRefusal): OpenedRequestState {
  return { ok: false, code, message: MESSAGES[code] };
}
