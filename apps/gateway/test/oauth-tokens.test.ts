import { createHash } from "node:crypto";
import { requestStepUp } from "@tengine/core";
import { decodeJwt, decodeProtectedHeader } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, obtainCode, obtainTokens, REDIRECT, register, registerPublic, setPolicy, startClockedGateway, token } from "./oauth-helpers.ts";
import { rpc, startWorld } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let clocked: Awaited<ReturnType<typeof startClockedGateway>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let clientId: string;
let userId: string;
const ISSUER = "http://gateway.test";
let resource: string;
const CEILING = ["contacts:read", "contacts:write", "deals:read"];

beforeAll(async () => {
  world = await startWorld("oauthtok");
  clocked = await startClockedGateway(world);
  p = await world.createProjectWithKey("Tokens");
  resource = `${ISSUER}/p/${p.project.slug}/mcp`;
  await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes: CEILING });
  clientId = await registerPublic(world.base);
  userId = await createUser(world);
}, 60_000);

afterAll(async () => {
  await clocked?.close();
  await world?.close();
});

const list = (accessToken: string) => rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" }, { authorization: `Bearer ${accessToken}` });
const connectionOf = (accessToken: string) => decodeJwt(accessToken).cid as string;

describe("authorization_code grant", () => {
  it("issues an audience-bound ES256 at+jwt and an opaque refresh token; no-store", async () => {
    const { code, verifier } = await obtainCode(world, { base: world.base, clientId, resource, userId, scope: "contacts:read deals:read" });
    const res = await token(world.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId, resource });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.json).toMatchObject({ token_type: "Bearer", scope: "contacts:read deals:read" });
    expect(res.json.expires_in).toBeLessThanOrEqual(900);
    expect(res.json.refresh_token).toMatch(/^tng_rt_[A-Za-z0-9_-]{43}$/);
    expect(decodeProtectedHeader(res.json.access_token)).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    const claims = decodeJwt(res.json.access_token);
    expect(claims).toMatchObject({ iss: ISSUER, aud: resource, sub: userId, client_id: clientId, scope: "contacts:read deals:read" });
    expect(claims.cid).toMatch(/^conn_/);
    expect(claims.exp! - claims.iat!).toBeLessThanOrEqual(900);
    expect(typeof claims.jti).toBe("string");
    const stored = await world.db.oAuthRefreshToken.findFirstOrThrow({ where: { connectionId: claims.cid as string } });
    expect(stored.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(res.json.refresh_token);
    expect((await list(res.json.access_token)).status).toBe(200);
  });

  it("PKCE: a wrong verifier is invalid_grant", async () => {
    const { code } = await obtainCode(world, { base: world.base, clientId, resource, userId });
    const res = await token(world.base, { grant_type: "authorization_code", code, code_verifier: "x".repeat(43), redirect_uri: REDIRECT, client_id: clientId });
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "invalid_grant", error_description: "code_verifier does not match the code_challenge" });
  });

  it("PKCE: a missing verifier is invalid_request", async () => {
    const { code } = await obtainCode(world, { base: world.base, clientId, resource, userId });
    const res = await token(world.base, { grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: clientId });
    expect(res.json).toMatchObject({ error: "invalid_request", error_description: "code_verifier is required (PKCE)" });
  });

  it("PKCE: a verifier without a challenge gets nothing — authorize refuses a request without one, so no code exists", async () => {
    const { authorize, authorizeParams } = await import("./oauth-helpers.ts");
    const res = await authorize(world.base, { ...authorizeParams({ clientId, resource, challenge: "unused" }), code_challenge: undefined, code_challenge_method: undefined });
    const back = new URL(res.location!);
    expect(back.searchParams.get("code")).toBeNull();
    expect(back.searchParams.get("error")).toBe("invalid_request");
    const tok = await token(world.base, { grant_type: "authorization_code", code: "made-up-code", code_verifier: "v".repeat(43), redirect_uri: REDIRECT, client_id: clientId });
    expect(tok.json).toMatchObject({ error: "invalid_grant", error_description: "The authorization code is invalid" });
  });

  it("binds the code to its redirect URI and client", async () => {
    const { code, verifier } = await obtainCode(world, { base: world.base, clientId, resource, userId });
    const otherClient = await registerPublic(world.base);
    const wrongClient = await token(world.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: otherClient });
    expect(wrongClient.json).toMatchObject({ error: "invalid_grant", error_description: "The authorization code was issued to another client" });
    const again = await obtainCode(world, { base: world.base, clientId, resource, userId });
    const wrongRedirect = await token(world.base, { grant_type: "authorization_code", code: again.code, code_verifier: again.verifier, redirect_uri: "http://localhost:3118/other", client_id: clientId });
    expect(wrongRedirect.json).toMatchObject({ error: "invalid_grant", error_description: "redirect_uri does not match the authorization request" });
  });

  it("code replay: the second redemption fails and revokes what the first issued", async () => {
    const { code, verifier } = await obtainCode(world, { base: world.base, clientId, resource, userId });
    const form = { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId };
    const first = await token(world.base, form);
    expect(first.status).toBe(200);
    expect((await list(first.json.access_token)).status).toBe(200);
    const second = await token(world.base, form);
    expect(second.status).toBe(400);
    expect(second.json.error).toBe("invalid_grant");
    const after = await list(first.json.access_token);
    expect(after.status).toBe(401);
    expect(after.json.error.message).toBe("Unauthorized: Token validation failed");
    const refresh = await token(world.base, { grant_type: "refresh_token", refresh_token: first.json.refresh_token, client_id: clientId });
    expect(refresh.json.error).toBe("invalid_grant");
    const connection = await world.db.oAuthConnection.findUniqueOrThrow({ where: { id: connectionOf(first.json.access_token) } });
    expect(connection.revokedReason).toBe("code_replay");
    const audit = await world.db.auditLog.findFirst({ where: { targetId: connection.id, action: "oauth_connection.revoke" } });
    expect(audit?.details).toMatchObject({ reason: "code_replay", userId, clientId });
  });

  it("a leaked code with the wrong client, redirect URI or verifier burns nothing and revokes nothing", async () => {
    const { code, verifier } = await obtainCode(world, { base: world.base, clientId, resource, userId });
    const otherClient = await registerPublic(world.base);
    const good = { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId };
    const attempts = [
      { ...good, client_id: otherClient },
      { ...good, redirect_uri: "http://localhost:3118/other" },
      { ...good, code_verifier: "x".repeat(43) },
    ];
    for (const form of attempts) {
      const res = await token(world.base, form);
      expect(res.json.error).toBe("invalid_grant");
    }
    const stored = await world.db.oAuthCode.findUniqueOrThrow({ where: { codeHash: createHash("sha256").update(code).digest("hex") } });
    expect(stored.usedAt).toBeNull();

    // The rightful client still redeems it, and an attacker replaying it afterwards without the
    // verifier cannot end the victim's connection.
    const first = await token(world.base, good);
    expect(first.status).toBe(200);
    for (const form of attempts) expect((await token(world.base, form)).json.error).toBe("invalid_grant");
    const connection = await world.db.oAuthConnection.findUniqueOrThrow({ where: { id: connectionOf(first.json.access_token) } });
    expect(connection.revokedAt).toBeNull();
    expect((await list(first.json.access_token)).status).toBe(200);
  });

  it("codes expire (5 min): the clock moves, no sleeping", async () => {
    clocked.clock.now = Date.now();
    const { code, verifier } = await obtainCode(world, { base: clocked.base, clientId, resource, userId });
    clocked.clock.now += 5 * 60_000 + 1000;
    const res = await token(clocked.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId });
    expect(res.json).toEqual({ error: "invalid_grant", error_description: "The authorization code expired; authorize again" });
    clocked.clock.now = Date.now();
  });

  it("scopes above the ceiling at the token endpoint: the policy was lowered after consent", async () => {
    const { code, verifier } = await obtainCode(world, { base: world.base, clientId, resource, userId, scope: "contacts:write" });
    await setPolicy(world, p.project.id, { scopes: ["contacts:read"] });
    try {
      const res = await token(world.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: clientId });
      expect(res.json).toEqual({ error: "invalid_scope", error_description: "Requested scopes are not allowed" });
    } finally {
      await setPolicy(world, p.project.id, { scopes: CEILING });
    }
    const again = await obtainCode(world, { base: world.base, clientId, resource, userId, scope: "contacts:read" });
    const wider = await token(world.base, { grant_type: "authorization_code", code: again.code, code_verifier: again.verifier, redirect_uri: REDIRECT, client_id: clientId, scope: "contacts:read deals:read" });
    expect(wider.json).toEqual({ error: "invalid_scope", error_description: "Requested scopes are not allowed" });
  });

  it("a confidential client must authenticate (Basic or body); a wrong secret is 401 invalid_client", async () => {
    const reg = await register(world.base, { client_name: "Confidential", redirect_uris: [REDIRECT] });
    const { client_id: id, client_secret: secret } = reg.json;
    const basic = (s: string) => ({ authorization: `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(s)}`).toString("base64")}` });

    const a = await obtainCode(world, { base: world.base, clientId: id, resource, userId });
    const bad = await token(world.base, { grant_type: "authorization_code", code: a.code, code_verifier: a.verifier, redirect_uri: REDIRECT }, basic("tng_cs_wrong"));
    expect(bad.status).toBe(401);
    expect(bad.json.error).toBe("invalid_client");
    expect(bad.headers.get("www-authenticate")).toMatch(/^Basic/);

    const b = await obtainCode(world, { base: world.base, clientId: id, resource, userId });
    const none = await token(world.base, { grant_type: "authorization_code", code: b.code, code_verifier: b.verifier, redirect_uri: REDIRECT, client_id: id });
    expect(none.status).toBe(401);

    const c = await obtainCode(world, { base: world.base, clientId: id, resource, userId });
    const ok = await token(world.base, { grant_type: "authorization_code", code: c.code, code_verifier: c.verifier, redirect_uri: REDIRECT }, basic(secret));
    expect(ok.status).toBe(200);
    const viaPost = await token(world.base, { grant_type: "refresh_token", refresh_token: ok.json.refresh_token, client_id: id, client_secret: secret });
    expect(viaPost.status).toBe(200);
  });

  it("answers RFC 6749 errors for bad requests", async () => {
    expect((await token(world.base, { grant_type: "client_credentials", client_id: clientId })).json.error).toBe("unsupported_grant_type");
    expect((await token(world.base, { client_id: clientId })).json.error).toBe("invalid_request");
    const json = await fetch(`${world.base}/oauth/token`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(json.status).toBe(400);
    expect(await json.json()).toMatchObject({ error: "invalid_request" });
  });
});

describe("refresh_token grant", () => {
  it("rotates on every use; the new pair works", async () => {
    const first = await obtainTokens(world, { base: world.base, clientId, resource, userId });
    const second = await token(world.base, { grant_type: "refresh_token", refresh_token: first.refresh_token, client_id: clientId });
    expect(second.status).toBe(200);
    expect(second.json.refresh_token).not.toBe(first.refresh_token);
    expect(second.json.scope).toBe(CEILING.join(" "));
    expect(connectionOf(second.json.access_token)).toBe(connectionOf(first.access_token));
    const third = await token(world.base, { grant_type: "refresh_token", refresh_token: second.json.refresh_token, client_id: clientId });
    expect(third.status).toBe(200);
    expect((await list(third.json.access_token)).status).toBe(200);
    const chain = await world.db.oAuthRefreshToken.findMany({ where: { connectionId: connectionOf(first.access_token) }, orderBy: { createdAt: "asc" } });
    expect(chain).toHaveLength(3);
    expect(chain[1]!.parentId).toBe(chain[0]!.id);
    expect(chain.filter((t) => t.rotatedAt === null)).toHaveLength(1);
  });

  it("scope may only shrink; above the grant or the current ceiling is invalid_scope and burns nothing", async () => {
    const t = await obtainTokens(world, { base: world.base, clientId, resource, userId, scope: "contacts:read deals:read" });
    const wider = await token(world.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId, scope: "contacts:write" });
    expect(wider.json).toEqual({ error: "invalid_scope", error_description: "Requested scopes are not allowed" });
    const narrower = await token(world.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId, scope: "deals:read" });
    expect(narrower.status).toBe(200);
    expect(narrower.json.scope).toBe("deals:read");
    expect(decodeJwt(narrower.json.access_token).scope).toBe("deals:read");
    const back = await token(world.base, { grant_type: "refresh_token", refresh_token: narrower.json.refresh_token, client_id: clientId, scope: "contacts:read deals:read" });
    expect(back.json.error).toBe("invalid_scope");

    await setPolicy(world, p.project.id, { scopes: ["contacts:read"] });
    try {
      const above = await token(world.base, { grant_type: "refresh_token", refresh_token: narrower.json.refresh_token, client_id: clientId });
      expect(above.json).toEqual({ error: "invalid_scope", error_description: "Requested scopes are not allowed" });
    } finally {
      await setPolicy(world, p.project.id, { scopes: CEILING });
    }
    // refused requests did not rotate the token
    expect((await token(world.base, { grant_type: "refresh_token", refresh_token: narrower.json.refresh_token, client_id: clientId })).status).toBe(200);
  });

  it("another client's refresh token is invalid_grant", async () => {
    const t = await obtainTokens(world, { base: world.base, clientId, resource, userId });
    const thief = await registerPublic(world.base);
    const res = await token(world.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: thief });
    expect(res.json).toEqual({ error: "invalid_grant", error_description: "The refresh token is invalid" });
  });

  it("reuse inside the grace window (10 s): invalid_grant, the active chain is kept", async () => {
    clocked.clock.now = Date.now();
    const t = await obtainTokens(world, { base: clocked.base, clientId, resource, userId });
    const rotated = await token(clocked.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId });
    expect(rotated.status).toBe(200);
    clocked.clock.now += 9_000;
    const race = await token(clocked.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId });
    expect(race.json.error).toBe("invalid_grant");
    expect(race.json.error_description).toMatch(/concurrent refresh/);
    const next = await token(clocked.base, { grant_type: "refresh_token", refresh_token: rotated.json.refresh_token, client_id: clientId });
    expect(next.status).toBe(200);
    expect((await list(next.json.access_token)).status).toBe(200);
  });

  it("reuse after the grace window: invalid_grant and the whole connection is revoked", async () => {
    clocked.clock.now = Date.now();
    const t = await obtainTokens(world, { base: clocked.base, clientId, resource, userId });
    const rotated = await token(clocked.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId });
    clocked.clock.now += 11_000;
    const reuse = await token(clocked.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId });
    expect(reuse.json.error).toBe("invalid_grant");
    expect(reuse.json.error_description).toMatch(/connection is revoked/);
    const next = await token(clocked.base, { grant_type: "refresh_token", refresh_token: rotated.json.refresh_token, client_id: clientId });
    expect(next.json.error).toBe("invalid_grant");
    clocked.clock.now = Date.now();
    const call = await list(rotated.json.access_token);
    expect(call.status).toBe(401);
    expect(call.json.error.message).toBe("Unauthorized: Token validation failed");
    const connection = await world.db.oAuthConnection.findUniqueOrThrow({ where: { id: connectionOf(t.access_token) } });
    expect(connection.revokedReason).toBe("refresh_reuse");
  });

  it("concurrent refreshes of one token: exactly one wins, the chain survives", async () => {
    const t = await obtainTokens(world, { base: world.base, clientId, resource, userId });
    const results = await Promise.all([1, 2, 3].map(() => token(world.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId })));
    const winners = results.filter((r) => r.status === 200);
    expect(winners).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expect(r.json.error).toBe("invalid_grant");
    expect((await token(world.base, { grant_type: "refresh_token", refresh_token: winners[0]!.json.refresh_token, client_id: clientId })).status).toBe(200);
  });
});

describe("step-up after 403 insufficient_scope", () => {
  it("a refused scope within the ceiling makes the next refresh invalid_grant, once, within 60 s, burning nothing", async () => {
    clocked.clock.now = Date.now();
    const t = await obtainTokens(world, { base: clocked.base, clientId, resource, userId, scope: "contacts:read" });
    const connectionId = connectionOf(t.access_token);
    // beyond the ceiling: re-authorizing could not get it, so nothing changes
    expect(await requestStepUp(world.db, { connectionId, scopes: ["billing:write"], now: new Date(clocked.clock.now) })).toBe(false);
    // already granted: nothing to step up to
    expect(await requestStepUp(world.db, { connectionId, scopes: ["contacts:read"], now: new Date(clocked.clock.now) })).toBe(false);
    expect(await requestStepUp(world.db, { connectionId, scopes: ["contacts:write"], now: new Date(clocked.clock.now) })).toBe(true);

    clocked.clock.now += 5_000;
    const refused = await token(clocked.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId });
    expect(refused.json).toEqual({ error: "invalid_grant", error_description: "A call needed a scope this grant lacks; authorize again to approve it (step-up)" });
    // once: the same (unrotated) token refreshes normally afterwards, and the grant is intact
    const next = await token(clocked.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId });
    expect(next.status).toBe(200);
    expect(next.json.scope).toBe("contacts:read");

    // a mark older than the window is ignored: an ordinary refresh later is left alone
    await requestStepUp(world.db, { connectionId, scopes: ["contacts:write"], now: new Date(clocked.clock.now) });
    clocked.clock.now += 61_000;
    expect((await token(clocked.base, { grant_type: "refresh_token", refresh_token: next.json.refresh_token, client_id: clientId })).status).toBe(200);
  });
});

describe("POST /oauth/revoke (RFC 7009)", () => {
  const revoke = (form: Record<string, string>) => fetch(`${world.base}/oauth/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(form) });

  it("revoking the refresh token ends the chain and its access tokens", async () => {
    const t = await obtainTokens(world, { base: world.base, clientId, resource, userId });
    const res = await revoke({ token: t.refresh_token, token_type_hint: "refresh_token", client_id: clientId });
    expect(res.status).toBe(200);
    expect((await token(world.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId })).json.error).toBe("invalid_grant");
    expect((await list(t.access_token)).status).toBe(401);
  });

  it("revoking the access token ends its connection", async () => {
    const t = await obtainTokens(world, { base: world.base, clientId, resource, userId });
    expect((await revoke({ token: t.access_token, client_id: clientId })).status).toBe(200);
    expect((await list(t.access_token)).status).toBe(401);
    expect((await token(world.base, { grant_type: "refresh_token", refresh_token: t.refresh_token, client_id: clientId })).json.error).toBe("invalid_grant");
  });

  it("always answers 200, and another client's token is left alone", async () => {
    const t = await obtainTokens(world, { base: world.base, clientId, resource, userId });
    const other = await registerPublic(world.base);
    expect((await revoke({ token: t.refresh_token, client_id: other })).status).toBe(200);
    expect((await revoke({ token: "tng_rt_unknown", client_id: clientId })).status).toBe(200);
    expect((await revoke({ token: "garbage", client_id: clientId })).status).toBe(200);
    expect((await list(t.access_token)).status).toBe(200);
  });
});
