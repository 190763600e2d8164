import type { FieldProblem } from "@tengine/core";

/**
 * Maps the problems of a tool definition refused by packages/core to the editor's fields.
 * Problems whose path names no field of the editor stay in `rest`, shown above the form.
 */
const FIELDS = [
  "name",
  "title",
  "description",
  "enabled",
  "inputSchema",
  "annotations",
  "requiredScopes",
  "requiresApproval",
  "method",
  "url",
  "query",
  "headers",
  "body",
  "auth",
  "timeoutMs",
  "maxAttempts",
  "maxResponseBytes",
  "idempotencyWindowSec",
  "outputSchema",
] as const;

/**
 * Groups the problems of a refused definition (core's `AppError.problems`, reason
 * `invalid_tool_definition`) by editor field. Problems of one field are joined with "; ".
 */
export function definitionFieldErrors(problems: readonly FieldProblem[]): { fieldErrors: Record<string, string>; rest: string[] } {
  const fieldErrors: Record<string, string> = {};
  const rest: string[] = [];
  for (const { path, message } of problems) {
    const key = fieldKey(path);
    if (!key) rest.push(`${path}: ${message}`);
    else fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]}; ${message}` : message;
  }
  return { fieldErrors, rest };
}

/** `auth.token` stays as is (its own input); `headers.X-A` → `headers`; unknown → undefined. */
function fieldKey(path: string): string | undefined {
  const [head, next] = path.split(".");
  if (!head || !(FIELDS as readonly string[]).includes(head)) return undefined;
  if (head === "auth") return next === "token" || next === "value" || next === "name" ? `auth.${next}` : "auth";
  return head;
}
