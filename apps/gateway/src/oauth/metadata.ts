import { GRANT_TYPES, RESPONSE_TYPES, TOKEN_ENDPOINT_AUTH_METHODS } from "@tengine/core";

/**
 * RFC 8414 authorization server metadata, served at `/.well-known/oauth-authorization-server`.
 * `scopes_supported` is left out on purpose: scopes are per project (each project's ceiling
 * is in its RFC 9728 document), and listing every tenant's scopes here would leak them.
 */
export function authorizationServerMetadata(issuer: string) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: ["query"],
    grant_types_supported: [...GRANT_TYPES],
    code_challenge_methods_supported: ["S256"],
    token_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    revocation_endpoint_auth_methods_supported: [...TOKEN_ENDPOINT_AUTH_METHODS],
    authorization_response_iss_parameter_supported: true,
    // https client ids name a metadata document, fetched at /oauth/authorize; DCR stays available.
    client_id_metadata_document_supported: true,
  };
}
