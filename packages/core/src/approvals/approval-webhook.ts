import { signRequest } from "@tengine/sdk";
import type { Db } from "@tengine/db";
import { type SecretBox, secretAd } from "../crypto/secret-box.ts";
import { AppError } from "../errors/app-error.ts";
import type { OutboundClient } from "../outbound/outbound-client.ts";
import type { Principal } from "../principal/principal.ts";
import { bumpConfigVersion } from "../projects/bump-config-version.ts";
import { loadSigningKey } from "../signing/signing-secrets.ts";
import { approvalPageUrl } from "./approval-round-trip.ts";

/** Deliveries of one approval before it is given up (about 2 hours of backoff in all). */
export const MAX_NOTIFY_ATTEMPTS = 8;
const FIRST_RETRY_MS = 30_000;
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * Sets (or with `null` removes) the URL that hears of every new pending approval of a project.
 * Stored encrypted: Slack's incoming-webhook URLs, for one, are themselves the credential.
 */
export async function setApprovalWebhook(db: Db, secretBox: SecretBox, projectId: string, url: string | null): Promise<{ url: string | null }> {
  if (url !== null) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new AppError("bad_request", "the approval webhook must be an absolute http(s) URL");
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new AppError("bad_request", "the approval webhook must be an http(s) URL");
    if (url.length > 2000) throw new AppError("bad_request", "the approval webhook URL is longer than 2000 characters");
  }
  await db.$transaction(async (tx) => {
    await tx.project.update({ where: { id: projectId }, data: { approvalWebhookUrlEnc: url === null ? null : secretBox.encrypt(url, secretAd.approvalWebhook(projectId)) } });
    await bumpConfigVersion(tx, projectId);
  });
  return { url };
}

/** The webhook URL of a project, decrypted (the dashboard shows only its host). */
export async function getApprovalWebhook(db: Db, secretBox: SecretBox, projectId: string): Promise<string | null> {
  const row = await db.project.findUnique({ where: { id: projectId }, select: { approvalWebhookUrlEnc: true } });
  return row?.approvalWebhookUrlEnc ? secretBox.decrypt(row.approvalWebhookUrlEnc, secretAd.approvalWebhook(projectId)) : null;
}

type PendingApproval = { id: string; runId: string; toolName: string; principal: unknown; createdAt: Date; expiresAt: Date; project: { id: string; slug: string; name: string } };

/**
 * What a webhook receives: Slack's incoming-webhook shape (`text` and `blocks`, so a Slack,
 * Mattermost or Teams-via-Slack URL works as is) plus a `tengine` object for code. No
 * arguments or request: they may hold personal data, and the approval page shows them to
 * those allowed to see them.
 */
export function approvalWebhookPayload(approval: PendingApproval, dashboardUrl: string | undefined) {
  // The approval itself (its row opened and scrolled to), as in the emails and the client round trip.
  const link = approvalPageUrl(dashboardUrl, approval.project.slug, approval.runId);
  const caller = describeCaller(approval.principal);
  const text = `${approval.toolName} in ${approval.project.name} is waiting for approval (called by ${caller}).${link ? ` Decide: ${link}` : ""}`;
  return {
    text,
    blocks: [
      { type: "section", text: { type: "mrkdwn", text: `*${approval.toolName}* in *${approval.project.name}* is waiting for approval.\nCalled by ${caller}; expires ${approval.expiresAt.toISOString()}.` } },
      ...(link ? [{ type: "actions", elements: [{ type: "button", text: { type: "plain_text", text: "Open the approval" }, url: link }] }] : []),
    ],
    tengine: {
      event: "approval.requested",
      project: { id: approval.project.id, slug: approval.project.slug, name: approval.project.name },
      approval: { id: approval.id, runId: approval.runId, toolName: approval.toolName, caller, createdAt: approval.createdAt.toISOString(), expiresAt: approval.expiresAt.toISOString(), ...(link ? { url: link } : {}) },
    },
  };
}

