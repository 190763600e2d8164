import type { JobHandlers, SecretBox, SendEmail } from "@tengine/core";
import { handleApprovalExecute, type ApprovalDeps } from "./approval-execute.handler.ts";
import { handleApprovalExpire } from "./approval-expire.handler.ts";
import { handleApprovalNotify } from "./approval-notify.handler.ts";
import { handleApprovalSweep } from "./approval-sweep.handler.ts";
import { handleAssertionJtiRetention } from "./assertion-jti-retention.handler.ts";
import { handleEmailSend } from "./email-send.handler.ts";
import { handleIdempotencyRetention } from "./idempotency-retention.handler.ts";
import type { Logger } from "./logger.ts";
import { handleOAuthCleanup } from "./oauth-cleanup.handler.ts";
import { handleRunsRetention } from "./runs-retention.handler.ts";
import { handleSignInAttemptsRetention } from "./sign-in-attempts-retention.handler.ts";
import { handleUsageRollup } from "./usage-rollup.handler.ts";

/** Every job in the catalog, wired to its handler. */
export function createJobHandlers(deps: ApprovalDeps & { logger: Logger; secretBox: SecretBox; dashboardUrl?: string; sendEmail?: SendEmail }): Required<JobHandlers> {
  const { db, logger } = deps;
  return {
    "approval.execute": (payload) => handleApprovalExecute(deps, payload),
    "approval.sweep": () => handleApprovalSweep(deps),
    "approval.notify": () => handleApprovalNotify({ db, secretBox: deps.secretBox, outbound: deps.outbound, ...(deps.dashboardUrl ? { dashboardUrl: deps.dashboardUrl } : {}) }),
    "email.send": () => handleEmailSend({ db, secretBox: deps.secretBox, ...(deps.sendEmail ? { send: deps.sendEmail } : {}), ...(deps.dashboardUrl ? { dashboardUrl: deps.dashboardUrl } : {}) }),
    "approval.expire": () => handleApprovalExpire({ db }),
    "runs.retention": (_payload, ctx) => handleRunsRetention({ db }, { signal: ctx.signal }),
    "idempotency.retention": () => handleIdempotencyRetention({ db, logger }),
    "assertion-jti.retention": () => handleAssertionJtiRetention({ db, logger }),
    "oauth.cleanup": () => handleOAuthCleanup({ db }),
    "sign-in-attempts.retention": () => handleSignInAttemptsRetention({ db }),
    "usage.rollup": (_payload, ctx) => handleUsageRollup({ db }, { signal: ctx.signal }),
  };
}
