import type { Db } from "@tengine/db";
import { safeEqual, sha256Hex } from "../crypto/hash.ts";
import { clientIdUrlProblem, isClientIdUrl } from "./client-metadata-document.ts";
import { OAuthError } from "./oauth-error.ts";

/** Client credentials as presented at the token or revocation endpoint. */
export type ClientCredentials = {
  clientId: string | undefined;
  clientSecret?: string | undefined;
  /** how the secret came: HTTP Basic (RFC 6749 §2.3.1), the form body, or not at all */
  method: "client_secret_basic" | "client_secret_post" | "none";
};

export type AuthenticatedClient = { id: string; name: string; grantTypes: string[]; tokenEndpointAuthMethod: string };

/**
 * Client authentication at the token and revocation endpoints (OAuth 2.1 §2.4, §3.2.1):
 * confidential clients must present their secret — by HTTP Basic or in the body, whichever
 * they registered, both are accepted — compared as SHA-256 hashes in constant time; public clients (`none`) only name themselves and must not
 * send a secret. Any failure is `invalid_client` (401) without saying which part was wrong.
 */
export async function authenticateClient(db: Db, credentials: ClientCredentials): Promise<AuthenticatedClient> {
  const fail = () => new OAuthError("invalid_client", "Client authentication failed");
  const { clientId } = credentials;
  // Registered clients are cli_…; metadata-document clients are their https URL (a row since /oauth/authorize fetched it).
  if (!clientId || !(/^cli_[0-9a-z]{26}$/.test(clientId) || (isClientIdUrl(clientId) && clientIdUrlProblem(clientId) === null))) throw new OAuthError("invalid_client", "client_id is missing or unknown");
  const client = await db.oAuthClient.findUnique({ where: { id: clientId }, select: { id: true, name: true, grantTypes: true, tokenEndpointAuthMethod: true, secretHash: true } });
  if (!client) throw new OAuthError("invalid_client", "client_id is missing or unknown");
  if (client.tokenEndpointAuthMethod === "none") {
    if (credentials.method !== "none" || credentials.clientSecret) throw fail();
  } else {
    if (credentials.method === "none" || !credentials.clientSecret || !client.secretHash) throw fail();
    if (!safeEqual(sha256Hex(credentials.clientSecret), client.secretHash)) throw fail();
  }
  return { id: client.id, name: client.name, grantTypes: client.grantTypes, tokenEndpointAuthMethod: client.tokenEndpointAuthMethod };
}
