import { describe, expect, it } from "vitest";
import { approvalRequired } from "./approval-policy.ts";

const tool = (over: { requiresApproval?: boolean; readOnly?: boolean; destructive?: boolean } = {}) => ({
  requiresApproval: over.requiresApproval ?? false,
  readOnly: over.readOnly ?? false,
  listed: { name: "t", description: "", inputSchema: {}, ...(over.destructive !== undefined ? { annotations: { destructiveHint: over.destructive } } : {}) },
});

describe("approvalRequired", () => {
  it("always for tools marked requiresApproval, read-only or not", () => {
    for (const policy of ["none", "destructive", "non_read_only"] as const) {
      expect(approvalRequired(tool({ requiresApproval: true, readOnly: true }), policy)).toBe(true);
    }
  });

  it("none: nothing else", () => {
    expect(approvalRequired(tool({ destructive: true }), "none")).toBe(false);
    expect(approvalRequired(tool(), "none")).toBe(false);
  });

  it("destructive: only tools annotated destructiveHint true", () => {
    expect(approvalRequired(tool({ destructive: true }), "destructive")).toBe(true);
    expect(approvalRequired(tool({ destructive: false }), "destructive")).toBe(false);
    expect(approvalRequired(tool(), "destructive")).toBe(false);
  });

  it("non_read_only: every tool not annotated readOnlyHint true", () => {
    expect(approvalRequired(tool(), "non_read_only")).toBe(true);
    expect(approvalRequired(tool({ destructive: false }), "non_read_only")).toBe(true);
    expect(approvalRequired(tool({ readOnly: true }), "non_read_only")).toBe(false);
  });
});
