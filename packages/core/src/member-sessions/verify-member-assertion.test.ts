import { randomUUID } from "node:crypto";
import { createDb } from "@tengine/db";
import { createTestDatabase } from "@tengine/db/testing";
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "../projects/create-project.ts";
import { setMemberAssertionJwk, setMemberAssertionSecret } from "../projects/set-member-assertion-key.ts";
import { verifyMemberAssertion } from "./verify-member-assertion.ts";
import { deleteExpiredAssertionJtis } from "./delete-expired-assertion-jtis.ts";

const ISSUER = "https://gateway.example.com";
const box = new SecretBox(SecretBox.generateKey());
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let orgId: string;
let hsProject: string;
let hsSecret: string;
let esProject: string;
let es: Awaited<ReturnType<typeof generateKeyPair>>;
let edProject: string;
let ed: Awaited<ReturnType<typeof generateKeyPair>>;
let bareProject: string;

const deps = () => ({ db: database.db, hot: database.hot, secretBox: box });
const nowSec = () => Math.floor(Date.now() / 1000);
const hmacKey = (secret: string) => new TextEncoder().encode(secret);

function claims(overrides: JWTPayload = {}): JWTPayload {
  return { sub: "user_42", aud: ISSUER, exp: nowSec() + 60, iat: nowSec(), jti: randomUUID(), ...overrides };
}
async function hs(payload: JWTPayload = claims(), secret = hsSecret, header: Record<string, unknown> = {}) {
  return new SignJWT(payload).setProtectedHeader({ alg: "HS256", ...header }).sign(hmacKey(secret));
}
async function esSign(payload: JWTPayload = claims(), header: Record<string, unknown> = {}, key = es.privateKey) {
  return new SignJWT(payload).setProtectedHeader({ alg: "ES256", ...header }).sign(key);
}
function unsigned(payload: JWTPayload) {
  const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(payload)}.`;
}
const verify = (projectId: string, assertion: string, keyScopes: string[] | null = null) => verifyMemberAssertion(deps(), { projectId, issuer: ISSUER, assertion, keyScopes });

beforeAll(async () => {
  database = await createTestDatabase("massert_verify");
  orgId = (await createOrganization(database.db, { name: "Verify" })).id;
  hsProject = (await createProject(database.db, { orgId, name: "HS" })).id;
  hsSecret = (await setMemberAssertionSecret(database.db, box, hsProject)).secret;
  es = await generateKeyPair("ES256", { extractable: true });
  esProject = (await createProject(database.db, { orgId, name: "ES" })).id;
  await setMemberAssertionJwk(database.db, esProject, { ...(await exportJWK(es.publicKey)), kid: "backend-1" });
  ed = await generateKeyPair("EdDSA", { extractable: true });
  edProject = (await createProject(database.db, { orgId, name: "ED" })).id;
  await setMemberAssertionJwk(database.db, edProject, await exportJWK(ed.publicKey));
  bareProject = (await createProject(database.db, { orgId, name: "Bare" })).id;
}, 60_000);
afterAll(() => database?.drop());

describe("verifyMemberAssertion: accepted", () => {
  it("verifies an HS256 assertion signed with the project's secret and returns the member", async () => {
    const result = await verify(hsProject, await hs(claims({ email: "ada@example.com", name: "Ada Lovelace", roles: ["admin", "billing"] })));
    expect(result).toMatchObject({ ok: true, assertion: { memberId: "user_42", email: "ada@example.com", name: "Ada Lovelace", roles: ["admin", "billing"], scopes: null, narrowed: false } });
    const project = await database.db.project.findUniqueOrThrow({ where: { id: hsProject }, select: { memberAssertionKeyId: true } });
    expect(result.ok && result.assertion.memberAssertionKeyId).toBe(project.memberAssertionKeyId);
  });

  it("verifies ES256 with the registered public JWK (matching kid or none) and EdDSA", async () => {
    expect(await verify(esProject, await esSign(claims(), { kid: "backend-1" }))).toMatchObject({ ok: true });
    expect(await verify(esProject, await esSign())).toMatchObject({ ok: true });
    const edToken = await new SignJWT(claims({ sub: "m-ed" })).setProtectedHeader({ alg: "EdDSA" }).sign(ed.privateKey);
    expect(await verify(edProject, edToken)).toMatchObject({ ok: true, assertion: { memberId: "m-ed" } });
  });

  it("accepts an assertion without iat, and a null email or name", async () => {
    const { iat: _iat, ...noIat } = claims();
    expect(await verify(hsProject, await hs({ ...noIat, email: null, name: null } as JWTPayload))).toMatchObject({ ok: true, assertion: { memberId: "user_42" } });
  });
});

describe("verifyMemberAssertion: refused, each with its reason", () => {
  const cases: [string, () => Promise<[string, string]>, string, RegExp][] = [
    ["expired", async () => [hsProject, await hs(claims({ exp: nowSec() - 120, iat: nowSec() - 180 }))], "expired", /expired/],
    ["wrong audience", async () => [hsProject, await hs(claims({ aud: "https://other.example.com" }))], "wrong_audience", /wrong audience.*https:\/\/gateway\.example\.com/],
    ["missing audience", async () => [hsProject, await hs(claims({ aud: undefined }))], "wrong_audience", /audience/],
    ["no key configured", async () => [bareProject, await hs()], "no_key_configured", /no member-assertion key is configured/],
    ["unknown kid", async () => [esProject, await esSign(claims(), { kid: "backend-2" })], "unknown_key", /unknown key: kid "backend-2"/],
    ["alg: none", async () => [hsProject, unsigned(claims())], "alg_none", /alg: none/],
    ["HS256 at an ES256 project", async () => [esProject, await hs(claims(), "anything")], "algorithm_not_allowed", /algorithm not allowed: HS256.*ES256/],
    ["ES256 at an HS256 project", async () => [hsProject, await esSign()], "algorithm_not_allowed", /algorithm not allowed: ES256.*HS256/],
    ["EdDSA at an ES256 project", async () => [esProject, await new SignJWT(claims()).setProtectedHeader({ alg: "EdDSA" }).sign(ed.privateKey)], "algorithm_not_allowed", /EdDSA/],
    ["another secret", async () => [hsProject, await hs(claims(), "not-the-project-secret-but-long-enough-0123")], "bad_signature", /signature verification failed/],
    ["another private key", async () => [esProject, await esSign(claims(), {}, (await generateKeyPair("ES256")).privateKey)], "bad_signature", /signature verification failed/],
    ["missing sub", async () => [hsProject, await hs(claims({ sub: undefined }))], "missing_claim", /no "sub"/],
    ["missing jti", async () => [hsProject, await hs(claims({ jti: undefined }))], "missing_claim", /"jti"/],
    ["missing exp", async () => [hsProject, await hs(claims({ exp: undefined }))], "missing_claim", /"exp"/],
    ["sub too long", async () => [hsProject, await hs(claims({ sub: "x".repeat(257) }))], "invalid_claim", /at most 256/],
    ["sub with a newline", async () => [hsProject, await hs(claims({ sub: "a\r\nX-Evil: 1" }))], "invalid_claim", /printable ASCII/],
    ["exp more than 5 minutes ahead", async () => [hsProject, await hs(claims({ exp: nowSec() + 400 }))], "lifetime_too_long", /at most 300 seconds/],
    ["iat in the future", async () => [hsProject, await hs(claims({ iat: nowSec() + 120 }))], "issued_in_future", /"iat" is in the future/],
    ["roles not an array", async () => [hsProject, await hs(claims({ roles: "admin" }))], "invalid_claim", /roles/],
    ["a bad scope", async () => [hsProject, await hs(claims({ scopes: "contacts:read admin" }))], "invalid_claim", /"admin"/],
    ["not a JWT", async () => [hsProject, "hello"], "malformed", /not a JWT/],
  ];
  for (const [label, make, reason, message] of cases) {
    it(label, async () => {
      const [projectId, token] = await make();
      const result = await verify(projectId, token);
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.reason).toBe(reason);
      expect(result.message).toMatch(message);
    });
  }

  it("tolerates 30 s of clock skew on exp, not more", async () => {
    expect(await verify(hsProject, await hs(claims({ exp: nowSec() - 10 })))).toMatchObject({ ok: true });
    expect(await verify(hsProject, await hs(claims({ exp: nowSec() + 320 })))).toMatchObject({ ok: true });
  });
});

describe("jti is single use", () => {
  it("refuses a replay, also on another replica (its own pool, nothing shared in memory)", async () => {
    const token = await hs();
    expect(await verify(hsProject, token)).toMatchObject({ ok: true });
    expect(await verify(hsProject, token)).toMatchObject({ ok: false, reason: "jti_replayed", message: expect.stringMatching(/assertion jti already used/) });
    const replica = createDb(database.target, { poolSize: 2 });
    try {
      const result = await verifyMemberAssertion({ db: replica.db, hot: replica.hot, secretBox: box }, { projectId: hsProject, issuer: ISSUER, assertion: token, keyScopes: null });
      expect(result).toMatchObject({ ok: false, reason: "jti_replayed" });
      // a new assertion with the same jti, concurrently on both replicas: exactly one wins
      const jti = randomUUID();
      const a = await hs(claims({ jti }));
      const b = await hs(claims({ jti, sub: "someone_else" }));
      const both = await Promise.all([verify(hsProject, a), verifyMemberAssertion({ db: replica.db, hot: replica.hot, secretBox: box }, { projectId: hsProject, issuer: ISSUER, assertion: b, keyScopes: null })]);
      expect(both.filter((r) => r.ok)).toHaveLength(1);
      expect(both.filter((r) => !r.ok && r.reason === "jti_replayed")).toHaveLength(1);
    } finally {
      await replica.close();
    }
  });

  it("scopes jti per project, and a refused assertion does not use its jti up", async () => {
    const jti = randomUUID();
    expect(await verify(hsProject, await hs(claims({ jti, aud: "https://wrong.example.com" })))).toMatchObject({ ok: false, reason: "wrong_audience" });
    expect(await verify(hsProject, await hs(claims({ jti })))).toMatchObject({ ok: true });
    expect(await verify(esProject, await esSign(claims({ jti })))).toMatchObject({ ok: true });
  });

  it("keeps used ids until the assertion could no longer be accepted, then retention deletes them", async () => {
    const jti = randomUUID();
    const exp = nowSec() + 60;
    await verify(hsProject, await hs(claims({ jti, exp })));
    const row = await database.db.memberAssertionJti.findUniqueOrThrow({ where: { projectId_jti: { projectId: hsProject, jti } } });
    expect(row.expiresAt.getTime()).toBe((exp + 30) * 1000);
    expect(await deleteExpiredAssertionJtis(database.db, new Date((exp + 29) * 1000))).toBeGreaterThanOrEqual(0);
    expect(await database.db.memberAssertionJti.count({ where: { jti } })).toBe(1);
    await deleteExpiredAssertionJtis(database.db, new Date((exp + 31) * 1000));
    expect(await database.db.memberAssertionJti.count({ where: { jti } })).toBe(0);
  });
});

describe("scopes only narrow", () => {
  it("without scopes: the key's access; null stays full access", async () => {
    expect(await verify(hsProject, await hs(), ["contacts:read"])).toMatchObject({ ok: true, assertion: { scopes: ["contacts:read"], narrowed: false } });
    expect(await verify(hsProject, await hs(), null)).toMatchObject({ ok: true, assertion: { scopes: null } });
  });

  it("a full-access key: exactly the asked scopes (array or space-separated)", async () => {
    expect(await verify(hsProject, await hs(claims({ scopes: "contacts:read  deals:write" })), null)).toMatchObject({ ok: true, assertion: { scopes: ["contacts:read", "deals:write"], narrowed: true } });
    expect(await verify(hsProject, await hs(claims({ scopes: ["deals:read"] })), null)).toMatchObject({ ok: true, assertion: { scopes: ["deals:read"] } });
  });

  it("a scoped key: the intersection, honouring write ⇒ read, never more", async () => {
    const result = await verify(hsProject, await hs(claims({ scopes: ["contacts:read", "contacts:write", "deals:read", "billing:write"] })), ["contacts:read", "deals:write"]);
    expect(result).toMatchObject({ ok: true, assertion: { scopes: ["contacts:read", "deals:read"] } });
  });

  it("asking only for scopes the key lacks leaves none (not full access)", async () => {
    expect(await verify(hsProject, await hs(claims({ scopes: ["billing:write"] })), ["contacts:read"])).toMatchObject({ ok: true, assertion: { scopes: [], narrowed: true } });
    expect(await verify(hsProject, await hs(claims({ scopes: [] })), null)).toMatchObject({ ok: true, assertion: { scopes: [], narrowed: true } });
  });
});
