import { IDENTITY_HEADERS, SIGNATURE_ALGORITHM, type IdentityHeader } from "../signing/covered-components.ts";
import { hmacSha256, macEquals } from "../signing/hmac-sha256.ts";
import { createSignatureBase, type ComponentValue } from "../signing/signature-base.ts";
import { decodeSigningSecret } from "../signing/signing-secret.ts";
import { MemoryNonceStore, type NonceStore } from "./nonce-store.ts";
import { parseSignatureHeaders } from "./parse-signature-headers.ts";
import { readIncomingRequest, type IncomingRequestView, type ReadRequestOptions, type VerifiableRequest } from "./read-incoming-request.ts";
import { verifyContentDigest } from "./verify-content-digest.ts";
import { fail, type VerifiedIdentity, type VerifyResult } from "./verify-result.ts";

/** Signing secrets by `keyid`, or a lookup returning `undefined` for an unknown keyid. */
export type SecretsOption = Record<string, string> | ((keyid: string) => string | undefined | Promise<string | undefined>);

export interface VerifyRequestOptions extends ReadRequestOptions {
  /**
   * Signing secrets by `keyid`. During rotation configure both active keyids. A lookup function
   * may be async; if it throws, `verifyRequest()` rejects with that error.
   */
  secrets: SecretsOption;
  /** Oldest accepted `created`, in seconds. Also how long nonces are remembered. Default 300. */
  maxAgeSeconds?: number;
  /** How far in the future `created` may be, in seconds, to absorb clock drift. Default 30. */
  clockSkewSeconds?: number;
  /** Where seen nonces are kept. Default: one in-memory store shared by the whole process. */
  nonceStore?: NonceStore;
  /** Clock in Unix milliseconds. Default `Date.now`. */
  now?: () => number;
}

const REQUIRED_COMPONENTS = ["@method", "@target-uri", "x-tengine-run-id"] as const;
const DERIVED_COMPONENTS = new Set(["@method", "@target-uri"]);

let defaultNonceStore: MemoryNonceStore | undefined;

/**
 * Verifies a request signed by the Tengine gateway with HTTP Message Signatures (RFC 9421,
 * HMAC-SHA256 §3.3.3, label `tengine`) and `Content-Digest` (RFC 9530), and returns the verified
 * identity. Accepts a Fetch API `Request` or a Node `http.IncomingMessage`.
 *
 * Checks, in order (the first failure is returned as `{ ok: false, reason, message }`):
 * 1. `Signature-Input` and `Signature` carry a well-formed `tengine` signature (RFC 9421 §4);
 * 2. `alg` is `hmac-sha256`;
 * 3. `keyid` names a configured secret;
 * 4. `created` is present, at most `maxAgeSeconds` old and at most `clockSkewSeconds` ahead,
 *    and `expires`, if sent, has not passed (RFC 9421 §2.3, §7.2.2);
 * 5. `@method`, `@target-uri`, `x-tengine-run-id` and, when there is a body, `content-digest`
 *    are covered;
 * 6. every identity header (`x-tengine-*`) and `Idempotency-Key` present is covered, so no
 *    unsigned identity can ride along;
 * 7. every covered header is present (RFC 9421 §2.5) and every covered derived component is
 *    `@method` or `@target-uri`;
 * 8. the body matches `Content-Digest` (RFC 9530; sha-256 or sha-512);
 * 9. the HMAC over the signature base (RFC 9421 §2.5) matches, compared in constant time;
 * 10. `nonce` is present and unseen for this keyid within `maxAgeSeconds` (RFC 9421 §7.2.2).
 *
 * For an `IncomingMessage` the target URI is `options.url` if given, else
 * `<protocol>://<Host header><req.url>` with `protocol` defaulting to `https` on a TLS socket and
 * `http` otherwise. Behind a proxy or load balancer, pass the public URL as `options.url`.
 * The body is read from the stream unless `options.body` is given; use `result.body` afterwards.
 * A Fetch `Request` is read through a clone, so it stays readable.
 *
 * Never throws for a bad request. Throws (rejects) only on programmer error: missing
 * `options.secrets`, a malformed configured secret, a body stream already consumed without
 * `options.body`, or an error thrown by your `secrets` function or `nonceStore`.
 */