function describeCaller(principal: unknown): string {
  const p = (principal ?? {}) as { kind?: Principal["kind"]; member?: { email?: string | null } };
  if (p.kind === "member") return p.member?.email ? `member ${p.member.email}` : "a member session";
  if (p.kind === "oauth") return "an OAuth client";
  if (p.kind === "api_key") return "an API key";
  return "a person in the dashboard";
}

export type NotifyDeps = { db: Db; secretBox: SecretBox; outbound: OutboundClient; dashboardUrl?: string; now?: () => number };

/**
 * Tells each project's webhook about approvals that are waiting, once each: signed with the
 * project's signing secret (RFC 9421, as its tool calls are) when it has one, through the SSRF
 * guard, retried with backoff (30 s doubling) up to 8 times when the receiver fails. Only
 * approvals still pending are sent: one decided meanwhile is no news.
 */
export async function notifyPendingApprovals(deps: NotifyDeps, options: { limit: number }): Promise<{ sent: number; failed: number }> {
  const now = new Date(deps.now?.() ?? Date.now());
  const due = await deps.db.approval.findMany({
    where: { status: "pending", notifiedAt: null, notifyAttempts: { lt: MAX_NOTIFY_ATTEMPTS }, OR: [{ notifyNextAt: null }, { notifyNextAt: { lte: now } }], project: { approvalWebhookUrlEnc: { not: null } } },
    orderBy: { id: "asc" },
    take: options.limit,
    select: { id: true, runId: true, toolName: true, principal: true, createdAt: true, expiresAt: true, notifyAttempts: true, project: { select: { id: true, slug: true, name: true, allowHttpUpstreams: true, approvalWebhookUrlEnc: true } } },
  });
  let sent = 0;
  let failed = 0;
  // One signing-key read per project per run, however many of its approvals are due.
  const signingKeys = new Map<string, ReturnType<typeof loadSigningKey>>();
  for (const approval of due) {
    const attempt = approval.notifyAttempts + 1;
    // Claim the attempt first: a second worker (or a slow receiver) never sends it twice at once.
    const claimed = await deps.db.approval.updateMany({ where: { id: approval.id, notifiedAt: null, notifyAttempts: approval.notifyAttempts }, data: { notifyAttempts: attempt, notifyNextAt: new Date(now.getTime() + FIRST_RETRY_MS * 2 ** (attempt - 1)) } });
    if (claimed.count === 0) continue;
    const url = deps.secretBox.decrypt(approval.project.approvalWebhookUrlEnc!, secretAd.approvalWebhook(approval.project.id));
    const body = JSON.stringify(approvalWebhookPayload(approval, deps.dashboardUrl));
    if (!signingKeys.has(approval.project.id)) signingKeys.set(approval.project.id, loadSigningKey(deps.db, deps.secretBox, approval.project.id));
    const signingKey = await signingKeys.get(approval.project.id)!;
    const result = await deps.outbound.send(
      // The run id travels as it does on tool calls: a receiver verifies both with the same code.
      { method: "POST", url, headers: { "content-type": "application/json", "user-agent": "Tengine-Approvals/1", "x-tengine-run-id": approval.runId }, body },
      { timeoutMs: NOTIFY_TIMEOUT_MS, maxAttempts: 1, maxResponseBytes: 4096, allowHttp: approval.project.allowHttpUpstreams, sign: signingKey ? (r) => ({ ...signRequest(r, signingKey) }) : undefined },
    );
    const ok = result.ok && result.status >= 200 && result.status < 300;
    // The error names the failure, never the URL (it may carry a token).
    const error = ok ? null : result.ok ? `the webhook answered HTTP ${result.status}` : `the webhook could not be reached (${result.kind})`;
    await deps.db.approval.update({ where: { id: approval.id }, data: ok ? { notifiedAt: new Date(deps.now?.() ?? Date.now()), notifyError: null } : { notifyError: attempt >= MAX_NOTIFY_ATTEMPTS ? `${error}; gave up after ${attempt} attempts` : error } });
    if (ok) sent++;
    else failed++;
  }
  return { sent, failed };
}
