import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db } from "@tengine/db";
import { sha256Hex } from "../crypto/hash.ts";
import { newId } from "../ids/new-id.ts";
import { OAuthError } from "./oauth-error.ts";

/** Token endpoint authentication methods this server supports (RFC 7591 §2). */
export const TOKEN_ENDPOINT_AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"] as const;
export type TokenEndpointAuthMethod = (typeof TOKEN_ENDPOINT_AUTH_METHODS)[number];
export const GRANT_TYPES = ["authorization_code", "refresh_token"] as const;
export const RESPONSE_TYPES = ["code"] as const;

/** Confidential client secrets: `tng_cs_` + 32 random bytes, base64url. Shown once, stored as SHA-256. */
export const CLIENT_SECRET_PREFIX = "tng_cs_";

const MAX_REDIRECT_URIS = 10;
const MAX_URI_LENGTH = 2000;

/** Schemes that run code or read local data in a browser: never a redirect target. */
const FORBIDDEN_SCHEMES = new Set(["javascript:", "data:", "vbscript:", "file:", "blob:", "about:", "filesystem:", "ws:", "wss:", "ftp:"]);
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/**
 * Why a redirect URI is unacceptable, or null (RFC 7591 §2, OAuth 2.1 §2.3, RFC 8252 §7):
 * absolute, no fragment, no user info; `https` anywhere, `http` only on loopback (native apps
 * listening on a local port), or a private-use scheme of a native app (`cursor://…`,
 * `com.example.app:/cb`) — never one that runs code in the browser. Registration is only half
 * of the gate: /oauth/authorize also requires the exact URI on the project's allowlist.
 */
export function redirectUriProblem(uri: string): string | null {
  if (uri.length > MAX_URI_LENGTH) return `redirect_uri is longer than ${MAX_URI_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `redirect_uri ${JSON.stringify(uri)} is not an absolute URI`;
  }
  if (uri.includes("#")) return `redirect_uri ${uri} must not contain a fragment`;
  if (url.username || url.password) return `redirect_uri ${uri} must not contain user information`;
  if (url.protocol === "https:") return url.hostname ? null : `redirect_uri ${uri} has no host`;
  if (url.protocol === "http:") {
    return LOOPBACK_HOSTS.has(url.hostname) ? null : `redirect_uri ${uri} uses http on a non-loopback host: use https, or http://localhost / 127.0.0.1 / [::1]`;
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return `redirect_uri ${uri} uses the forbidden scheme ${url.protocol}`;
  return null; // private-use scheme of a native app
}

const optionalUrl = (field: string) =>
  z
    .string()
    .max(MAX_URI_LENGTH)
    .refine((v) => {
      try {
        const u = new URL(v);
        return u.protocol === "https:" || u.protocol === "http:";
      } catch {
        return false;
      }
    }, `${field} must be an http(s) URL`)
    .optional();

const metadataSchema = z.object({
  redirect_uris: z.array(z.string(), { error: "redirect_uris is required: an array of the client's redirect URIs" }).min(1, "redirect_uris must list at least one URI").max(MAX_REDIRECT_URIS, `at most ${MAX_REDIRECT_URIS} redirect_uris`),
  token_endpoint_auth_method: z.enum(TOKEN_ENDPOINT_AUTH_METHODS, { error: `token_endpoint_auth_method must be one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(", ")}` }).optional(),
  grant_types: z.array(z.enum(GRANT_TYPES, { error: `grant_types may contain ${GRANT_TYPES.join(", ")}` })).min(1).optional(),
  response_types: z.array(z.enum(RESPONSE_TYPES, { error: "response_types may contain only code" })).min(1).optional(),
  client_name: z.string().trim().min(1, "client_name must not be empty").max(200, "client_name is longer than 200 characters").optional(),
  client_uri: optionalUrl("client_uri"),
  logo_uri: optionalUrl("logo_uri"),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(100).optional(),
  scope: z.string().max(2000).optional(),
});

export type RegisteredClient = {
  client_id: string;
  /** confidential clients only; shown once */
  client_secret?: string;
  client_id_issued_at: number;
  /** 0 = never expires (RFC 7591 §3.2.1); confidential clients only */
  client_secret_expires_at?: number;
  client_name: string;
  redirect_uris: string[];
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  grant_types: string[];
  response_types: string[];
  client_uri?: string;
  logo_uri?: string;
  software_id?: string;
  software_version?: string;
};

/**
 * RFC 7591 dynamic client registration. Public clients (`token_endpoint_auth_method: none`)
 * rely on PKCE alone; confidential ones (`client_secret_basic`, the RFC's default, or
 * `client_secret_post`) get a secret shown once and stored as its SHA-256. Unknown metadata
 * fields are ignored (§2); `scope` is accepted but grants are decided per project at
 * authorization time. Bad metadata → OAuthError `invalid_redirect_uri` /
 * `invalid_client_metadata` (§3.2.2).
 */
export async function registerClient(db: Db, body: unknown, opts: { now?: Date } = {}): Promise<RegisteredClient> {
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new OAuthError("invalid_client_metadata", "The body must be a JSON object of client metadata (RFC 7591 §2)");
  const parsed = metadataSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const code = issue.path[0] === "redirect_uris" ? "invalid_redirect_uri" : "invalid_client_metadata";
    const field = issue.path.join(".");
    throw new OAuthError(code, issue.message.includes(String(issue.path[0] ?? "")) ? issue.message : `${field}: ${issue.message}`);
  }
  const m = parsed.data;
  const redirectUris = [...new Set(m.redirect_uris)];
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) throw new OAuthError("invalid_redirect_uri", problem);
  }
  const grantTypes = [...new Set(m.grant_types ?? GRANT_TYPES)];
  const responseTypes = [...new Set(m.response_types ?? RESPONSE_TYPES)];
  if (!grantTypes.includes("authorization_code")) throw new OAuthError("invalid_client_metadata", "grant_types must include authorization_code: it is the only way to obtain tokens here");
  const authMethod = m.token_endpoint_auth_method ?? "client_secret_basic";

  const now = opts.now ?? new Date();
  const id = newId("client", now.getTime());
  const secret = authMethod === "none" ? undefined : CLIENT_SECRET_PREFIX + randomBytes(32).toString("base64url");
  const name = m.client_name ?? (m.client_uri ? new URL(m.client_uri).host : "Unnamed client");
  await db.oAuthClient.create({
    data: {
      id,
      name,
      redirectUris,
      tokenEndpointAuthMethod: authMethod,
      secretHash: secret ? sha256Hex(secret) : null,
      grantTypes,
      clientUri: m.client_uri ?? null,
      logoUri: m.logo_uri ?? null,
      softwareId: m.software_id ?? null,
      softwareVersion: m.software_version ?? null,
      createdAt: now,
    },
  });
  return {
    client_id: id,
    ...(secret ? { client_secret: secret, client_secret_expires_at: 0 } : {}),
    client_id_issued_at: Math.floor(now.getTime() / 1000),
    client_name: name,
    redirect_uris: redirectUris,
    token_endpoint_auth_method: authMethod,
    grant_types: grantTypes,
    response_types: responseTypes,
    ...(m.client_uri ? { client_uri: m.client_uri } : {}),
    ...(m.logo_uri ? { logo_uri: m.logo_uri } : {}),
    ...(m.software_id ? { software_id: m.software_id } : {}),
    ...(m.software_version ? { software_version: m.software_version } : {}),
  };
}
