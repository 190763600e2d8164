/**
 * Interoperability with an independent RFC 9421 implementation, dhensby's
 * `http-message-signatures` (devDependency only), in both directions.
 */
import { createSigner, createVerifier, httpbis, type VerifyingKey } from "http-message-signatures";
import { describe, expect, it } from "vitest";
import { createContentDigest } from "./signing/content-digest.ts";
import { SIGNED_COMPONENTS } from "./signing/covered-components.ts";
import { signRequest, type SignableRequest } from "./signing/sign-request.ts";
import { generateSigningSecret } from "./signing/signing-secret.ts";
import { MemoryNonceStore } from "./verify/nonce-store.ts";
import { verifyRequest } from "./verify/verify-request.ts";

const SECRET = generateSigningSecret();
const KEYID = "sig_interop";
const KEY_BYTES = Buffer.from(SECRET, "base64url");

const REQUEST: SignableRequest = {
  method: "POST",
  url: "https://api.example.com/v1/orders?expand=items&x=%20y",
  headers: {
    "Content-Type": "application/json",
    "Idempotency-Key": "idem_1",
    "X-Tengine-Run-Id": "run_1",
    "X-Tengine-Member-Id": "mem_1",
    "X-Tengine-Project-Id": "prj_1",
    "X-Tengine-Principal": "member",
    "X-Tengine-Member-Email": "ada@example.com",
    "X-Tengine-User-Id": "usr_1",
    "X-Tengine-Client-Id": "cli_1",
  },
  body: '{"hello": "world"}',
};

const theirKey: VerifyingKey = { id: KEYID, algs: ["hmac-sha256"], verify: createVerifier(KEY_BYTES, "hmac-sha256") };

function theirVerify(message: { method: string; url: string; headers: Record<string, string> }) {
  return httpbis.verifyMessage(
    {
      keyLookup: async (params) => (params.keyid === KEYID ? theirKey : null),
      requiredFields: ["@method", "@target-uri", "content-digest", "x-tengine-run-id"],
      requiredParams: ["created", "nonce", "keyid", "alg"],
      maxAge: 300,
    },
    message,
  );
}

