import { z } from "zod";
import { type Db, isUniqueViolation } from "@tengine/db";
import type { OutboundClient } from "../outbound/outbound-client.ts";
import { redirectUriProblem } from "./register-client.ts";

/**
 * Client ID Metadata Documents (draft-ietf-oauth-client-id-metadata-document, the MCP
 * 2025-11-25 and 2026-07-28 authorization specs): a client names itself with the https URL of a
 * JSON document describing it, and the authorization server fetches that document instead of
 * requiring a registration. The fetch goes through the SSRF-guarded outbound pool, bounded in
 * size and time, and never follows redirects; the document's copy is kept on the client's row
 * for as long as its Cache-Control allows, within bounds.
 */

/** How the authorization server fetches documents; built once per process. */
export type ClientMetadataFetcher = {
  outbound: Pick<OutboundClient, "send">;
  /** whole fetch (connect, headers, body); default 5 s */
  timeoutMs?: number;
  /** larger documents are refused; default 5 KiB, as the draft suggests */
  maxBytes?: number;
  /**
   * Asked before every fetch (never for an unexpired copy): a reason to refuse it, e.g. the
   * caller's address fetched too many documents (a fetch is a registration by another name).
   */
  admit?: () => Promise<{ reason: string; status: number } | null>;
};

export const CLIENT_METADATA_LIMITS = { timeoutMs: 5_000, maxBytes: 5 * 1024 } as const;
/** Cache-Control max-age is honoured within these bounds; without one the copy is kept the default. */
export const CLIENT_METADATA_CACHE = { minSec: 60, maxSec: 24 * 3600, defaultSec: 15 * 60 } as const;

const MAX_CLIENT_ID_LENGTH = 2000;
const MAX_REDIRECT_URIS = 10;

