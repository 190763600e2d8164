import type { RunDetail } from "@tengine/core";
import { formatMs } from "./format.ts";

const OUTCOME: Record<string, string> = { approved: "Approved", denied: "Denied", expired: "Expired undecided", pending: "Waiting for approval" };

/** Who decided on a run that needed approval, and how long the call waited for them. */
export function ApprovalOutcome({ approval }: { approval: NonNullable<RunDetail["approval"]> }) {
  const who = approval.decidedByEmail ? ` by ${approval.decidedByEmail}` : "";
  return (
    <>
      <span className="font-medium">{OUTCOME[approval.status] ?? approval.status}{approval.status === "approved" || approval.status === "denied" ? who : ""}</span>
      <span className="block text-xs text-slate-500">
        {approval.waitMs !== null ? `after waiting ${formatMs(approval.waitMs)}` : "no decision yet"}
        {approval.reason ? ` · “${approval.reason}”` : ""}
      </span>
    </>
  );
}
