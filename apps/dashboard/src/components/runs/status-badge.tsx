import { Badge } from "@/components/ui/index.ts";
import { type RunStatus, statusInfo } from "./format.ts";

export function StatusBadge({ status }: { status: RunStatus }) {
  const info = statusInfo(status);
  return <Badge color={info.color}>{info.label}</Badge>;
}
