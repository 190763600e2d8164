import { createTestDatabase } from "@tengine/db/testing";
import { exportJWK, generateKeyPair, SignJWT, jwtVerify, importJWK } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox, secretAd } from "../crypto/secret-box.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createProject } from "./create-project.ts";
import { clearMemberAssertion, getMemberAssertionStatus, parseMemberAssertionJwk, setMemberAssertionJwk, setMemberAssertionSecret } from "./set-member-assertion-key.ts";

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let projectId: string;
const box = new SecretBox(SecretBox.generateKey());
const row = () => database.db.project.findUniqueOrThrow({ where: { id: projectId }, select: { memberAssertionSecretEnc: true, memberAssertionJwk: true, configVersion: true } });

beforeAll(async () => {
  database = await createTestDatabase("massert");
  const org = await createOrganization(database.db, { name: "Assert" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Assert" })).id;
});
afterAll(() => database?.drop());

async function publicJwk(alg: "ES256" | "EdDSA" | "ES384" | "RS256") {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { pub: await exportJWK(publicKey), priv: await exportJWK(privateKey), privateKey };
}

describe("member assertion secret", () => {
  it("generates 32 random bytes, stores them encrypted, and says only that one is set", async () => {
    expect(await getMemberAssertionStatus(database.db, projectId)).toEqual({ kind: "none" });
    const v0 = (await row()).configVersion;
    const { secret } = await setMemberAssertionSecret(database.db, box, projectId);
    expect(Buffer.from(secret, "base64url")).toHaveLength(32);
    const stored = await row();
    expect(stored.memberAssertionSecretEnc).not.toContain(secret);
    expect(box.decrypt(stored.memberAssertionSecretEnc!, secretAd.memberAssertionSecret(projectId))).toBe(secret);
    expect(stored.configVersion).toBe(v0 + 1);
    expect(await getMemberAssertionStatus(database.db, projectId)).toEqual({ kind: "secret", alg: "HS256" });
    // rotating replaces it
    const next = await setMemberAssertionSecret(database.db, box, projectId);
    expect(next.secret).not.toBe(secret);
    expect(box.decrypt((await row()).memberAssertionSecretEnc!, secretAd.memberAssertionSecret(projectId))).toBe(next.secret);
  });
});

describe("member assertion public key", () => {
  it("accepts a public ES256 key (as JSON text), replaces the secret, and verifies what the private key signs", async () => {
    await setMemberAssertionSecret(database.db, box, projectId);
    const { pub, privateKey } = await publicJwk("ES256");
    const status = await setMemberAssertionJwk(database.db, projectId, JSON.stringify({ ...pub, kid: "k1", use: "sig" }));
    expect(status).toMatchObject({ kind: "jwk", alg: "ES256", kty: "EC", crv: "P-256", kid: "k1", thumbprint: expect.stringMatching(/^[\w-]{43}$/) });
    const stored = await row();
    expect(stored.memberAssertionSecretEnc).toBeNull();
    expect(stored.memberAssertionJwk).toEqual({ kty: "EC", crv: "P-256", x: pub.x, y: pub.y, alg: "ES256", kid: "k1" });
    expect(await getMemberAssertionStatus(database.db, projectId)).toEqual(status);
    const jwt = await new SignJWT({ sub: "m_1" }).setProtectedHeader({ alg: "ES256" }).sign(privateKey);
    await expect(jwtVerify(jwt, await importJWK(stored.memberAssertionJwk as object, "ES256"))).resolves.toBeTruthy();
  });

  it("accepts Ed25519, and a key set holding one key", async () => {
    const { pub } = await publicJwk("EdDSA");
    await expect(parseMemberAssertionJwk(pub)).resolves.toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA" });
    await expect(parseMemberAssertionJwk({ keys: [pub] })).resolves.toMatchObject({ crv: "Ed25519" });
  });

  it("refuses private keys, other key types and curves, and broken keys", async () => {
    const es = await publicJwk("ES256");
    await expect(parseMemberAssertionJwk(es.priv)).rejects.toThrow(/PUBLIC key only/);
    await expect(parseMemberAssertionJwk({ kty: "oct", k: "c2VjcmV0" })).rejects.toThrow(/private or secret key/);
    await expect(parseMemberAssertionJwk((await publicJwk("RS256")).pub)).rejects.toThrow(/key type "RSA" is not supported/);
    await expect(parseMemberAssertionJwk((await publicJwk("ES384")).pub)).rejects.toThrow(/P-256/);
    await expect(parseMemberAssertionJwk({ ...es.pub, alg: "ES384" })).rejects.toThrow(/ES256/);
    await expect(parseMemberAssertionJwk({ ...es.pub, y: es.pub.x!.replace(/^./, (c) => (c === "A" ? "B" : "A")) })).rejects.toThrow(/could not be imported/);
    await expect(parseMemberAssertionJwk({ kty: "EC", crv: "P-256", x: es.pub.x })).rejects.toThrow(/"y"/);
    await expect(parseMemberAssertionJwk("{not json")).rejects.toThrow(/not valid JSON/);
    await expect(parseMemberAssertionJwk({ keys: [es.pub, es.pub] })).rejects.toThrow(/several keys/);
    await expect(parseMemberAssertionJwk([])).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("clearMemberAssertion", () => {
  it("removes whichever key is set", async () => {
    await setMemberAssertionSecret(database.db, box, projectId);
    await clearMemberAssertion(database.db, projectId);
    expect(await getMemberAssertionStatus(database.db, projectId)).toEqual({ kind: "none" });
    await expect(clearMemberAssertion(database.db, "prj_missing")).rejects.toMatchObject({ code: "not_found" });
  });
});
