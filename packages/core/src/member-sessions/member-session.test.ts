import { randomUUID } from "node:crypto";
import { createDb } from "@tengine/db";
import { createTestDatabase } from "@tengine/db/testing";
import { decodeJwt, decodeProtectedHeader, importJWK, jwtVerify, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox, secretAd } from "../crypto/secret-box.ts";
import { createApiKey } from "../keys/create-api-key.ts";
import { revokeApiKey } from "../keys/revoke-api-key.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import type { Principal } from "../principal/principal.ts";
import { createProject } from "../projects/create-project.ts";
import { clearMemberAssertion, setMemberAssertionSecret } from "../projects/set-member-assertion-key.ts";
import { authenticateMemberSession } from "./authenticate-member-session.ts";
import { GatewayKeys } from "./gateway-keys.ts";
import { mintMemberSession } from "./mint-member-session.ts";

const ISSUER = "https://gateway.example.com";
const box = new SecretBox(SecretBox.generateKey());
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let keys: GatewayKeys;
let orgId: string;

type Setup = { projectId: string; slug: string; secret: string; keyId: string; principal: Principal };

async function setupProject(name: string, scopes: string[] = []): Promise<Setup> {
  const project = await createProject(database.db, { orgId, name });
  const { secret } = await setMemberAssertionSecret(database.db, box, project.id);
  const key = await createApiKey(database.db, project.id, { name: "backend", scopes });
  const principal: Principal = { projectId: project.id, projectSlug: project.slug, kind: "api_key", keyId: key.id, scopes: scopes.length ? scopes : null };
  return { projectId: project.id, slug: project.slug, secret, keyId: key.id, principal };
}

async function assertion(secret: string, claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: "user_7", email: "grace@example.com", name: "Grace Hopper", roles: ["editor"], ...claims })
    .setProtectedHeader({ alg: "HS256" })
    .setAudience(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + 60)
    .setJti(randomUUID())
    .sign(new TextEncoder().encode(secret));
}

const mintDeps = (overrides: Partial<Parameters<typeof mintMemberSession>[0]> = {}) => ({ db: database.db, hot: database.hot, secretBox: box, gatewayKeys: keys, issuer: ISSUER, ...overrides });
const authDeps = (overrides: Partial<Parameters<typeof authenticateMemberSession>[0]> = {}) => ({ hot: database.hot, gatewayKeys: keys, issuer: ISSUER, ...overrides });

async function mint(setup: Setup, claims: Record<string, unknown> = {}) {
  const result = await mintMemberSession(mintDeps(), setup.principal, await assertion(setup.secret, claims));
  if (!result.ok) throw new Error(`mint failed: ${result.message}`);
  return result.session;
}

beforeAll(async () => {
  database = await createTestDatabase("msession");
  orgId = (await createOrganization(database.db, { name: "Sessions" })).id;
  keys = new GatewayKeys(database.db, box);
}, 60_000);
afterAll(() => database?.drop());

describe("gateway keys", () => {
  it("creates one ES256 key however many replicas ask at once, stores the private key encrypted, publishes the public key", async () => {
    const replicas = [keys, new GatewayKeys(database.db, box), new GatewayKeys(database.db, box), new GatewayKeys(database.db, box)];
    const signing = await Promise.all(replicas.map((k) => k.signingKey()));
    expect(new Set(signing.map((s) => s.kid)).size).toBe(1);
    const rows = await database.db.gatewayKey.findMany();
    expect(rows).toHaveLength(1);
    const row = rows[0]!;
    expect(row.id).toMatch(/^gk_[0-9a-z]{26}$/);
    expect(row.alg).toBe("ES256");
    expect(row.privateKeyEnc).toMatch(/^v2\./);
    expect(JSON.parse(box.decrypt(row.privateKeyEnc, secretAd.gatewayKey(row.id)))).toHaveProperty("d");
    const jwks = await keys.jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", kid: row.id, alg: "ES256", use: "sig" });
    expect(jwks.keys[0]).not.toHaveProperty("d");
  });

  it("finds public keys by kid; unknown and retired kids are null", async () => {
    const { kid } = await keys.signingKey();
    expect(await keys.verificationKey(kid)).not.toBeNull();
    expect(await keys.verificationKey("gk_00000000000000000000000000")).toBeNull();
    expect(await keys.verificationKey("../etc")).toBeNull();
  });
});

