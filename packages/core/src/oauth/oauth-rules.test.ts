import { describe, expect, it } from "vitest";
import { redirectUriAllowed, scopesWithinCeiling, splitScopeParam } from "./oauth-policy.ts";
import { redirectUriProblem } from "./register-client.ts";

describe("redirect URIs at registration", () => {
  it.each(["https://app.example.com/cb", "http://localhost:3118/callback", "http://127.0.0.1:9000/cb", "http://[::1]:9000/cb", "cursor://anysphere.cursor-retrieval/oauth/callback", "com.example.app:/oauth2redirect"])("accepts %s", (uri) => {
    expect(redirectUriProblem(uri)).toBeNull();
  });

  it.each([
    ["http://app.example.com/cb", /non-loopback/],
    ["https://app.example.com/cb#x", /fragment/],
    ["https://a:b@app.example.com/cb", /user information/],
    ["javascript:alert(1)", /forbidden scheme/],
    ["data:text/html,hi", /forbidden scheme/],
    ["file:///etc/passwd", /forbidden scheme/],
    ["cb", /not an absolute URI/],
  ])("refuses %s", (uri, problem) => {
    expect(redirectUriProblem(uri)).toMatch(problem);
  });
});

describe("policy rules", () => {
  it("matches redirect URIs exactly, both for the client and the project", () => {
    const policy = { oauthRedirectUris: ["http://localhost:3118/callback"] };
    expect(redirectUriAllowed(policy, ["http://localhost:3118/callback"], "http://localhost:3118/callback")).toBe(true);
    expect(redirectUriAllowed(policy, ["http://localhost:3118/callback/"], "http://localhost:3118/callback/")).toBe(false);
    expect(redirectUriAllowed(policy, [], "http://localhost:3118/callback")).toBe(false);
  });

  it("write in the ceiling covers read, not the other way round", () => {
    expect(scopesWithinCeiling(["contacts:read"], ["contacts:write"])).toBe(true);
    expect(scopesWithinCeiling(["contacts:write"], ["contacts:read"])).toBe(false);
    expect(scopesWithinCeiling([], [])).toBe(true);
    expect(splitScopeParam(" a:read  b:write a:read ")).toEqual(["a:read", "b:write"]);
  });
});
