import { describe, expect, it } from "vitest";
import type { BareItem } from "structured-headers";
import { createContentDigest } from "../signing/content-digest.ts";
import { hmacSha256 } from "../signing/hmac-sha256.ts";
import { signRequest, type SignableRequest } from "../signing/sign-request.ts";
import { createSignatureBase, serializeSignatureParams } from "../signing/signature-base.ts";
import { generateSigningSecret } from "../signing/signing-secret.ts";
import { MemoryNonceStore } from "./nonce-store.ts";
import { verifyRequest, type VerifyRequestOptions } from "./verify-request.ts";
import type { VerifyFailureReason } from "./verify-result.ts";

const NOW_S = 1_700_000_000;
const now = () => NOW_S * 1000 + 400;
const SECRET_OLD = generateSigningSecret();
const SECRET_NEW = generateSigningSecret();
const SECRETS = { sig_old: SECRET_OLD, sig_new: SECRET_NEW };

const IDENTITY = {
  "X-Tengine-Run-Id": "run_01HZX",
  "X-Tengine-Member-Id": "mem_42",
  "X-Tengine-Project-Id": "prj_7",
  "X-Tengine-Principal": "member",
  "X-Tengine-Member-Email": "ada@example.com",
  "X-Tengine-User-Id": "usr_3",
  "X-Tengine-Client-Id": "cli_9",
  "Idempotency-Key": "idem_abc",
};

const BASE: SignableRequest = {
  method: "POST",
  url: "https://api.example.com/v1/orders?region=eu",
  headers: { "Content-Type": "application/json", ...IDENTITY },
  body: '{"amount":42}',
};

type Message = Required<SignableRequest>;

function sign(request: SignableRequest = BASE, keyid: keyof typeof SECRETS = "sig_old", options: { created?: number; nonce?: string } = {}): Message {
  const added = signRequest(request, { keyid, secret: SECRETS[keyid] }, { created: NOW_S, ...options });
  return { ...request, body: request.body ?? "", headers: { ...request.headers, ...added } };
}

/** Signs arbitrary components/params with our primitives, to build requests the signer never would. */
function signCustom(request: Message, components: string[], params: Map<string, BareItem>, secret = SECRET_OLD): Message {
  const headers = { ...request.headers, "content-digest": createContentDigest(request.body) };
  const lower = new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v.trim()]));
  const values = components.map((name) => {
    const value = name === "@method" ? request.method : name === "@target-uri" ? request.url : lower.get(name);
    return [name, value ?? ""] as const;
  });
  const signatureParams = serializeSignatureParams(components, params);
  const mac = Buffer.from(hmacSha256(Buffer.from(secret, "base64url"), createSignatureBase(values, signatureParams)));
  return {
    ...request,
    headers: { ...headers, "signature-input": `tengine=${signatureParams}`, signature: `tengine=:${mac.toString("base64")}:` },
  };
}

function params(overrides: Record<string, BareItem | undefined> = {}): Map<string, BareItem> {
  const all: Record<string, BareItem | undefined> = { created: NOW_S, nonce: "custom-nonce", keyid: "sig_old", alg: "hmac-sha256", ...overrides };
  return new Map(Object.entries(all).filter((entry): entry is [string, BareItem] => entry[1] !== undefined));
}

function withHeader(message: Message, name: string, value: string | undefined): Message {
  const headers = Object.fromEntries(Object.entries(message.headers).filter(([key]) => key.toLowerCase() !== name.toLowerCase()));
  if (value !== undefined) headers[name] = value;
  return { ...message, headers };
}

function editInput(message: Message, from: string | RegExp, to: string): Message {
  return withHeader(message, "signature-input", message.headers["signature-input"]!.replace(from, to));
}

function toRequest(message: Message): Request {
  const hasBody = message.method !== "GET" && message.method !== "HEAD";
  return new Request(message.url, { method: message.method, headers: message.headers, body: hasBody ? message.body : undefined });
}

function verify(message: Message | Request, options: Partial<VerifyRequestOptions> = {}) {
  const request = message instanceof Request ? message : toRequest(message);
  return verifyRequest(request, { secrets: SECRETS, now, nonceStore: new MemoryNonceStore({ now }), ...options });
}

async function expectReason(message: Message, reason: VerifyFailureReason, options: Partial<VerifyRequestOptions> = {}) {
  const result = await verify(message, options);
  expect(result.ok ? "ok" : result.reason, result.ok ? "" : result.message).toBe(reason);
}