describe("mintMemberSession", () => {
  it("returns a tng_mst_ token: an ES256 JWT of the gateway, bound to the project's MCP URL, 15 minutes", async () => {
    const setup = await setupProject("Mint");
    const before = Math.floor(Date.now() / 1000);
    const session = await mint(setup);
    expect(session.token.startsWith("tng_mst_")).toBe(true);
    expect(session.memberId).toBe("user_7");
    const jwt = session.token.slice("tng_mst_".length);
    const header = decodeProtectedHeader(jwt);
    const { kid } = await keys.signingKey();
    expect(header).toEqual({ alg: "ES256", kid, typ: "tng-mst+jwt" });
    const claims = decodeJwt(jwt);
    const project = await database.db.project.findUniqueOrThrow({ where: { id: setup.projectId }, select: { memberAssertionKeyId: true } });
    expect(claims).toMatchObject({
      iss: ISSUER,
      aud: `${ISSUER}/p/${setup.slug}/mcp`,
      sub: "user_7",
      email: "grace@example.com",
      name: "Grace Hopper",
      roles: ["editor"],
      pid: setup.projectId,
      api_key_id: setup.keyId,
      mak: project.memberAssertionKeyId,
      jti: expect.any(String),
    });
    expect(claims).not.toHaveProperty("scope");
    expect(claims.exp! - claims.iat!).toBe(900);
    expect(claims.iat!).toBeGreaterThanOrEqual(before);
    expect(session.expiresAt.getTime()).toBe(claims.exp! * 1000);
    // anyone can verify it with the published JWKS
    const jwk = (await keys.jwks()).keys.find((k) => k.kid === kid)!;
    await expect(jwtVerify(jwt, await importJWK(jwk, "ES256"), { issuer: ISSUER, typ: "tng-mst+jwt" })).resolves.toBeTruthy();
  });

  it("puts the narrowed scopes in `scope`", async () => {
    const setup = await setupProject("Mint scopes", ["contacts:write", "deals:read"]);
    const session = await mint(setup, { scopes: "contacts:read deals:write" });
    expect(decodeJwt(session.token.slice(8)).scope).toBe("contacts:read");
    expect(session.scopes).toEqual(["contacts:read"]);
  });

  it("returns the assertion's failure", async () => {
    const setup = await setupProject("Mint refused");
    const result = await mintMemberSession(mintDeps(), setup.principal, await assertion("a-different-secret-of-some-length-1234567890"));
    expect(result).toMatchObject({ ok: false, reason: "bad_signature" });
  });
});

