import { CommanderError } from "commander";
import { isAppError } from "@tengine/core";
import { exitCodeOf } from "./framework/exit-codes.ts";
import { UsageError } from "./usage-error.ts";

/** commander's "errors" that are really help or version output, already printed. */
const INFO_CODES = new Set(["commander.helpDisplayed", "commander.help", "commander.version"]);

/**
 * Prints a failed command as one line on stderr (`{"error","message"}` with --json) and returns
 * the exit code (framework/exit-codes.ts): 2 when the command line is wrong, 3 not found,
 * 4 conflict, 5 refused, 1 any other failure. Never a stack trace or a schema dump.
 */
export function reportError(error: unknown, json: boolean): number {
  if (error instanceof CommanderError) {
    if (INFO_CODES.has(error.code)) return error.exitCode;
    // commander's messages start with "error: " (ours add it back) and put "Did you mean …?" on a line of its own.
    return say(json, "usage", error.message.replace(/^error:\s*/, "").replace(/\s*\n\s*/g, " ").trim(), 2);
  }
  if (error instanceof UsageError) return say(json, "usage", error.message, 2);
  if (isAppError(error)) return say(json, error.code, error.message, exitCodeOf(error.code));
  if (error instanceof Error && error.name === "ZodError" && Array.isArray((error as { issues?: unknown }).issues)) {
    const issues = (error as unknown as { issues: Array<{ path: PropertyKey[]; message: string }> }).issues;
    return say(json, "bad_request", issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message)).join("; "), 1);
  }
  return say(json, "internal", error instanceof Error ? error.message : String(error), 1);
}

function say(json: boolean, code: string, message: string, exitCode: number): number {
  process.stderr.write(json ? `${JSON.stringify({ error: code, message })}\n` : `error: ${message}\n`);
  return exitCode;
}
