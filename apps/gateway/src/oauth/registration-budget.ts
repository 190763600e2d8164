import { isInfraUnavailableError } from "@tengine/core";
import type { OAuthDeps } from "./oauth-http.ts";

/**
 * Takes one from the per-address budget of client registrations (`OAUTH_REGISTRATIONS_PER_HOUR`):
 * a dynamic registration spends from `register`, a fetch of a client metadata document (a
 * registration by another name, and an outbound request) from `metadata`. With Redis down they
 * are allowed and logged: alone they are harmless, and refusing them would lock clients out.
 */
export async function takeRegistrationBudget(deps: OAuthDeps, kind: "register" | "metadata", ip: string): Promise<{ ok: true } | { ok: false; retryAfterSec: number }> {
  try {
    const decision = await deps.limiter.hit(`oauth-${kind}:${ip}`, deps.registrationLimit, deps.now?.());
    return decision.allowed ? { ok: true } : { ok: false, retryAfterSec: Math.max(1, Math.ceil(decision.retryAfterMs / 1000)) };
  } catch (error) {
    if (!isInfraUnavailableError(error)) throw error;
    deps.logger.warn({ reason: error.message, kind }, "rate limiter unavailable: client registration allowed without a limit");
    return { ok: true };
  }
}