/** Meant as a metadata-document client id (a URL), as opposed to a registered `cli_…` id; http is refused later, by name. */
export function isClientIdUrl(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * Why a client id cannot be a metadata document URL, or null: https, a path other than `/`,
 * no `.`/`..` segments, no fragment, no user information (the draft's rules). Compared
 * later as typed, never normalised.
 */
export function clientIdUrlProblem(clientId: string): string | null {
  if (clientId.length > MAX_CLIENT_ID_LENGTH) return `client_id is longer than ${MAX_CLIENT_ID_LENGTH} characters`;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return `client_id ${clientId} is not an absolute URL`;
  }
  if (url.protocol !== "https:") return `client_id ${clientId} must be an https URL to be fetched as a metadata document`;
  if (url.username || url.password) return `client_id ${clientId} must not contain user information`;
  if (clientId.includes("#")) return `client_id ${clientId} must not contain a fragment`;
  if (url.pathname === "/" || url.pathname === "") return `client_id ${clientId} must have a path (e.g. https://app.example.com/oauth/client.json)`;
  // The URL parser resolves dot segments away, so look at what was typed.
  const typedPath = clientId.slice(clientId.indexOf("/", url.protocol.length + 2)).split(/[?#]/)[0] ?? "";
  if (typedPath.split("/").some((segment) => segment === "." || segment === ".." || /^%2e(%2e)?$/i.test(segment) || /^\.%2e$|^%2e\.$/i.test(segment))) {
    return `client_id ${clientId} must not contain . or .. path segments`;
  }
  return null;
}

const SHARED_SECRET_METHODS = new Set(["client_secret_basic", "client_secret_post", "client_secret_jwt"]);

const documentSchema = z.object({
  client_id: z.string({ error: "client_id is required and must be the document's own URL" }),
  redirect_uris: z.array(z.string(), { error: "redirect_uris is required: an array of the client's redirect URIs" }).min(1, "redirect_uris must list at least one URI").max(MAX_REDIRECT_URIS, `at most ${MAX_REDIRECT_URIS} redirect_uris`),
  client_name: z.string().trim().min(1).max(200, "client_name is longer than 200 characters").optional(),
  client_uri: z.string().max(MAX_CLIENT_ID_LENGTH).optional(),
  logo_uri: z.string().max(MAX_CLIENT_ID_LENGTH).optional(),
  token_endpoint_auth_method: z.string().optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
  software_id: z.string().max(200).optional(),
  software_version: z.string().max(100).optional(),
});

/** What a validated document gives the client's row. */
export type ClientMetadata = {
  name: string;
  redirectUris: string[];
  grantTypes: string[];
  clientUri: string | null;
  logoUri: string | null;
  softwareId: string | null;
  softwareVersion: string | null;
};

/** Checks a fetched document against its URL; the error names the field and what to change. */
export function validateClientMetadata(clientId: string, body: unknown): { ok: true; metadata: ClientMetadata } | { ok: false; reason: string } {
  const fail = (reason: string) => ({ ok: false as const, reason });
  if (!body || typeof body !== "object" || Array.isArray(body)) return fail("the document is not a JSON object");
  const parsed = documentSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".");
    return fail(issue.message.includes(String(issue.path[0] ?? "")) ? issue.message : `${field}: ${issue.message}`);
  }
  const doc = parsed.data;
  // Simple string comparison, no normalisation (RFC 3986 §6.2.1, as the draft requires).
  if (doc.client_id !== clientId) return fail(`client_id in the document (${doc.client_id}) differs from the URL it was fetched from (${clientId})`);
  if ("client_secret" in body || "client_secret_expires_at" in body) return fail("the document must not contain client_secret or client_secret_expires_at: a metadata document is public");
  const method = doc.token_endpoint_auth_method ?? "none";
  if (SHARED_SECRET_METHODS.has(method)) return fail(`token_endpoint_auth_method ${method} needs a shared secret, which a metadata document client cannot have; use none (PKCE)`);
  if (method !== "none") return fail(`token_endpoint_auth_method ${method} is not supported here; use none (PKCE)`);
  const grantTypes = [...new Set(doc.grant_types ?? ["authorization_code", "refresh_token"])];
  if (!grantTypes.includes("authorization_code")) return fail("grant_types must include authorization_code");
  const unknownGrant = grantTypes.find((g) => g !== "authorization_code" && g !== "refresh_token");
  if (unknownGrant) return fail(`grant_types may contain authorization_code and refresh_token, not ${unknownGrant}`);
  if (doc.response_types && doc.response_types.some((r) => r !== "code")) return fail("response_types may contain only code");
  const redirectUris = [...new Set(doc.redirect_uris)];
  for (const uri of redirectUris) {
    const problem = redirectUriProblem(uri);
    if (problem) return fail(problem);
  }
  const httpUrl = (value: string | undefined) => {
    if (value === undefined) return null;
    try {
      const u = new URL(value);
      return u.protocol === "https:" || u.protocol === "http:" ? value : null;
    } catch {
      return null;
    }
  };
  return {
    ok: true,
    metadata: {
      // The name is self-declared; the consent page says so and shows the hosts that matter.
      name: doc.client_name ?? new URL(clientId).host,
      redirectUris,
      grantTypes,
      clientUri: httpUrl(doc.client_uri),
      logoUri: httpUrl(doc.logo_uri),
      softwareId: doc.software_id ?? null,
      softwareVersion: doc.software_version ?? null,
    },
  };
}

/** How long a fetched copy may be used: max-age within bounds; no-store / no-cache → at most the minimum. */
export function metadataMaxAgeSec(cacheControl: string | undefined): number {
  const value = (cacheControl ?? "").toLowerCase();
  if (/(^|,)\s*(no-store|no-cache)\s*(,|$)/.test(value)) return 0;
  const maxAge = /(?:^|,)\s*max-age\s*=\s*"?(\d+)"?/.exec(value)?.[1];
  if (maxAge === undefined) return CLIENT_METADATA_CACHE.defaultSec;
  return Math.min(CLIENT_METADATA_CACHE.maxSec, Math.max(CLIENT_METADATA_CACHE.minSec, Number(maxAge)));
}

/** One fetch of the document: the SSRF guard, the time and size limits apply; redirects are refused. */
export async function fetchClientMetadata(fetcher: ClientMetadataFetcher, clientId: string): Promise<{ ok: true; metadata: ClientMetadata; maxAgeSec: number } | { ok: false; reason: string }> {
  const maxBytes = fetcher.maxBytes ?? CLIENT_METADATA_LIMITS.maxBytes;
  const timeoutMs = fetcher.timeoutMs ?? CLIENT_METADATA_LIMITS.timeoutMs;
  const sent = await fetcher.outbound.send({ method: "GET", url: clientId, headers: { accept: "application/json" } }, { timeoutMs, maxAttempts: 1, maxResponseBytes: maxBytes, allowHttp: false });
  if (!sent.ok) {
    const why = sent.kind === "timeout" ? `no complete answer within ${timeoutMs} ms` : sent.message;
    return { ok: false, reason: `could not fetch the client's metadata document ${clientId}: ${why}` };
  }
  if (sent.status >= 300 && sent.status < 400) return { ok: false, reason: `the client's metadata document ${clientId} answered a redirect (${sent.status}); it must be served directly, with 200` };
  if (sent.status !== 200) return { ok: false, reason: `the client's metadata document ${clientId} answered HTTP ${sent.status}, not 200` };
  if (sent.truncated) return { ok: false, reason: `the client's metadata document ${clientId} is larger than ${maxBytes} bytes` };
  const type = (sent.headers["content-type"] ?? "").toLowerCase();
  if (!/^application\/([\w.+-]+\+)?json\b/.test(type)) return { ok: false, reason: `the client's metadata document ${clientId} is served as ${type || "no content type"}, not application/json` };
  let body: unknown;
  try {
    body = JSON.parse(sent.body.toString("utf8"));
  } catch {
    return { ok: false, reason: `the client's metadata document ${clientId} is not valid JSON` };
  }
  const validated = validateClientMetadata(clientId, body);
  if (!validated.ok) return { ok: false, reason: `the client's metadata document ${clientId} is invalid: ${validated.reason}` };
  return { ok: true, metadata: validated.metadata, maxAgeSec: metadataMaxAgeSec(sent.headers["cache-control"]) };
}

/**
 * The client row of a metadata-document client, fetched again when the stored copy has expired
 * (or was never fetched), so a client that changes its redirect URIs is seen within the cache
 * bound. A failed fetch refuses the authorization: nothing is served from an expired copy.
 */
export async function resolveMetadataClient(db: Db, fetcher: ClientMetadataFetcher, clientId: string, now: Date): Promise<{ ok: true; client: { id: string; redirectUris: string[] } } | { ok: false; reason: string; status?: number }> {
  const problem = clientIdUrlProblem(clientId);
  if (problem) return { ok: false, reason: problem };
  const stored = await db.oAuthClient.findUnique({ where: { id: clientId }, select: { id: true, redirectUris: true, metadataExpiresAt: true } });
  if (stored?.metadataExpiresAt && stored.metadataExpiresAt > now) return { ok: true, client: stored };
  const refusal = fetcher.admit ? await fetcher.admit() : null;
  if (refusal) return { ok: false, ...refusal };
  const fetched = await fetchClientMetadata(fetcher, clientId);
  if (!fetched.ok) return fetched;
  const { metadata } = fetched;
  const data = {
    name: metadata.name,
    redirectUris: metadata.redirectUris,
    tokenEndpointAuthMethod: "none",
    secretHash: null,
    grantTypes: metadata.grantTypes,
    clientUri: metadata.clientUri,
    logoUri: metadata.logoUri,
    softwareId: metadata.softwareId,
    softwareVersion: metadata.softwareVersion,
    metadataExpiresAt: new Date(now.getTime() + fetched.maxAgeSec * 1000),
  };
  const save = () => db.oAuthClient.upsert({ where: { id: clientId }, create: { id: clientId, ...data, createdAt: now }, update: data, select: { id: true, redirectUris: true } });
  // Two first authorizations at once both create: the loser updates what the winner created.
  const row = await save().catch((error: unknown) => (isUniqueViolation(error) ? save() : Promise.reject(error)));
  return { ok: true, client: row };
}
