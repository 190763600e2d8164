import { PreparedTool } from "../runtime/prepared-tool.ts";
import { describeValidationErrors } from "../validation/json-schema.ts";
import type { CallableTool } from "./callable-tool.ts";
import type { Execution } from "./tool-kind.ts";
import { toolError } from "./tool-result.ts";

/**
 * A tool that declares an outputSchema promises clients a structured result of that shape.
 * A successful answer without `structuredContent`, or with one that does not match, becomes a
 * tool error naming the problem (never a silent pass); the run records it as failed. The
 * upstream did act, so the idempotency key settles as it would have.
 */
export function checkStructuredOutput(tool: CallableTool, execution: Execution): Execution {
  const validate = tool instanceof PreparedTool ? tool.validateOutput : null;
  if (!validate || execution.result.isError) return execution;
  const structured = execution.result.structuredContent;
  const problem =
    structured === undefined
      ? "the answer has no structured content (the upstream must answer a JSON object)"
      : validate(structured)
        ? undefined
        : describeValidationErrors(validate.errors).join("; ");
  if (problem === undefined) return execution;
  const message = `Tool ${tool.name} returned a result that does not match its outputSchema: ${problem}`;
  const result = toolError(message);
  return { ...execution, status: "failed", result, run: { ...execution.run, error: message }, failure: "invalid_output", replay: result };
}
