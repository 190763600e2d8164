import { decodeProtectedHeader, exportJWK, generateKeyPair, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { createMemberAssertion } from "./create-member-assertion.ts";

const secret = "mZ3kQ0pUuV7c3y0r4cXlq2k9Yz8wTnF1bH6sJdA5eGi"; // 43 characters, like the dashboard's
const audience = "https://mcp.example.com";

describe("createMemberAssertion", () => {
  it("signs HS256 with the secret's UTF-8 bytes: sub, aud, iat, exp (+60 s), a random jti, and the optional claims", async () => {
    const now = 1_800_000_000_000;
    const token = await createMemberAssertion({ secret }, { sub: "user_1", email: "a@example.com", name: "Ada", roles: ["admin"], scopes: ["contacts:read"], audience: `${audience}/`, now: () => now });
    expect(decodeProtectedHeader(token)).toEqual({ alg: "HS256", typ: "JWT" });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { algorithms: ["HS256"], audience, currentDate: new Date(now) });
    expect(payload).toEqual({ sub: "user_1", aud: audience, iat: now / 1000, exp: now / 1000 + 60, jti: expect.stringMatching(/^[0-9a-f-]{36}$/), email: "a@example.com", name: "Ada", roles: ["admin"], scopes: ["contacts:read"] });
    const again = await createMemberAssertion({ secret }, { sub: "user_1", audience, now: () => now });
    const second = await jwtVerify(again, new TextEncoder().encode(secret), { currentDate: new Date(now) });
    expect(second.payload.jti).not.toBe(payload.jti);
    expect(second.payload).not.toHaveProperty("email");
  });

  it("signs ES256 with a private JWK (its kid in the header) or a CryptoKey, and EdDSA", async () => {
    const es = await generateKeyPair("ES256", { extractable: true });
    const jwk = { ...(await exportJWK(es.privateKey)), kid: "backend-1" };
    const fromJwk = await createMemberAssertion({ privateKey: jwk, alg: "ES256" }, { sub: "u", audience });
    expect(decodeProtectedHeader(fromJwk)).toEqual({ alg: "ES256", typ: "JWT", kid: "backend-1" });
    await expect(jwtVerify(fromJwk, es.publicKey, { algorithms: ["ES256"], audience })).resolves.toBeTruthy();
    const fromKey = await createMemberAssertion({ privateKey: es.privateKey, alg: "ES256", kid: "k2" }, { sub: "u", audience });
    expect(decodeProtectedHeader(fromKey).kid).toBe("k2");
    await expect(jwtVerify(fromKey, es.publicKey, { audience })).resolves.toBeTruthy();
    const ed = await generateKeyPair("EdDSA");
    const edToken = await createMemberAssertion({ privateKey: ed.privateKey, alg: "EdDSA" }, { sub: "u", audience, scopes: "a:read b:write" });
    const { payload } = await jwtVerify(edToken, ed.publicKey, { audience });
    expect(payload.scopes).toBe("a:read b:write");
  });

  it("refuses what the gateway would refuse", async () => {
    await expect(createMemberAssertion({ secret }, { sub: "u", audience, ttlSeconds: 301 })).rejects.toThrow(/ttlSeconds must be an integer from 1 to 300/);
    await expect(createMemberAssertion({ secret }, { sub: "", audience })).rejects.toThrow(/sub must be/);
    await expect(createMemberAssertion({ secret }, { sub: "a\nb", audience })).rejects.toThrow(/sub must be/);
    await expect(createMemberAssertion({ secret }, { sub: "u", audience: "not a url" })).rejects.toThrow(/audience must be the gateway URL/);
    await expect(createMemberAssertion({ secret: "short" }, { sub: "u", audience })).rejects.toThrow(/secret/);
    const { publicKey } = await generateKeyPair("ES256", { extractable: true });
    await expect(createMemberAssertion({ privateKey: await exportJWK(publicKey), alg: "ES256" }, { sub: "u", audience })).rejects.toThrow(/public JWK/);
  });

  it("accepts a ttl up to 300 s", async () => {
    const token = await createMemberAssertion({ secret }, { sub: "u", audience, ttlSeconds: 300 });
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret));
    expect(payload.exp! - payload.iat!).toBe(300);
  });
});
