import { decideAuthorization, getAuthorizationRequest } from "@tengine/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { approve, authorize, authorizeParams, consentRequestId, createUser, pkce, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";
import { startWorld } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let other: Awaited<ReturnType<World["createProjectWithKey"]>>;
let clientId: string;
let userId: string;
const ISSUER = "http://gateway.test";
let resource: string;

beforeAll(async () => {
  world = await startWorld("oauthauthz");
  p = await world.createProjectWithKey("Authorize");
  other = await world.createProjectWithKey("Other");
  resource = `${ISSUER}/p/${p.project.slug}/mcp`;
  await setPolicy(world, p.project.id, { redirectUris: [REDIRECT, "https://good.example.com/cb"], scopes: ["contacts:read", "contacts:write", "deals:read"] });
  clientId = await registerPublic(world.base, [REDIRECT, "https://good.example.com/cb", "http://localhost:3118/callback/", "http://localhost:3119/callback", "http://LOCALHOST:3118/callback", "http://localhost:3118/callback?x=1"]);
  userId = await createUser(world);
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const { challenge } = pkce();

/** A refused request: an HTML page with the exact message, and no redirect anywhere. */
function expectPage(res: Awaited<ReturnType<typeof authorize>>, message: string) {
  expect(res.status).toBeGreaterThanOrEqual(400);
  expect(res.location).toBeNull();
  expect(res.headers.get("content-type")).toMatch(/^text\/html/);
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.text).toContain(`<h1 id="error">${message}</h1>`);
  expect(res.text).not.toContain("evil");
}

describe("GET /oauth/authorize: refusals shown on a page, never redirected", () => {
  it.each([
    ["trailing slash", "http://localhost:3118/callback/"],
    ["other port", "http://localhost:3119/callback"],
    ["case", "http://LOCALHOST:3118/callback"],
    ["extra query", "http://localhost:3118/callback?x=1"],
    ["userinfo trick", "https://good.example.com@evil.example.com/cb"],
    ["unregistered host", "https://evil.example.com/cb"],
  ])("redirect_uri variant (%s) → `redirect_uri is not allowed`", async (_name, redirectUri) => {
    // the first four are registered for the client but not on the project's allowlist
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge, redirectUri }));
    expectPage(res, "redirect_uri is not allowed");
  });

  it("a URI on the allowlist but not registered for the client is refused too", async () => {
    const narrow = await registerPublic(world.base, ["http://127.0.0.1:9999/cb"]);
    const res = await authorize(world.base, authorizeParams({ clientId: narrow, resource, challenge }));
    expectPage(res, "redirect_uri is not allowed");
  });

  it("a client not on the project's allowlist → `OAuth client_id is not allowed`", async () => {
    const pinned = await registerPublic(world.base);
    await setPolicy(world, other.project.id, { redirectUris: [REDIRECT], clientIds: [pinned], scopes: ["contacts:read"] });
    const otherResource = `${ISSUER}/p/${other.project.slug}/mcp`;
    expectPage(await authorize(world.base, authorizeParams({ clientId, resource: otherResource, challenge })), "OAuth client_id is not allowed");
    const ok = await authorize(world.base, authorizeParams({ clientId: pinned, resource: otherResource, challenge }));
    expect(ok.status).toBe(302);
  });

  it("an unknown client is refused on a page", async () => {
    expectPage(await authorize(world.base, authorizeParams({ clientId: "cli_00000000000000000000000000", resource, challenge })), "OAuth client_id is not allowed");
  });

  it("scopes above the ceiling → `Requested scopes are not allowed`", async () => {
    expectPage(await authorize(world.base, authorizeParams({ clientId, resource, challenge, scope: "contacts:read deals:write" })), "Requested scopes are not allowed");
    expectPage(await authorize(world.base, authorizeParams({ clientId, resource, challenge, scope: "admin" })), "Requested scopes are not allowed");
  });

  it("MCP disabled → `MCP is disabled for this project`", async () => {
    await setPolicy(world, p.project.id, { mcpEnabled: false });
    try {
      expectPage(await authorize(world.base, authorizeParams({ clientId, resource, challenge })), "MCP is disabled for this project");
    } finally {
      await setPolicy(world, p.project.id, { mcpEnabled: true });
    }
  });

  it("a missing or foreign resource is refused on a page", async () => {
    const missing = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), resource: undefined });
    expect(missing.status).toBe(400);
    expect(missing.location).toBeNull();
    expect(missing.text).toContain("resource is missing");
    const foreign = await authorize(world.base, authorizeParams({ clientId, resource: "https://evil.example.com/p/x/mcp", challenge }));
    expect(foreign.status).toBe(400);
    expect(foreign.location).toBeNull();
  });

  it("a repeated redirect_uri is refused on a page", async () => {
    const url = new URL(`${world.base}/oauth/authorize`);
    for (const [k, v] of Object.entries(authorizeParams({ clientId, resource, challenge }))) url.searchParams.set(k, v);
    url.searchParams.append("redirect_uri", "https://evil.example.com/cb");
    const res = await fetch(url, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(res.headers.get("location")).toBeNull();
  });
});

