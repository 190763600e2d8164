import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { verifyRequest } from "@tengine/sdk";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { newId } from "../ids/new-id.ts";
import { createOutboundClient } from "../outbound/outbound-client.ts";
import { createProject } from "../projects/create-project.ts";
import { createSigningSecret } from "../signing/signing-secrets.ts";
import { getApprovalWebhook, MAX_NOTIFY_ATTEMPTS, notifyPendingApprovals, setApprovalWebhook } from "./approval-webhook.ts";

// A project's approval webhook, delivered to a real HTTP receiver on this machine: signed with
// the project's signing secret, Slack-compatible, once per approval, retried with backoff.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
const secretBox = new SecretBox(SecretBox.generateKey());
const outbound = createOutboundClient({ allowPrivate: true });
let project: { id: string; slug: string };
let quiet: { id: string };
let signing: { keyid: string; secret: string };
let receiver: Server;
let receiverUrl: string;
/** what the receiver answers next (a queue of statuses; 200 when empty) */
const answers: number[] = [];
const received: { headers: IncomingMessage["headers"]; body: string; verified: boolean }[] = [];

beforeAll(async () => {
  database = await createTestDatabase("approval_webhook");
  const org = await database.db.organization.create({ data: { id: newId("org"), name: "Acme", slug: "acme" } });
  project = await createProject(database.db, { orgId: org.id, name: "CRM", slug: "crm" });
  quiet = await createProject(database.db, { orgId: org.id, name: "Quiet", slug: "quiet" });
  const created = await createSigningSecret(database.db, secretBox, project.id);
  signing = { keyid: created.keyid, secret: created.secret };
  receiver = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const request = new Request(new URL(req.url ?? "/", receiverUrl), { method: "POST", headers: req.headers as Record<string, string>, body });
    const outcome = await verifyRequest(request, { secrets: { [signing.keyid]: signing.secret } });
    const verified = outcome.ok;
    received.push({ headers: req.headers, body, verified });
    res.writeHead(answers.shift() ?? 200).end();
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/approvals`;
  await database.db.project.update({ where: { id: project.id }, data: { allowHttpUpstreams: true } });
});
afterAll(async () => {
  receiver?.close();
  await outbound.close();
  await database?.drop();
});

async function pending(projectId: string, toolName: string) {
  const runId = newId("run");
  await database.db.run.create({ data: { id: runId, projectId, toolName, status: "pending", principalKind: "member" } });
  return database.db.approval.create({ data: { id: newId("approval"), projectId, runId, toolId: newId("tool"), toolName, principal: { kind: "member", memberId: "m-1", member: { id: "m-1", email: "pat@acme.example" } }, arguments: { amount: 120 }, expiresAt: new Date(Date.now() + 3600_000) } });
}

describe("approval webhooks", () => {
  it("stores the URL encrypted and refuses what is not an http(s) URL", async () => {
    await expect(setApprovalWebhook(database.db, secretBox, project.id, "ftp://example.com/x")).rejects.toThrow("http(s) URL");
    await expect(setApprovalWebhook(database.db, secretBox, project.id, "not a url")).rejects.toThrow("absolute http(s) URL");
    await setApprovalWebhook(database.db, secretBox, project.id, receiverUrl);
    const row = await database.db.project.findUniqueOrThrow({ where: { id: project.id } });
    expect(row.approvalWebhookUrlEnc).not.toContain("127.0.0.1");
    expect(await getApprovalWebhook(database.db, secretBox, project.id)).toBe(receiverUrl);
  });

  it("sends each new pending approval once, signed and Slack-compatible; projects without a webhook send nothing", async () => {
    const approval = await pending(project.id, "refund_order");
    await pending(quiet.id, "quiet_tool");
    const deps = { db: database.db, secretBox, outbound, dashboardUrl: "https://dash.example.com/" };
    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 1, failed: 0 });
    expect(received).toHaveLength(1);
    const [delivery] = received;
    expect(delivery!.verified).toBe(true);
    expect(delivery!.headers["content-type"]).toBe("application/json");
    expect(delivery!.headers["x-tengine-run-id"]).toBe(approval.runId);
    const payload = JSON.parse(delivery!.body);
    expect(payload.text).toBe(`refund_order in CRM is waiting for approval (called by member pat@acme.example). Decide: https://dash.example.com/projects/crm/approvals?run=${approval.runId}#${approval.runId}`);
    expect(payload.blocks[1].elements[0].url).toBe(`https://dash.example.com/projects/crm/approvals?run=${approval.runId}#${approval.runId}`);
    expect(payload.tengine.approval.url).toBe(payload.blocks[1].elements[0].url);
    expect(payload.tengine).toMatchObject({ event: "approval.requested", project: { slug: "crm" }, approval: { id: approval.id, runId: approval.runId, toolName: "refund_order" } });
    // the arguments stay in Tengine
    expect(delivery!.body).not.toContain("120");
    expect((await database.db.approval.findUniqueOrThrow({ where: { id: approval.id } })).notifiedAt).not.toBeNull();

    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 0, failed: 0 });
    expect(received).toHaveLength(1);
  });

  it("retries a failing receiver with backoff, gives up after the last attempt, and skips decided approvals", async () => {
    received.length = 0;
    const approval = await pending(project.id, "close_account");
    let clock = Date.now();
    const deps = { db: database.db, secretBox, outbound, now: () => clock };
    answers.push(503);
    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 0, failed: 1 });
    let row = await database.db.approval.findUniqueOrThrow({ where: { id: approval.id } });
    expect(row).toMatchObject({ notifiedAt: null, notifyAttempts: 1, notifyError: "the webhook answered HTTP 503" });
    expect(row.notifyNextAt!.getTime()).toBe(clock + 30_000);
    // not before the backoff has passed
    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 0, failed: 0 });
    clock += 30_000;
    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 1, failed: 0 });
    expect(received).toHaveLength(2);

    const doomed = await pending(project.id, "wipe_data");
    for (let i = 0; i < MAX_NOTIFY_ATTEMPTS; i++) {
      answers.push(500);
      clock += 10 * 3600_000;
      await notifyPendingApprovals(deps, { limit: 25 });
    }
    row = await database.db.approval.findUniqueOrThrow({ where: { id: doomed.id } });
    expect(row).toMatchObject({ notifiedAt: null, notifyAttempts: MAX_NOTIFY_ATTEMPTS, notifyError: `the webhook answered HTTP 500; gave up after ${MAX_NOTIFY_ATTEMPTS} attempts` });
    clock += 10 * 3600_000;
    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 0, failed: 0 });

    const decided = await pending(project.id, "late_news");
    await database.db.approval.update({ where: { id: decided.id }, data: { status: "denied", decidedAt: new Date() } });
    received.length = 0;
    expect(await notifyPendingApprovals(deps, { limit: 25 })).toEqual({ sent: 0, failed: 0 });
    expect(received).toHaveLength(0);
  });
});
