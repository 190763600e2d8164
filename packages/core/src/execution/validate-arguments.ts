import type { CallableTool } from "./callable-tool.ts";
import { describeValidationErrors } from "../validation/json-schema.ts";
import { failed, type StepResult } from "./call-failure.ts";

/** The validate step: the arguments against the tool's input schema (ajv, compiled once per tool version). */
export function validateArguments(tool: CallableTool, args: unknown): StepResult<unknown> {
  if (tool.validate(args)) return { ok: true, value: args };
  const problems = describeValidationErrors(tool.validate.errors);
  return failed("invalid_arguments", `Invalid arguments for tool ${tool.name}: ${problems.join("; ")}`, "failed", { problems });
}

/** How deep arguments may nest; deeper input is refused before anything walks it recursively. */
export const MAX_ARGUMENT_DEPTH = 64;

/**
 * Whether arguments nest deeper than {@link MAX_ARGUMENT_DEPTH} levels, checked without
 * recursion: thousands of levels would otherwise overflow the stack of every recursive step
 * after it (validation, canonical JSON, redaction, the run's JSONB column).
 */
export function argumentDepthProblem(args: unknown): string | undefined {
  const stack: Array<[unknown, number]> = [[args, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== "object") continue;
    if (depth > MAX_ARGUMENT_DEPTH) return `arguments are nested deeper than ${MAX_ARGUMENT_DEPTH} levels`;
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
    }
  }
  return undefined;
}
