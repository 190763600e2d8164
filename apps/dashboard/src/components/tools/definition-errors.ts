/**
 * Maps a tool-definition error from packages/core (`invalid tool definition: inputSchema: …;
 * auth.token: …`) to the editor's fields. Problems whose path names no field of the editor
 * stay in `rest`, shown above the form.
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
] as const;

const PREFIX = "invalid tool definition: ";
// A new problem starts where "; " is followed by a known field path and ": " (messages such as
// ajv's may contain "; " themselves, paths such as "headers.Bad Header" may contain spaces).
const SPLIT = new RegExp(`; (?=(?:${FIELDS.join("|")}|\\(root\\))(?:\\.[^:]*)?: )`);

export function definitionFieldErrors(message: string): { fieldErrors: Record<string, string>; rest: string[] } {
  const fieldErrors: Record<string, string> = {};
  const rest: string[] = [];
  if (!message.startsWith(PREFIX)) return { fieldErrors, rest: [message] };
  for (const problem of message.slice(PREFIX.length).split(SPLIT)) {
    const colon = problem.indexOf(": ");
    const path = colon < 0 ? "" : problem.slice(0, colon);
    const text = colon < 0 ? problem : problem.slice(colon + 2);
    const key = fieldKey(path);
    if (!key) rest.push(problem);
    else fieldErrors[key] = fieldErrors[key] ? `${fieldErrors[key]}; ${text}` : text;
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
