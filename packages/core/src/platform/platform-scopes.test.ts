import { describe, expect, it } from "vitest";
import { checkToolAccess } from "../execution/authorize-principal.ts";
import type { Principal } from "../principal/principal.ts";
import { assertMayGrantScopes } from "./platform-grants.ts";
import { platformScopesAboveRole, platformScopesForRole } from "./platform-scopes.ts";
import { listPlatformTools } from "./platform-tools.ts";
import { PlatformTool, redactSecrets } from "./platform-tool.ts";

const principal = (scopes: string[] | null): Principal => ({ projectId: "prj_1", projectSlug: "p", kind: "api_key", keyId: "key_1", scopes });
const project = { mcpEnabled: true, requireMember: true };

describe("platform scopes", () => {
  it("are never implied by an empty scope list, and write implies read", () => {
    const tools = new PlatformTool("tools");
    const update = tools.forArgs({ action: "update" });
    expect(update.requiredScopes).toEqual(["platform.tools:write"]);
    expect(tools.forArgs({ action: "get" }).requiredScopes).toEqual(["platform.tools:read"]);
    expect(checkToolAccess(principal(null), project, update)).toMatchObject({ ok: false, code: "insufficient_scope" });
    expect(checkToolAccess(principal(null), project, tools.forArgs({ action: "list" }))).toMatchObject({ ok: false, code: "insufficient_scope" });
    expect(checkToolAccess(principal(["platform.tools:write"]), project, tools.forArgs({ action: "list" }))).toEqual({ ok: true });
    expect(checkToolAccess(principal(["platform.tools:read"]), project, update)).toMatchObject({ ok: false, code: "insufficient_scope", requiredScopes: ["platform.tools:write"] });
  });

  it("follow the dashboard's roles", () => {
    expect(platformScopesForRole("viewer")).not.toContain("platform.tools:write");
    expect(platformScopesForRole("viewer")).toContain("platform.tools:read");
    expect(platformScopesForRole("viewer")).not.toContain("platform.audit:read");
    expect(platformScopesForRole("member")).toEqual(expect.arrayContaining(["platform.tools:write", "platform.keys:write", "platform.approvals:write"]));
    expect(platformScopesForRole("member")).not.toContain("platform.projects:write");
    // The dashboard's MCP servers page lets admins change servers, and members only read them.
    expect(platformScopesForRole("member")).toContain("platform.mcp_servers:read");
    expect(platformScopesForRole("member")).not.toContain("platform.mcp_servers:write");
    expect(platformScopesForRole("admin")).toContain("platform.mcp_servers:write");
    expect(platformScopesForRole("admin")).toEqual(expect.arrayContaining(["platform.projects:write", "platform.audit:read"]));
    expect(platformScopesAboveRole(["items:write", "platform.keys:read", "platform.keys:write"], "viewer")).toEqual(["platform.keys:write"]);
    // A project's own scope that merely starts with "platform." is not a platform scope.
    expect(platformScopesAboveRole(["platform.billing:write"], "viewer")).toEqual([]);
  });

  it("are granted only up to the grantor's role or own scopes", () => {
    expect(() => assertMayGrantScopes(["platform.projects:write"], { role: "member" })).toThrow(/your role \(member\) cannot grant platform.projects:write/);
    expect(() => assertMayGrantScopes(["platform.tools:read", "contacts:write"], { role: "viewer" })).not.toThrow();
    expect(() => assertMayGrantScopes(["platform.keys:read"], { scopes: ["platform.keys:write"] })).not.toThrow();
    expect(() => assertMayGrantScopes(["platform.members:read"], { scopes: ["platform.keys:write"] })).toThrow(/cannot grant platform.members:read/);
  });

  it("tools/list offers only the families and actions the scopes allow", () => {
    expect(listPlatformTools("project", null)).toEqual([]);
    const listed = listPlatformTools("project", ["platform.tools:read", "platform.keys:write", "platform.members:read"]);
    expect(listed.map((t) => t.name)).toEqual(["tengine.platform/tools", "tengine.platform/keys"]);
    expect((listed[0]!.inputSchema.properties as any).action.enum).toEqual(["list", "get"]);
    expect((listed[1]!.inputSchema.properties as any).action.enum).toEqual(["list", "create", "revoke"]);
    expect(listPlatformTools("org", ["platform.members:read"]).map((t) => t.name)).toEqual(["tengine.platform/members"]);
  });

  it("recorded arguments keep no header or credential value of an MCP server", () => {
    const add = { action: "add", data: { name: "docs", url: "https://mcp.example.com/mcp", headers: { Authorization: "Bearer abc" }, credentials: { API_KEY: "xyz" } } };
    expect(new PlatformTool("mcp_servers").forArgs(add).recordedArguments(add)).toEqual({
      action: "add",
      data: { name: "docs", url: "https://mcp.example.com/mcp", headers: { Authorization: "[redacted]" }, credentials: { API_KEY: "[redacted]" } },
    });
    // A server's view lists its credentials (keys, whether set) as an array: nothing to hide there.
    expect(redactSecrets({ credentials: [{ secret: true, set: true }] })).toEqual({ credentials: [{ secret: true, set: true }] });
  });

  it("arguments name what is allowed", () => {
    const { validate } = new PlatformTool("keys");
    expect(validate({ action: "revoke", id: "key_1" })).toBe(true);
    expect(validate({ action: "rotate" })).toBe(false);
    expect(validate.errors!.map((e) => e.message)).toEqual(["must be one of: list, create, revoke"]);
    expect(validate({ action: "list", subresource: "x", extra: 1 })).toBe(false);
    expect(validate.errors!.map((e) => e.message)).toEqual(["must not have property 'extra' (allowed: action, subresource, id, project_id, filters, data)", "action list takes no subresource"]);
  });
});
