import type { AppErrorCode } from "@tengine/core";

/**
 * The CLI's exit codes, documented in docs/cli.md (generated from this table): scripts can
 * tell a wrong command line from a missing record, a conflict or a refusal without parsing
 * messages.
 */
export const EXIT_CODES = [
  { code: 0, name: "ok", meaning: "the command did what it was asked" },
  { code: 1, name: "failed", meaning: "the command ran and failed: invalid input (a tool file, a scope), the database or an upstream unavailable" },
  { code: 2, name: "usage", meaning: "the command line is wrong: unknown command or option, a missing or malformed value, a refused confirmation" },
  { code: 3, name: "not_found", meaning: "the project, tool, run, approval, member or key does not exist (or belongs to another project)" },
  { code: 4, name: "conflict", meaning: "conflicts with the current state: a duplicate name, an approval already decided or expired, the last owner" },
  { code: 5, name: "forbidden", meaning: "refused: the person named with --as lacks the role, or may not decide on their own call" },
] as const;

const BY_APP_ERROR: Partial<Record<AppErrorCode, number>> = { not_found: 3, conflict: 4, forbidden: 5, unauthorized: 5 };

/** The exit code of a domain error (AppError code). */
export function exitCodeOf(code: AppErrorCode): number {
  return BY_APP_ERROR[code] ?? 1;
}
