import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { register, REDIRECT, setPolicy } from "./oauth-helpers.ts";
import { rpc, startWorld } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
const ISSUER = "http://gateway.test";

beforeAll(async () => {
  // a small registration limit so the rate-limit case needs few requests
  world = await startWorld("oauthdisc", { oauthRegistrationLimit: { max: 25, windowMs: 60_000 } });
  p = await world.createProjectWithKey("Discovery");
  await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes: ["contacts:read", "contacts:write"] });
}, 60_000);

afterAll(async () => {
  await world?.close();
});

const getJson = async (path: string) => {
  const res = await fetch(`${world.base}${path}`);
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
};

describe("discovery", () => {
  it("serves RFC 9728 metadata per project: resource = MCP URL, the gateway as AS, the scope ceiling", async () => {
    const { status, json } = await getJson(`/.well-known/oauth-protected-resource/p/${p.project.slug}/mcp`);
    expect(status).toBe(200);
    expect(json).toMatchObject({
      resource: `${ISSUER}/p/${p.project.slug}/mcp`,
      authorization_servers: [ISSUER],
      scopes_supported: ["contacts:read", "contacts:write"],
      bearer_methods_supported: ["header"],
    });
  });

  it("serves root metadata for /mcp and 404 for an unknown project", async () => {
    const root = await getJson("/.well-known/oauth-protected-resource");
    expect(root.json).toMatchObject({ resource: `${ISSUER}/mcp`, authorization_servers: [ISSUER] });
    expect((await getJson("/.well-known/oauth-protected-resource/p/no-such-project/mcp")).status).toBe(404);
  });

  it("serves RFC 8414 authorization server metadata", async () => {
    const { status, headers, json } = await getJson("/.well-known/oauth-authorization-server");
    expect(status).toBe(200);
    expect(headers.get("access-control-allow-origin")).toBe("*");
    expect(json).toMatchObject({
      issuer: ISSUER,
      authorization_endpoint: `${ISSUER}/oauth/authorize`,
      token_endpoint: `${ISSUER}/oauth/token`,
      registration_endpoint: `${ISSUER}/oauth/register`,
      revocation_endpoint: `${ISSUER}/oauth/revoke`,
      jwks_uri: `${ISSUER}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      grant_types_supported: ["authorization_code", "refresh_token"],
      code_challenge_methods_supported: ["S256"],
      token_endpoint_auth_methods_supported: ["none", "client_secret_basic", "client_secret_post"],
      authorization_response_iss_parameter_supported: true,
    });
    expect(json.code_challenge_methods_supported).not.toContain("plain");
  });

  it("publishes the ES256 signing key as a JWKS", async () => {
    const { json } = await getJson("/.well-known/jwks.json");
    expect(json.keys.length).toBeGreaterThanOrEqual(1);
    expect(json.keys[0]).toMatchObject({ kty: "EC", crv: "P-256", alg: "ES256", use: "sig" });
    expect(json.keys[0].d).toBeUndefined();
  });

  it("points 401s of the MCP endpoint at the metadata", async () => {
    const res = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/list" });
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toBe(`Bearer resource_metadata="${ISSUER}/.well-known/oauth-protected-resource/p/${p.project.slug}/mcp"`);
  });

  it("answers on the compatibility aliases too", async () => {
    const reg = await fetch(`${world.base}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" }) });
    expect(reg.status).toBe(201);
    const tok = await fetch(`${world.base}/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "grant_type=password" });
    expect(tok.status).toBe(400);
    expect(await tok.json()).toMatchObject({ error: "unsupported_grant_type" });
    const rev = await fetch(`${world.base}/revoke`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "token=x" });
    expect(rev.status).toBe(401); // no client_id: invalid_client
    const authz = await fetch(`${world.base}/authorize?client_id=nope`, { redirect: "manual" });
    expect(authz.status).toBe(400);
    expect(authz.headers.get("location")).toBeNull();
  });
});

describe("dynamic client registration (RFC 7591)", () => {
  it("registers a public client without a secret", async () => {
    const r = await register(world.base, { client_name: "Claude Code", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] });
    expect(r.status).toBe(201);
    expect(r.headers.get("cache-control")).toBe("no-store");
    expect(r.json).toMatchObject({ client_name: "Claude Code", redirect_uris: [REDIRECT], token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] });
    expect(r.json.client_id).toMatch(/^cli_[0-9a-z]{26}$/);
    expect(r.json.client_secret).toBeUndefined();
    const row = await world.db.oAuthClient.findUniqueOrThrow({ where: { id: r.json.client_id } });
    expect(row.secretHash).toBeNull();
  });

  it("registers a confidential client: secret shown once, only its SHA-256 stored", async () => {
    const r = await register(world.base, { client_name: "Backend", redirect_uris: ["https://app.example.com/oauth/callback"] });
    expect(r.status).toBe(201);
    expect(r.json.token_endpoint_auth_method).toBe("client_secret_basic"); // RFC 7591 default
    expect(r.json.client_secret).toMatch(/^tng_cs_[A-Za-z0-9_-]{43}$/);
    expect(r.json.client_secret_expires_at).toBe(0);
    const row = await world.db.oAuthClient.findUniqueOrThrow({ where: { id: r.json.client_id } });
    expect(row.secretHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(r.json.client_secret);
  });

  it.each([
    [{ redirect_uris: ["http://evil.example.com/cb"] }, "invalid_redirect_uri", /non-loopback/],
    [{ redirect_uris: ["https://app.example.com/cb#frag"] }, "invalid_redirect_uri", /fragment/],
    [{ redirect_uris: ["/relative/cb"] }, "invalid_redirect_uri", /absolute/],
    [{ redirect_uris: ["javascript:alert(1)"] }, "invalid_redirect_uri", /forbidden scheme/],
    [{ redirect_uris: ["https://user:pw@app.example.com/cb"] }, "invalid_redirect_uri", /user information/],
    [{ redirect_uris: [] }, "invalid_redirect_uri", /at least one/],
    [{}, "invalid_redirect_uri", /redirect_uris is required/],
    [{ redirect_uris: [REDIRECT], grant_types: ["client_credentials"] }, "invalid_client_metadata", /grant_types/],
    [{ redirect_uris: [REDIRECT], grant_types: ["refresh_token"] }, "invalid_client_metadata", /authorization_code/],
    [{ redirect_uris: [REDIRECT], response_types: ["token"] }, "invalid_client_metadata", /response_types/],
    [{ redirect_uris: [REDIRECT], token_endpoint_auth_method: "private_key_jwt" }, "invalid_client_metadata", /token_endpoint_auth_method/],
    [{ redirect_uris: [REDIRECT], client_name: "" }, "invalid_client_metadata", /client_name/],
  ])("refuses %j with %s", async (metadata, error, description) => {
    const r = await register(world.base, metadata);
    expect(r.status).toBe(400);
    expect(r.json.error).toBe(error);
    expect(r.json.error_description).toMatch(description);
  });

  it("refuses a body that is not JSON", async () => {
    const res = await fetch(`${world.base}/oauth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "invalid_client_metadata" });
  });

  it("rate limits registrations per client IP with 429 and Retry-After", async () => {
    let limited: Awaited<ReturnType<typeof register>> | undefined;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await register(world.base, { redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" });
      if (r.status === 429) limited = r;
      else expect([201, 400]).toContain(r.status);
    }
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited!.json.error_description).toMatch(/Too many client registrations/);
  });
});