export async function verifyRequest(request: VerifiableRequest, options: VerifyRequestOptions): Promise<VerifyResult> {
  const secrets = options?.secrets;
  if (secrets === null || (typeof secrets !== "object" && typeof secrets !== "function")) {
    throw new TypeError("verifyRequest: options.secrets is required (a keyid → secret record or a lookup function).");
  }
  const maxAgeSeconds = options.maxAgeSeconds ?? 300;
  const clockSkewSeconds = options.clockSkewSeconds ?? 30;
  if (!(maxAgeSeconds > 0) || !(clockSkewSeconds >= 0)) {
    throw new TypeError("verifyRequest: maxAgeSeconds must be positive and clockSkewSeconds non-negative.");
  }
  const nowMs = (options.now ?? Date.now)();
  const nowSeconds = Math.floor(nowMs / 1000);
  const incoming = readIncomingRequest(request, options);

  // 1. A well-formed `tengine` signature.
  const parsed = parseSignatureHeaders(incoming.header("signature-input"), incoming.header("signature"));
  if (!parsed.ok) return parsed;
  const signature = parsed.value;

  // 2. Algorithm. Checked before the key so a downgrade never reaches key lookup.
  if (signature.alg !== SIGNATURE_ALGORITHM) {
    return fail("unsupported_algorithm", `Signature alg must be "${SIGNATURE_ALGORITHM}", got ${JSON.stringify(signature.alg ?? null)}.`);
  }

  // 3. Key.
  const keyid = signature.keyid;
  if (keyid === undefined || keyid === "") return fail("unknown_key", "The signature has no keyid.");
  const secret = await lookupSecret(secrets, keyid);
  if (secret === undefined || secret === null) return fail("unknown_key", `No secret is configured for keyid "${keyid}".`);
  const hmacKey = decodeSigningSecret(secret, keyid);

  // 4. Freshness.
  const created = signature.created;
  if (created === undefined) return fail("created_missing", "The signature has no created parameter.");
  if (nowSeconds - created > maxAgeSeconds) {
    return fail("signature_expired", `The signature was created ${nowSeconds - created}s ago; the limit is ${maxAgeSeconds}s.`);
  }
  if (created - nowSeconds > clockSkewSeconds) {
    return fail("created_in_future", `The signature was created ${created - nowSeconds}s in the future; the limit is ${clockSkewSeconds}s.`);
  }
  if (signature.expires !== undefined && nowSeconds > signature.expires) {
    return fail("signature_expired", "The signature's expires time has passed.");
  }

  const targetUri = incoming.targetUri;
  if (targetUri === undefined) {
    return fail("target_uri_unavailable", "Cannot reconstruct the target URI: no Host header; pass options.url.");
  }
  let body: Uint8Array;
  try {
    body = await incoming.readBody();
  } catch {
    return fail("body_unreadable", "The request body could not be read.");
  }

  // 5. Required coverage.
  const covered = new Set(signature.components);
  const required: string[] = [...REQUIRED_COMPONENTS];
  if (body.length > 0) required.push("content-digest");
  for (const name of required) {
    if (!covered.has(name)) return fail("required_component_not_covered", `The signature does not cover "${name}".`);
  }

  // 6. No unsigned identity.
  for (const name of Object.keys(IDENTITY_HEADERS)) {
    if (incoming.header(name) !== undefined && !covered.has(name)) {
      return fail("identity_header_not_covered", `The request carries "${name}" but the signature does not cover it.`);
    }
  }

  // 7. Every covered component resolves.
  const components = resolveComponents(signature.components, incoming, targetUri);
  if (!components.ok) return components;

  // 8. Body integrity. A Content-Digest sent without a body must still describe the (empty) body.
  const digestField = incoming.header("content-digest");
  if (digestField !== undefined) {
    const digest = verifyContentDigest(digestField, body);
    if (!digest.ok) return digest;
  }

  // 9. Signature (RFC 9421 §3.2).
  const expected = hmacSha256(hmacKey, createSignatureBase(components.value, signature.signatureParams));
  if (!macEquals(expected, signature.signature)) {
    return fail("signature_mismatch", "The signature does not match the request.");
  }

  // 10. Replay. Only after the signature verified, so only the gateway can fill the store.
  if (signature.nonce === undefined || signature.nonce === "") return fail("nonce_missing", "The signature has no nonce.");
  const store = options.nonceStore ?? (defaultNonceStore ??= new MemoryNonceStore());
  // The age check compares whole seconds, so the signature is accepted until the end of second
  // created + maxAgeSeconds; the nonce must be remembered at least that long.
  const fresh = await store.checkAndStore(keyid, signature.nonce, (created + maxAgeSeconds + 1) * 1000);
  if (!fresh) return fail("nonce_replayed", "This signature's nonce was already used.");

  return { ok: true, keyid, body, identity: readIdentity(incoming) };
}

async function lookupSecret(secrets: SecretsOption, keyid: string): Promise<string | undefined | null> {
  if (typeof secrets === "function") return secrets(keyid);
  // Own properties only: a keyid such as "constructor" must not reach Object.prototype.
  return Object.hasOwn(secrets, keyid) ? secrets[keyid] : undefined;
}

/** Derives each covered component's value (RFC 9421 §2.1, §2.2) from the received request. */
function resolveComponents(
  names: readonly string[],
  incoming: IncomingRequestView,
  targetUri: string,
): { ok: true; value: ComponentValue[] } | ReturnType<typeof fail> {
  const values: ComponentValue[] = [];
  for (const name of names) {
    if (name.startsWith("@")) {
      if (!DERIVED_COMPONENTS.has(name)) return fail("unsupported_component", `Derived component "${name}" is not supported.`);
      values.push([name, name === "@method" ? incoming.method : targetUri]);
      continue;
    }
    const value = incoming.header(name);
    if (value === undefined) return fail("covered_component_missing", `The signature covers "${name}" but the request has no such header.`);
    values.push([name, value]);
  }
  return { ok: true, value: values };
}

function readIdentity(incoming: IncomingRequestView): VerifiedIdentity {
  const identity: Partial<VerifiedIdentity> = {};
  for (const header of Object.keys(IDENTITY_HEADERS) as IdentityHeader[]) {
    const value = incoming.header(header);
    if (value !== undefined) identity[IDENTITY_HEADERS[header]] = value;
  }
  // x-tengine-run-id must be covered (step 5) and every covered header is present (step 7).
  return identity as VerifiedIdentity;
}
