import { authorizePrincipal, PRINCIPAL_DENIAL_REASONS } from "./authorize-principal.ts";
import { failed, type StepResult } from "./call-failure.ts";

/**
 * The scopes step of a direct call: `authorizePrincipal` with the credential state its
 * authenticator read on this request, worded for the caller. An approved call runs the same
 * rule and words its refusal itself (`failure.denial`).
 */
export function authorizeCall(input: Parameters<typeof authorizePrincipal>[0]): StepResult<void> {
  const access = authorizePrincipal(input);
  if (access.ok) return OK;
  if (access.code === "insufficient_scope") return failed("insufficient_scope", `Tool requires scopes: ${input.tool.requiredScopes.join(", ")}`, "denied", { denial: access.code });
  const message = access.code === "member_required" ? "This project requires a member identity: call with a member session token (tng_mst_…)" : `Not sent: ${PRINCIPAL_DENIAL_REASONS[access.code]}`;
  return failed("principal_denied", message, "denied", { denial: access.code });
}

const OK: StepResult<void> = { ok: true, value: undefined };
