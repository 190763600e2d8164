import { randomBytes } from "node:crypto";
import { createContentDigest } from "./content-digest.ts";
import { SIGNATURE_ALGORITHM, SIGNATURE_LABEL, SIGNED_COMPONENTS } from "./covered-components.ts";
import { hmacSha256 } from "./hmac-sha256.ts";
import {
  canonicalizeFieldValue,
  createSignatureBase,
  serializeSignatureParams,
  type ComponentValue,
} from "./signature-base.ts";
import { decodeSigningSecret } from "./signing-secret.ts";

/** The outgoing request to sign. Header names are case-insensitive. */
export interface SignableRequest {
  method: string;
  /** The absolute URL the request is sent to. */
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/** A signing key: the `keyid` sent in the signature parameters and its secret. */
export interface SigningKey {
  keyid: string;
  /** Base64url (no padding) of 32 random bytes; see `generateSigningSecret()`. */
  secret: string;
}

export interface SignRequestOptions {
  /** The `created` parameter (RFC 9421 §2.3), in Unix seconds. Default: now. */
  created?: number;
  /** The `nonce` parameter (RFC 9421 §2.3). Default: 16 random bytes, base64url. */
  nonce?: string;
}

/** Headers to add to the request. Lowercase names; merge them over the request's headers. */
export interface SignatureHeaders {
  "signature-input": string;
  signature: string;
  /** Present only when the body is non-empty and the request had no `Content-Digest` yet. */
  "content-digest"?: string;
}

/**
 * Signs a request with HTTP Message Signatures (RFC 9421) using HMAC-SHA256 (§3.3.3) under the
 * label `tengine`, and returns the `Signature-Input` (§4.1) and `Signature` (§4.2) headers to add,
 * plus a `Content-Digest` (RFC 9530 §2) when the body is non-empty and none was given.
 *
 * Covered components, in order and each only when present: `@method`, `@target-uri` (always),
 * `content-digest`, `idempotency-key`, then the `x-tengine-*` identity headers (see
 * `SIGNED_COMPONENTS`). Parameters: `created`, `nonce`, `keyid`, `alg="hmac-sha256"`.
 *
 * `@method` is uppercased and `@target-uri` is the URL as `fetch` puts it on the wire (WHATWG
 * serialization, fragment removed). RFC 9421 §2.2.1 leaves the method's case untouched; both
 * Tengine's verifier and http-message-signatures uppercase it, and Node's HTTP parser only
 * accepts uppercase methods, so the two readings agree for every request Node will serve.
 *
 * @throws TypeError on programmer error: a relative URL, an empty keyid, a malformed secret, or a
 *   header value containing a newline.
 */
export function signRequest(request: SignableRequest, key: SigningKey, options: SignRequestOptions = {}): SignatureHeaders {
  if (typeof key?.keyid !== "string" || key.keyid === "") {
    throw new TypeError("signRequest: key.keyid must be a non-empty string.");
  }
  const hmacKey = decodeSigningSecret(key.secret, key.keyid);
  const created = options.created ?? Math.floor(Date.now() / 1000);
  if (!Number.isSafeInteger(created) || created < 0) {
    throw new TypeError("signRequest: options.created must be a non-negative integer number of Unix seconds.");
  }
  const nonce = options.nonce ?? randomBytes(16).toString("base64url");

  const headers = lowercaseHeaders(request.headers);
  const added: { "content-digest"?: string } = {};
  const body = request.body;
  if (body !== undefined && body.length > 0 && !headers.has("content-digest")) {
    added["content-digest"] = createContentDigest(body);
    headers.set("content-digest", [added["content-digest"]]);
  }

  const components: ComponentValue[] = [];
  for (const name of SIGNED_COMPONENTS) {
    if (name === "@method") components.push([name, request.method.toUpperCase()]);
    else if (name === "@target-uri") components.push([name, toTargetUri(request.url)]);
    else {
      const values = headers.get(name);
      if (values !== undefined) components.push([name, canonicalizeFieldValue(values)]);
    }
  }

  const signatureParams = serializeSignatureParams(
    components.map(([name]) => name),
    { created, nonce, keyid: key.keyid, alg: SIGNATURE_ALGORITHM },
  );
  const signature = hmacSha256(hmacKey, createSignatureBase(components, signatureParams));
  return {
    "signature-input": `${SIGNATURE_LABEL}=${signatureParams}`,
    // An RFC 8941 dictionary with one byte-sequence member: label=:base64:
    signature: `${SIGNATURE_LABEL}=:${Buffer.from(signature).toString("base64")}:`,
    ...added,
  };
}

/**
 * The target URI (RFC 9421 §2.2.2, RFC 9110 §7.1) as an HTTP client sends it: the WHATWG URL
 * serialization (lowercase scheme and host, default port dropped, `/` for an empty path) without
 * the fragment, which never leaves the client.
 */
function toTargetUri(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError(`signRequest: request.url must be an absolute URL, got ${JSON.stringify(url)}.`);
  }
  parsed.hash = "";
  return parsed.href;
}

/** Groups header values by lowercase name; same-name keys combine in order, as `fetch` does. */
function lowercaseHeaders(headers: Record<string, string>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const existing = result.get(key);
    if (existing) existing.push(value);
    else result.set(key, [value]);
  }
  return result;
}