describe("GET /oauth/authorize: protocol errors go back to the verified redirect URI with iss", () => {
  const errorOf = (location: string | null) => {
    const url = new URL(location!);
    expect(`${url.origin}${url.pathname}`).toBe(REDIRECT);
    return Object.fromEntries(url.searchParams);
  };

  it("PKCE missing", async () => {
    const res = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), code_challenge: undefined, code_challenge_method: undefined });
    expect(res.status).toBe(302);
    expect(errorOf(res.location)).toMatchObject({ error: "invalid_request", error_description: "code_challenge is required (PKCE with S256)", state: "st-123", iss: ISSUER });
  });

  it("PKCE plain refused", async () => {
    const res = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), code_challenge_method: "plain" });
    expect(errorOf(res.location)).toMatchObject({ error: "invalid_request", iss: ISSUER });
    expect(errorOf(res.location).error_description).toMatch(/plain is not supported: use S256/);
  });

  it("code_challenge_method missing is refused (plain is the RFC 7636 default)", async () => {
    const res = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), code_challenge_method: undefined });
    expect(errorOf(res.location)).toMatchObject({ error: "invalid_request", error_description: "code_challenge_method is required: S256" });
  });

  it("response_type other than code", async () => {
    const res = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge }), response_type: "token" });
    expect(errorOf(res.location)).toMatchObject({ error: "unsupported_response_type", iss: ISSUER });
  });
});

describe("consent hand-off", () => {
  it("stores the request and sends the browser to the dashboard's consent page", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge, scope: "contacts:read" }), "/authorize");
    expect(res.status).toBe(302);
    expect(res.location).toMatch(/^http:\/\/localhost:3000\/oauth\/consent\?request=[A-Za-z0-9_-]{43}$/);
    const view = await getAuthorizationRequest(world.db, consentRequestId(res.location));
    expect(view).toMatchObject({
      project: { id: p.project.id, slug: p.project.slug, name: "Authorize", orgId: world.org.id },
      client: { id: clientId, name: "Test client", clientUri: null },
      redirectUri: REDIRECT,
      redirectHost: "localhost:3118",
      scopes: ["contacts:read"],
    });
  });

  it("no scope requested → the whole current ceiling", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge }));
    const view = await getAuthorizationRequest(world.db, consentRequestId(res.location));
    expect(view!.scopes).toEqual(["contacts:read", "contacts:write", "deals:read"]);
  });

  it("approve a subset: a code with state and iss; the request cannot be decided twice", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge }));
    const requestId = consentRequestId(res.location);
    const { code, redirect } = await approve(world, requestId, userId, ["contacts:read"]);
    expect(code).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(redirect.searchParams.get("state")).toBe("st-123");
    expect(redirect.searchParams.get("iss")).toBe(ISSUER);
    const connection = await world.db.oAuthConnection.findFirstOrThrow({ where: { projectId: p.project.id, userId }, orderBy: { id: "desc" } });
    expect(connection.scopes).toEqual(["contacts:read"]);
    expect(await getAuthorizationRequest(world.db, requestId)).toBeNull();
    await expect(approve(world, requestId, userId)).rejects.toThrow(/unknown, has expired or was already answered/);
  });

  it("deny → access_denied to the client", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge }));
    const { redirectTo } = await decideAuthorization(world.db, { requestId: consentRequestId(res.location), userId, decision: "deny", issuer: ISSUER });
    const url = new URL(redirectTo);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({ error: "access_denied", state: "st-123", iss: ISSUER });
    expect(url.searchParams.get("code")).toBeNull();
  });

  it("refuses scopes outside the request, an empty approval, and a non-member", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge, scope: "contacts:read" }));
    const requestId = consentRequestId(res.location);
    await expect(approve(world, requestId, userId, ["contacts:write"])).rejects.toThrow("Scopes not in this request: contacts:write");
    await expect(approve(world, requestId, userId, [])).rejects.toThrow(/at least one scope/);
    await world.db.user.create({ data: { id: "usr_outsider0000000000000000000", email: "outsider@example.test" } });
    await expect(approve(world, requestId, "usr_outsider0000000000000000000")).rejects.toThrow(/not a member/);
  });

  it("refusals carry a reason code for the consent page, not only a message", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge, scope: "contacts:read" }));
    const requestId = consentRequestId(res.location);
    await expect(approve(world, requestId, userId, [])).rejects.toMatchObject({ code: "bad_request", reason: "no_scope_approved" });
    await setPolicy(world, p.project.id, { scopes: ["deals:read"] });
    try {
      await expect(approve(world, requestId, userId)).rejects.toMatchObject({ code: "forbidden", reason: "scopes_not_allowed" });
      await setPolicy(world, p.project.id, { mcpEnabled: false });
      await expect(approve(world, requestId, userId)).rejects.toMatchObject({ code: "forbidden", reason: "mcp_disabled" });
    } finally {
      await setPolicy(world, p.project.id, { mcpEnabled: true, scopes: ["contacts:read", "contacts:write", "deals:read"] });
    }
  });

  it("an expired request is gone", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge }));
    const requestId = consentRequestId(res.location);
    const later = new Date(Date.now() + 11 * 60_000);
    expect(await getAuthorizationRequest(world.db, requestId, { now: later })).toBeNull();
    await expect(decideAuthorization(world.db, { requestId, userId, decision: "approve", issuer: ISSUER, now: later })).rejects.toThrow(/expired/);
  });

  it("re-checks the policy at decision time", async () => {
    const res = await authorize(world.base, authorizeParams({ clientId, resource, challenge }));
    const requestId = consentRequestId(res.location);
    await setPolicy(world, p.project.id, { scopes: ["contacts:read"] });
    try {
      await expect(approve(world, requestId, userId)).rejects.toThrow("Requested scopes are not allowed");
    } finally {
      await setPolicy(world, p.project.id, { scopes: ["contacts:read", "contacts:write", "deals:read"] });
    }
  });
});
