import type { RunSummary } from "@tengine/core";

export type RunStatus = RunSummary["status"];
export type PrincipalKind = RunSummary["principalKind"];

type BadgeColor = "gray" | "green" | "red" | "amber" | "blue";

/** Every run status, in the order the filter offers them, with its label and badge colour. */
export const RUN_STATUSES: readonly { value: RunStatus; label: string; color: BadgeColor }[] = [
  { value: "succeeded", label: "Succeeded", color: "green" },
  { value: "failed", label: "Failed", color: "red" },
  { value: "denied", label: "Denied", color: "red" },
  { value: "rate_limited", label: "Rate limited", color: "amber" },
  { value: "deduplicated", label: "Deduplicated", color: "blue" },
  { value: "pending", label: "Pending approval", color: "amber" },
  { value: "running", label: "Running", color: "gray" },
];

export const PRINCIPAL_KINDS: readonly { value: PrincipalKind; label: string }[] = [
  { value: "api_key", label: "API key" },
  { value: "member", label: "Member" },
  { value: "oauth", label: "OAuth" },
  { value: "dashboard", label: "Dashboard" },
];

export function statusInfo(status: RunStatus) {
  return RUN_STATUSES.find((s) => s.value === status) ?? { value: status, label: status, color: "gray" as const };
}

export function kindLabel(kind: PrincipalKind): string {
  return PRINCIPAL_KINDS.find((k) => k.value === kind)?.label ?? kind;
}

/** "12 ms", "1.4 s"; an em dash when there is no figure (the upstream was never called). */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export { relativeTime } from "../format/relative-time.ts";

/** Pretty-prints a JSON string; null when it is not JSON (the caller shows it as text). */
export function prettyJson(text: string): string | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return null;
  try {
    return JSON.stringify(JSON.parse(trimmed), null, 2);
  } catch {
    return null;
  }
}
