import type { CallableTool } from "./callable-tool.ts";
import { describeValidationErrors } from "../validation/json-schema.ts";
import { failed, type StepResult } from "./call-failure.ts";

/** The validate step: the arguments against the tool's input schema (ajv, compiled once per tool version). */
export function validateArguments(tool: CallableTool, args: unknown): StepResult<unknown> {
  if (tool.validate(args)) return { ok: true, value: args };
  const problems = describeValidationErrors(tool.validate.errors);
  return failed("invalid_arguments", `Invalid arguments for tool ${tool.name}: ${problems.join("; ")}`, "failed", { problems });
}
