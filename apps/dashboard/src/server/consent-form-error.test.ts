import { AppError, OAUTH_MESSAGES } from "@tengine/core";
import { describe, expect, it } from "vitest";
import { consentFormError } from "./consent-form-error.ts";

describe("consentFormError", () => {
  it("names the policy that refused, by reason code", () => {
    expect(consentFormError(new AppError("forbidden", OAUTH_MESSAGES.mcpDisabled, { reason: "mcp_disabled" }))).toBe("mcp_disabled");
    expect(consentFormError(new AppError("forbidden", OAUTH_MESSAGES.redirectUri, { reason: "redirect_uri_not_allowed" }))).toBe("redirect_uri");
    expect(consentFormError(new AppError("forbidden", OAUTH_MESSAGES.clientId, { reason: "client_not_allowed" }))).toBe("client_id");
    expect(consentFormError(new AppError("forbidden", OAUTH_MESSAGES.scopes, { reason: "scopes_not_allowed" }))).toBe("policy_scopes");
    expect(consentFormError(new AppError("bad_request", "Approve at least one scope, or deny the request", { reason: "no_scope_approved" }))).toBe("no_scope");
    expect(consentFormError(new AppError("forbidden", "your role (viewer) cannot grant platform.keys:write", { reason: "scopes_above_role" }))).toBe("role_scopes");
  });

  it("does not read the message: the same words without a reason are a generic refusal", () => {
    expect(consentFormError(new AppError("forbidden", OAUTH_MESSAGES.mcpDisabled))).toBe("forbidden");
    expect(consentFormError(new AppError("bad_request", "Scopes not in this request: contacts:write"))).toBe("scopes");
    expect(consentFormError(new AppError("unavailable", "down"))).toBe("failed");
  });
});