describe("interop with http-message-signatures", () => {
  describe("(a) signed by signRequest, verified by http-message-signatures", () => {
    it("verifies", async () => {
      const headers = { ...REQUEST.headers, ...signRequest(REQUEST, { keyid: KEYID, secret: SECRET }) };
      await expect(theirVerify({ method: REQUEST.method, url: REQUEST.url, headers })).resolves.toBe(true);
    });

    it("verifies a bodiless GET with only the run id", async () => {
      const request = { method: "GET", url: "https://api.example.com/", headers: { "X-Tengine-Run-Id": "run_1" } };
      const headers = { ...request.headers, ...signRequest(request, { keyid: KEYID, secret: SECRET }) };
      const verified = await httpbis.verifyMessage(
        { keyLookup: async () => theirKey, requiredFields: ["@method", "@target-uri", "x-tengine-run-id"] },
        { ...request, headers },
      );
      expect(verified).toBe(true);
    });

    it("builds the same signature base byte for byte", () => {
      const created = 1700000000;
      const nonce = "bm9uY2Vub25jZW5vbmNl";
      const headers = { ...REQUEST.headers, ...signRequest(REQUEST, { keyid: KEYID, secret: SECRET }, { created, nonce }) };
      const input = headers["signature-input"].slice("tengine=".length);
      const fields = [...input.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).filter((f) => (SIGNED_COMPONENTS as readonly string[]).includes(f));
      const theirBase = httpbis.createSignatureBase({ fields }, { method: REQUEST.method, url: REQUEST.url, headers });
      theirBase.push(['"@signature-params"', [input]]);
      const expectedMac = createSigner(KEY_BYTES, "hmac-sha256").sign(Buffer.from(httpbis.formatSignatureBase(theirBase)));
      return expect(expectedMac.then((mac) => `tengine=:${mac.toString("base64")}:`)).resolves.toBe(headers.signature);
    });

    it("is refused by http-message-signatures once tampered", async () => {
      const headers = { ...REQUEST.headers, ...signRequest(REQUEST, { keyid: KEYID, secret: SECRET }) };
      await expect(theirVerify({ method: REQUEST.method, url: REQUEST.url.replace("orders", "refunds"), headers })).resolves.toBe(false);
      await expect(theirVerify({ method: REQUEST.method, url: REQUEST.url, headers: { ...headers, "X-Tengine-Member-Id": "mem_2" } })).resolves.toBe(false);
    });
  });

  describe("(b) signed by http-message-signatures, verified by verifyRequest", () => {
    async function theirSign(fields: string[], params: string[], paramValues: Record<string, Date | string>) {
      const headers = { ...REQUEST.headers, "Content-Digest": createContentDigest(REQUEST.body!) };
      const signed = await httpbis.signMessage(
        { key: createSigner(KEY_BYTES, "hmac-sha256", KEYID), name: "tengine", fields, params, paramValues },
        { method: REQUEST.method, url: REQUEST.url, headers },
      );
      return signed.headers as Record<string, string>;
    }

    const ALL: string[] = [...SIGNED_COMPONENTS];

    it("verifies a signature with Tengine's components, params and label", async () => {
      const headers = await theirSign(ALL, ["created", "nonce", "keyid", "alg"], { created: new Date(), nonce: "their-nonce-1" });
      expect(headers["Signature-Input"]).toMatch(/^tengine=\("@method" "@target-uri" "content-digest" .*\);created=\d+;nonce="their-nonce-1";keyid="sig_interop";alg="hmac-sha256"$/);
      const request = new Request(REQUEST.url, { method: REQUEST.method, headers, body: REQUEST.body });
      const result = await verifyRequest(request, { secrets: { [KEYID]: SECRET }, nonceStore: new MemoryNonceStore() });
      expect(result).toMatchObject({ ok: true, keyid: KEYID, identity: { runId: "run_1", memberEmail: "ada@example.com", idempotencyKey: "idem_1" } });
    });

    it("verifies their default parameter order with expires added", async () => {
      const headers = await theirSign(ALL, ["keyid", "alg", "created", "expires", "nonce"], { created: new Date(), nonce: "their-nonce-2" });
      expect(headers["Signature-Input"]).toMatch(/;keyid="sig_interop";alg="hmac-sha256";created=\d+;expires=\d+;nonce="their-nonce-2"$/);
      const request = new Request(REQUEST.url, { method: REQUEST.method, headers, body: REQUEST.body });
      expect(await verifyRequest(request, { secrets: { [KEYID]: SECRET }, nonceStore: new MemoryNonceStore() })).toMatchObject({ ok: true });
    });

    it("rejects their signature when it leaves an identity header uncovered", async () => {
      const headers = await theirSign(ALL.filter((c) => c !== "x-tengine-principal"), ["created", "nonce", "keyid", "alg"], { created: new Date(), nonce: "n3" });
      const request = new Request(REQUEST.url, { method: REQUEST.method, headers, body: REQUEST.body });
      expect(await verifyRequest(request, { secrets: { [KEYID]: SECRET } })).toMatchObject({ ok: false, reason: "identity_header_not_covered" });
    });

    it("rejects their signature when the body is tampered with", async () => {
      const headers = await theirSign(ALL, ["created", "nonce", "keyid", "alg"], { created: new Date(), nonce: "n4" });
      const request = new Request(REQUEST.url, { method: REQUEST.method, headers, body: '{"hello": "mallory"}' });
      expect(await verifyRequest(request, { secrets: { [KEYID]: SECRET } })).toMatchObject({ ok: false, reason: "content_digest_mismatch" });
    });
  });
});
