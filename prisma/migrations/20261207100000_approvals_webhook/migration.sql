-- A project's approval webhook (encrypted URL) and each approval's delivery state.
ALTER TABLE "Project" ADD COLUMN "approvalWebhookUrlEnc" TEXT;
ALTER TABLE "Approval" ADD COLUMN "notifiedAt" TIMESTAMP(3);
ALTER TABLE "Approval" ADD COLUMN "notifyAttempts" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Approval" ADD COLUMN "notifyNextAt" TIMESTAMP(3);
ALTER TABLE "Approval" ADD COLUMN "notifyError" TEXT;
CREATE INDEX "Approval_status_notifiedAt_notifyNextAt_idx" ON "Approval"("status", "notifiedAt", "notifyNextAt");