describe("verifyRequest with a Fetch Request", () => {
  it("accepts a signed request and returns the keyid, body and verified identity", async () => {
    const result = await verify(sign());
    expect(result).toEqual({
      ok: true,
      keyid: "sig_old",
      body: new TextEncoder().encode('{"amount":42}'),
      identity: {
        runId: "run_01HZX",
        memberId: "mem_42",
        projectId: "prj_7",
        principal: "member",
        memberEmail: "ada@example.com",
        userId: "usr_3",
        clientId: "cli_9",
        idempotencyKey: "idem_abc",
      },
    });
  });

  it("accepts a GET without a body and only a run id", async () => {
    const result = await verify(sign({ method: "GET", url: "https://api.example.com/v1/orders/1", headers: { "X-Tengine-Run-Id": "run_1" } }));
    expect(result).toMatchObject({ ok: true, identity: { runId: "run_1" } });
    expect(result.ok && result.body.length).toBe(0);
  });

  it("leaves the Request body readable for the handler", async () => {
    const request = toRequest(sign());
    expect((await verify(request)).ok).toBe(true);
    expect(await request.json()).toEqual({ amount: 42 });
  });

  it("verifies against options.body when the handler already read the Request", async () => {
    const request = toRequest(sign());
    const text = await request.text();
    expect((await verify(request, { body: text })).ok).toBe(true);
    await expect(verify(toRequest(sign()).clone(), {})).resolves.toMatchObject({ ok: true });
  });

  it("verifies against options.url when the runtime sees an internal URL", async () => {
    const message = sign();
    const internal = toRequest({ ...message, url: "http://localhost:3000/v1/orders?region=eu" });
    expect((await verify(internal)).ok).toBe(false);
    expect((await verify(toRequest({ ...message, url: "http://localhost:3000/v1/orders?region=eu" }), { url: BASE.url })).ok).toBe(true);
  });

  it("accepts param order, extra params and whitespace that another signer may produce", async () => {
    const custom = signCustom(
      sign(),
      ["@method", "@target-uri", "content-digest", "x-tengine-run-id", "x-tengine-member-id", "x-tengine-project-id", "x-tengine-principal", "x-tengine-member-email", "x-tengine-user-id", "x-tengine-client-id", "idempotency-key"],
      new Map<string, BareItem>([["keyid", "sig_old"], ["alg", "hmac-sha256"], ["created", NOW_S], ["expires", NOW_S + 300], ["nonce", "n-1"], ["tag", "tengine"]]),
    );
    expect((await verify(custom)).ok).toBe(true);
    const spaced = editInput(custom, /^tengine=\("@method" /, 'tengine=(  "@method"  ');
    expect((await verify(spaced)).ok).toBe(true);
  });

  describe("rotation", () => {
    it("accepts signatures from both configured keyids", async () => {
      expect(await verify(sign(BASE, "sig_old"))).toMatchObject({ ok: true, keyid: "sig_old" });
      expect(await verify(sign(BASE, "sig_new"))).toMatchObject({ ok: true, keyid: "sig_new" });
    });

    it("looks secrets up through an async function", async () => {
      const lookup = async (keyid: string) => (keyid === "sig_new" ? SECRET_NEW : undefined);
      expect(await verify(sign(BASE, "sig_new"), { secrets: lookup })).toMatchObject({ ok: true, keyid: "sig_new" });
      expect(await verify(sign(BASE, "sig_old"), { secrets: lookup })).toMatchObject({ ok: false, reason: "unknown_key" });
    });

    it("rejects a signature made with the other keyid's secret", async () => {
      const forged = editInput(sign(BASE, "sig_old"), 'keyid="sig_old"', 'keyid="sig_new"');
      await expectReason(forged, "signature_mismatch");
    });
  });

  describe("tampering", () => {
    const signed = sign();

    it.each<[string, Message, VerifyFailureReason]>([
      ["the method", { ...signed, method: "PUT" }, "signature_mismatch"],
      ["the path", { ...signed, url: "https://api.example.com/v1/refunds?region=eu" }, "signature_mismatch"],
      ["the query", { ...signed, url: "https://api.example.com/v1/orders?region=us" }, "signature_mismatch"],
      ["the host", { ...signed, url: "https://evil.example.com/v1/orders?region=eu" }, "signature_mismatch"],
      ["the scheme", { ...signed, url: "http://api.example.com/v1/orders?region=eu" }, "signature_mismatch"],
      ["the body", { ...signed, body: '{"amount":4200}' }, "content_digest_mismatch"],
      ["the content-digest", withHeader(signed, "content-digest", createContentDigest("other")), "content_digest_mismatch"],
      [
        "the body and its content-digest together",
        withHeader({ ...signed, body: '{"amount":4200}' }, "content-digest", createContentDigest('{"amount":4200}')),
        "signature_mismatch",
      ],
      ["the content-digest to an unknown algorithm only", withHeader(signed, "content-digest", "md5=:AAAAAAAAAAAAAAAAAAAAAA==:"), "content_digest_unsupported"],
      ["the content-digest to garbage", withHeader(signed, "content-digest", "sha-256=not-bytes"), "content_digest_malformed"],
      ["the signature", withHeader(signed, "signature", `tengine=:${Buffer.alloc(32, 7).toString("base64")}:`), "signature_mismatch"],
      ["the signature label", withHeader(signed, "signature", signed.headers.signature!.replace("tengine=", "other=")), "signature_missing"],
      ["the signature-input syntax", editInput(signed, '"@method"', "@method"), "signature_malformed"],
      ["the created parameter", editInput(signed, `created=${NOW_S}`, `created=${NOW_S - 10}`), "signature_mismatch"],
      ["the nonce parameter", editInput(signed, /nonce="[^"]+"/, 'nonce="fresh"'), "signature_mismatch"],
      ["the keyid to an unknown one", editInput(signed, 'keyid="sig_old"', 'keyid="sig_gone"'), "unknown_key"],
      ["the keyid to a prototype property", editInput(signed, 'keyid="sig_old"', 'keyid="constructor"'), "unknown_key"],
      ["the alg", editInput(signed, 'alg="hmac-sha256"', 'alg="rsa-pss-sha512"'), "unsupported_algorithm"],
      ["the alg away", editInput(signed, ';alg="hmac-sha256"', ""), "unsupported_algorithm"],
      ["the created away", editInput(signed, `;created=${NOW_S}`, ""), "created_missing"],
      ["the created to a string", editInput(signed, `created=${NOW_S}`, `created="${NOW_S}"`), "signature_malformed"],
      ["a covered component away", editInput(signed, '"@target-uri" ', ""), "required_component_not_covered"],
      ["the content-digest coverage away", editInput(signed, '"content-digest" ', ""), "required_component_not_covered"],
      ["the signature headers away", withHeader(withHeader(signed, "signature", undefined), "signature-input", undefined), "signature_missing"],
    ])("rejects a change to %s", async (_, message, reason) => {
      await expectReason(message, reason);
    });

    it.each(Object.keys(IDENTITY))("rejects a changed %s", async (header) => {
      await expectReason(withHeader(signed, header, "forged"), "signature_mismatch");
    });

    it.each(Object.keys(IDENTITY))("rejects a removed but covered %s", async (header) => {
      await expectReason(withHeader(signed, header, undefined), "covered_component_missing");
    });

    it("rejects an identity header added after signing", async () => {
      const minimal = sign({ ...BASE, headers: { "X-Tengine-Run-Id": "run_1" } });
      await expectReason(withHeader(minimal, "X-Tengine-Principal", "admin"), "identity_header_not_covered");
      await expectReason(withHeader(minimal, "Idempotency-Key", "idem_2"), "identity_header_not_covered");
    });

    it.each(Object.keys(IDENTITY).filter((h) => h !== "X-Tengine-Run-Id").map((h) => h.toLowerCase()))(
      "rejects a validly signed request that carries %s without covering it",
      async (header) => {
        const components = ["@method", "@target-uri", "content-digest", ...Object.keys(IDENTITY).map((h) => h.toLowerCase())].filter((c) => c !== header);
        await expectReason(signCustom(sign(), components, params()), "identity_header_not_covered");
      },
    );

    it("rejects a validly signed request that does not cover the run id", async () => {
      const components = ["@method", "@target-uri", "content-digest", ...Object.keys(IDENTITY).map((h) => h.toLowerCase())].filter((c) => c !== "x-tengine-run-id");
      await expectReason(signCustom(sign(), components, params()), "required_component_not_covered");
    });

    it("rejects components Tengine does not sign with", async () => {
      const all = ["@method", "@target-uri", "content-digest", ...Object.keys(IDENTITY).map((h) => h.toLowerCase())];
      await expectReason(signCustom(sign(), [...all, "@authority"], params()), "unsupported_component");
      await expectReason(editInput(sign(), '"content-digest"', '"content-digest";sf'), "unsupported_component");
      await expectReason(signCustom(sign(), [...all, "x-not-sent"], params()), "covered_component_missing");
    });

    it("rejects a signature without a nonce", async () => {
      const all = ["@method", "@target-uri", "content-digest", ...Object.keys(IDENTITY).map((h) => h.toLowerCase())];
      await expectReason(signCustom(sign(), all, params({ nonce: undefined })), "nonce_missing");
    });

    it("rejects a signature whose expires has passed", async () => {
      const all = ["@method", "@target-uri", "content-digest", ...Object.keys(IDENTITY).map((h) => h.toLowerCase())];
      await expectReason(signCustom(sign(), all, params({ created: NOW_S - 20, expires: NOW_S - 10 })), "signature_expired");
    });
  });

  describe("freshness", () => {
    it("accepts created up to maxAgeSeconds old and rejects older", async () => {
      expect((await verify(sign(BASE, "sig_old", { created: NOW_S - 300 }))).ok).toBe(true);
      await expectReason(sign(BASE, "sig_old", { created: NOW_S - 301 }), "signature_expired");
      await expectReason(sign(BASE, "sig_old", { created: NOW_S - 61 }), "signature_expired", { maxAgeSeconds: 60 });
    });

    it("accepts created up to clockSkewSeconds ahead and rejects further", async () => {
      expect((await verify(sign(BASE, "sig_old", { created: NOW_S + 30 }))).ok).toBe(true);
      await expectReason(sign(BASE, "sig_old", { created: NOW_S + 31 }), "created_in_future");
      await expectReason(sign(BASE, "sig_old", { created: NOW_S + 5 }), "created_in_future", { clockSkewSeconds: 0 });
    });
  });

  describe("replay", () => {
    it("rejects the same signed request twice and remembers it for maxAgeSeconds", async () => {
      let clock = now();
      const nonceStore = new MemoryNonceStore({ now: () => clock });
      const message = sign();
      const options = { nonceStore, now: () => clock };
      expect((await verify(message, options)).ok).toBe(true);
      expect(await verify(message, options)).toMatchObject({ ok: false, reason: "nonce_replayed" });
      clock = (NOW_S + 300) * 1000 + 999; // last accepted instant: still a replay
      expect(await verify(message, options)).toMatchObject({ ok: false, reason: "nonce_replayed" });
      clock = (NOW_S + 301) * 1000; // the signature itself is now too old
      expect(await verify(message, options)).toMatchObject({ ok: false, reason: "signature_expired" });
    });

    it("does not burn a nonce on a request that fails verification", async () => {
      const nonceStore = new MemoryNonceStore({ now });
      const message = sign();
      expect((await verify({ ...message, method: "PUT" }, { nonceStore })).ok).toBe(false);
      expect((await verify(message, { nonceStore })).ok).toBe(true);
    });

    it("uses a process-wide default store when none is given", async () => {
      const message = sign(BASE, "sig_old", { created: Math.floor(Date.now() / 1000) });
      const options = { secrets: SECRETS };
      expect((await verifyRequest(toRequest(message), options)).ok).toBe(true);
      expect(await verifyRequest(toRequest(message), options)).toMatchObject({ ok: false, reason: "nonce_replayed" });
    });

    it("awaits an async nonce store", async () => {
      const seen = new Set<string>();
      const nonceStore = { checkAndStore: async (keyid: string, nonce: string) => !seen.has(`${keyid}:${nonce}`) && !!seen.add(`${keyid}:${nonce}`) };
      const message = sign();
      expect((await verify(message, { nonceStore })).ok).toBe(true);
      expect(await verify(message, { nonceStore })).toMatchObject({ ok: false, reason: "nonce_replayed" });
    });
  });

  describe("programmer errors throw", () => {
    it("without secrets", async () => {
      await expect(verifyRequest(toRequest(sign()), undefined as never)).rejects.toThrowError(/secrets/);
      await expect(verifyRequest(toRequest(sign()), {} as never)).rejects.toThrowError(/secrets/);
    });

    it("with a malformed configured secret", async () => {
      await expect(verify(sign(), { secrets: { sig_old: "hunter2" } })).rejects.toThrowError(/sig_old/);
    });

    it("when the body was consumed and not passed in", async () => {
      const request = toRequest(sign());
      await request.text();
      await expect(verify(request)).rejects.toThrowError(/options\.body/);
    });

    it("when options.body is a parsed object instead of raw bytes", async () => {
      await expect(verify(sign(), { body: {} as never })).rejects.toThrowError(/raw body/);
    });

    it("when the secrets lookup fails", async () => {
      const secrets = async () => {
        throw new Error("vault down");
      };
      await expect(verify(sign(), { secrets })).rejects.toThrowError("vault down");
    });
  });
});
