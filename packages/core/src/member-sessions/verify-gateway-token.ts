import { errors, jwtVerify } from "jose";
import { GATEWAY_KEY_ALG, type GatewayKeys } from "./gateway-keys.ts";
import { projectResource } from "./member-session-token.ts";

/** Clock skew tolerated on the gateway's own tokens: replicas share one clock source, roughly. */
const SKEW_SECONDS = 5;

/** What each kind of gateway token says when verification fails (the caller's wording). */
export type TokenFailureMessages = {
  expired: string;
  unknownKey: string;
  signature: string;
  algorithm: string;
  audience: string;
  issuer: string;
  /** a `typ` other than the expected one; absent = reported as a malformed claim */
  typ?: string;
  /** any other claim that failed validation */
  claim: (claim: string) => string;
  malformed: string;
};

/**
 * Verifies a JWT the gateway signed itself (member session tokens, OAuth access tokens): ES256
 * by one of the gateway keys (kid → cached public key), `typ`, `iss`, and — at
 * `/p/{slug}/mcp` — `aud` = that project's MCP URL; at `/mcp` the caller derives the project
 * from `aud`. Algorithms, issuer and audience are always pinned.
 */
export async function verifyGatewayToken(
  deps: { gatewayKeys: GatewayKeys; issuer: string; now?: () => number },
  jwt: string,
  expect: { typ: string; slug: string | undefined; requiredClaims: string[]; messages: TokenFailureMessages },
): Promise<{ ok: true; payload: unknown } | { ok: false; reason: string }> {
  try {
    const { payload } = await jwtVerify(
      jwt,
      async (header) => {
        const key = typeof header.kid === "string" ? await deps.gatewayKeys.verificationKey(header.kid) : null;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: [GATEWAY_KEY_ALG],
        typ: expect.typ,
        issuer: deps.issuer,
        ...(expect.slug !== undefined ? { audience: projectResource(deps.issuer, expect.slug) } : {}),
        requiredClaims: expect.requiredClaims,
        clockTolerance: SKEW_SECONDS,
        ...(deps.now ? { currentDate: new Date(deps.now()) } : {}),
      },
    );
    return { ok: true, payload };
  } catch (error) {
    return { ok: false, reason: describeJoseError(error, expect.messages) };
  }
}

function describeJoseError(error: unknown, m: TokenFailureMessages): string {
  const code = (error as { code?: unknown } | null)?.code;
  const claim = (error as { claim?: unknown } | null)?.claim;
  switch (code) {
    case "ERR_JWT_EXPIRED":
      return m.expired;
    case "ERR_JWKS_NO_MATCHING_KEY":
      return m.unknownKey;
    case "ERR_JWS_SIGNATURE_VERIFICATION_FAILED":
      return m.signature;
    case "ERR_JOSE_ALG_NOT_ALLOWED":
      return m.algorithm;
    case "ERR_JWT_CLAIM_VALIDATION_FAILED":
      if (claim === "aud") return m.audience;
      if (claim === "iss") return m.issuer;
      if (claim === "typ" && m.typ) return m.typ;
      return m.claim(String(claim));
    default:
      return m.malformed;
  }
}