describe("authenticateMemberSession", () => {
  it("resolves the member principal at the project's URL and at /mcp, on another replica too", async () => {
    const setup = await setupProject("Auth");
    const session = await mint(setup);
    const expected = {
      ok: true,
      project: { id: setup.projectId, slug: setup.slug, requireMember: false },
      principal: {
        kind: "member",
        projectId: setup.projectId,
        projectSlug: setup.slug,
        keyId: setup.keyId,
        memberId: "user_7",
        member: { id: "user_7", email: "grace@example.com", name: "Grace Hopper", roles: ["editor"] },
        scopes: null,
        expiresAt: Math.floor(session.expiresAt.getTime() / 1000),
      },
    };
    expect(await authenticateMemberSession(authDeps(), session.token, setup.slug)).toMatchObject(expected);
    expect(await authenticateMemberSession(authDeps(), session.token, undefined)).toMatchObject(expected);
    const replica = createDb(database.target, { poolSize: 2 });
    try {
      const otherKeys = new GatewayKeys(replica.db, box);
      expect(await authenticateMemberSession({ hot: replica.hot, gatewayKeys: otherKeys, issuer: ISSUER }, session.token, setup.slug)).toMatchObject(expected);
    } finally {
      await replica.close();
    }
  });

  it("refuses the token at another project's URL", async () => {
    const a = await setupProject("Auth A");
    const b = await setupProject("Auth B");
    const session = await mint(a);
    expect(await authenticateMemberSession(authDeps(), session.token, b.slug)).toEqual({ ok: false, reason: "token is for another project" });
  });

  it("refuses expired, tampered, foreign-issuer and unknown-key tokens", async () => {
    const setup = await setupProject("Auth bad");
    const session = await mint(setup);
    const later = () => session.expiresAt.getTime() + 10_000;
    expect(await authenticateMemberSession(authDeps({ now: later }), session.token, setup.slug)).toEqual({ ok: false, reason: "member session expired: mint a new one" });
    const [h, p, s] = session.token.slice(8).split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = `tng_mst_${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString("base64url")}.${s}`;
    expect(await authenticateMemberSession(authDeps(), forged, setup.slug)).toEqual({ ok: false, reason: "member session token signature is invalid" });
    expect(await authenticateMemberSession(authDeps({ issuer: "https://other.example.com" }), session.token)).toMatchObject({ ok: false, reason: expect.stringMatching(/another gateway/) });
    const { privateKey } = await import("jose").then((j) => j.generateKeyPair("ES256"));
    const stranger = await new SignJWT(claims).setProtectedHeader({ alg: "ES256", kid: "gk_00000000000000000000000000", typ: "tng-mst+jwt" }).sign(privateKey);
    expect(await authenticateMemberSession(authDeps(), `tng_mst_${stranger}`, setup.slug)).toEqual({ ok: false, reason: "member session token signed by an unknown gateway key" });
    const hs = await new SignJWT(claims).setProtectedHeader({ alg: "HS256", typ: "tng-mst+jwt" }).sign(new Uint8Array(32));
    expect(await authenticateMemberSession(authDeps(), `tng_mst_${hs}`, setup.slug)).toMatchObject({ ok: false });
    expect(await authenticateMemberSession(authDeps(), "tng_mst_garbage", setup.slug)).toEqual({ ok: false, reason: "malformed member session token" });
  });

  it("ends the session when its API key is revoked", async () => {
    const setup = await setupProject("Auth revoke");
    const session = await mint(setup);
    expect(await authenticateMemberSession(authDeps(), session.token, setup.slug)).toMatchObject({ ok: true });
    await revokeApiKey(database.db, setup.projectId, setup.keyId);
    expect(await authenticateMemberSession(authDeps(), session.token, setup.slug)).toEqual({ ok: false, reason: "session revoked: its API key was revoked" });
  });

  it("ends the session when the member-assertion key is rotated or removed", async () => {
    const setup = await setupProject("Auth rotate");
    const session = await mint(setup);
    const { secret } = await setMemberAssertionSecret(database.db, box, setup.projectId);
    expect(await authenticateMemberSession(authDeps(), session.token, setup.slug)).toEqual({ ok: false, reason: "session ended: the member-assertion key was rotated" });
    // a session minted with the new secret works
    const fresh = await mint({ ...setup, secret });
    expect(await authenticateMemberSession(authDeps(), fresh.token, setup.slug)).toMatchObject({ ok: true });
    await clearMemberAssertion(database.db, setup.projectId);
    expect(await authenticateMemberSession(authDeps(), fresh.token, setup.slug)).toEqual({ ok: false, reason: "session ended: the member-assertion key was rotated" });
  });

  it("gives the token's narrowed scopes, within the key's current ones", async () => {
    const setup = await setupProject("Auth scopes", ["contacts:write", "deals:write"]);
    const narrowed = await mint(setup, { scopes: ["contacts:read", "billing:read"] });
    expect(await authenticateMemberSession(authDeps(), narrowed.token, setup.slug)).toMatchObject({ ok: true, principal: { scopes: ["contacts:read"] } });
    const full = await mint(setup);
    expect(await authenticateMemberSession(authDeps(), full.token, setup.slug)).toMatchObject({ ok: true, principal: { scopes: ["contacts:write", "deals:write"] } });
    // the key loses a scope: the session loses it too at its next call
    await database.db.apiKey.update({ where: { id: setup.keyId }, data: { scopes: ["deals:write"] } });
    expect(await authenticateMemberSession(authDeps(), narrowed.token, setup.slug)).toMatchObject({ ok: true, principal: { scopes: [] } });
    expect(await authenticateMemberSession(authDeps(), full.token, setup.slug)).toMatchObject({ ok: true, principal: { scopes: ["deals:write"] } });
  });
});

describe("gateway key retirement", () => {
  it("a replica that loads keys after a retirement signs with a new key and refuses tokens of the retired one", async () => {
    const setup = await setupProject("Retire");
    const old = await mint(setup);
    const { kid } = await keys.signingKey();
    await database.db.gatewayKey.update({ where: { id: kid }, data: { retiredAt: new Date() } });
    const replica = new GatewayKeys(database.db, box);
    const next = await replica.signingKey();
    expect(next.kid).not.toBe(kid);
    expect((await replica.jwks()).keys.map((k) => k.kid)).toEqual([next.kid]);
    expect(await authenticateMemberSession(authDeps({ gatewayKeys: replica }), old.token, setup.slug)).toEqual({ ok: false, reason: "member session token signed by an unknown gateway key" });
  });
});
