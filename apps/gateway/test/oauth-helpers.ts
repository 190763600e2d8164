import { createHash, randomBytes } from "node:crypto";
import net from "node:net";
import { Writable } from "node:stream";
import { decideAuthorization, newId } from "@tengine/core";
import type { OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import pino from "pino";
import { createGateway } from "../src/http/create-gateway.ts";
import type { GatewayConfig } from "../src/env.ts";
import type { startWorld } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;

/** Loopback redirect URI as Claude Code uses it (`--callback-port 3118`). */
export const REDIRECT = "http://localhost:3118/callback";

export function pkce() {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A workspace member who signs in on the consent page. */
export async function createUser(world: World, role: "owner" | "admin" | "member" | "viewer" = "member") {
  const id = newId("user");
  await world.db.user.create({ data: { id, email: `${id}@example.test` } });
  await world.db.membership.create({ data: { id: newId("membership"), orgId: world.org.id, userId: id, role } });
  return id;
}

/** Sets a project's OAuth policy the way the admin page does (columns of Project). */
export async function setPolicy(world: World, projectId: string, policy: { mcpEnabled?: boolean; redirectUris?: string[]; clientIds?: string[]; scopes?: string[] }) {
  await world.db.project.update({
    where: { id: projectId },
    data: {
      ...(policy.mcpEnabled !== undefined ? { mcpEnabled: policy.mcpEnabled } : {}),
      ...(policy.redirectUris ? { oauthRedirectUris: policy.redirectUris } : {}),
      ...(policy.clientIds ? { oauthClientIds: policy.clientIds } : {}),
      ...(policy.scopes ? { oauthScopes: policy.scopes } : {}),
      configVersion: { increment: 1 },
    },
  });
}

export async function register(base: string, metadata: Record<string, unknown>) {
  const res = await fetch(`${base}/oauth/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(metadata) });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

export async function registerPublic(base: string, redirectUris = [REDIRECT]) {
  const r = await register(base, { client_name: "Test client", redirect_uris: redirectUris, token_endpoint_auth_method: "none", grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] });
  if (r.status !== 201) throw new Error(`registration failed: ${JSON.stringify(r.json)}`);
  return r.json.client_id as string;
}

/** GET /oauth/authorize without following redirects. */
export async function authorize(base: string, params: Record<string, string | undefined>, path = "/oauth/authorize") {
  const url = new URL(`${base}${path}`);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  const res = await fetch(url, { redirect: "manual" });
  return { status: res.status, location: res.headers.get("location"), headers: res.headers, text: await res.text() };
}

export function authorizeParams(input: { clientId: string; resource: string; challenge: string; redirectUri?: string; scope?: string; state?: string }) {
  return {
    response_type: "code",
    client_id: input.clientId,
    redirect_uri: input.redirectUri ?? REDIRECT,
    code_challenge: input.challenge,
    code_challenge_method: "S256",
    resource: input.resource,
    state: input.state ?? "st-123",
    ...(input.scope !== undefined ? { scope: input.scope } : {}),
  };
}

/** The request id of a successful /oauth/authorize (302 to the consent page). */
export function consentRequestId(location: string | null): string {
  if (!location) throw new Error("no Location");
  const url = new URL(location);
  if (url.pathname !== "/oauth/consent") throw new Error(`not the consent page: ${location}`);
  return url.searchParams.get("request")!;
}

/** Approves on behalf of the user exactly like the dashboard's consent form does; returns the code. */
export async function approve(world: World, requestId: string, userId: string, scopes?: string[]) {
  const { redirectTo } = await decideAuthorization(world.db, { requestId, userId, decision: "approve", issuer: world.config.publicUrl, ...(scopes ? { scopes } : {}) });
  const url = new URL(redirectTo);
  return { code: url.searchParams.get("code")!, redirect: url };
}

export async function token(base: string, form: Record<string, string | undefined>, headers: Record<string, string> = {}) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form)) if (v !== undefined) body.set(k, v);
  const res = await fetch(`${base}/oauth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body });
  return { status: res.status, headers: res.headers, json: (await res.json()) as any };
}

/** Authorize → consent → code: the browser part of the flow. */
export async function obtainCode(world: World, input: { base: string; clientId: string; resource: string; userId: string; scope?: string; approveScopes?: string[]; redirectUri?: string }) {
  const { verifier, challenge } = pkce();
  const res = await authorize(input.base, authorizeParams({ clientId: input.clientId, resource: input.resource, challenge, ...(input.scope !== undefined ? { scope: input.scope } : {}), ...(input.redirectUri ? { redirectUri: input.redirectUri } : {}) }));
  if (res.status !== 302) throw new Error(`authorize answered ${res.status}: ${res.text.slice(0, 300)}`);
  const { code } = await approve(world, consentRequestId(res.location), input.userId, input.approveScopes);
  return { code, verifier };
}

/** The whole flow for a public client: tokens for `resource`. */
export async function obtainTokens(world: World, input: { base: string; clientId: string; resource: string; userId: string; scope?: string; approveScopes?: string[] }) {
  const { code, verifier } = await obtainCode(world, input);
  const res = await token(input.base, { grant_type: "authorization_code", code, code_verifier: verifier, redirect_uri: REDIRECT, client_id: input.clientId });
  if (res.status !== 200) throw new Error(`token answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json as { access_token: string; refresh_token: string; scope: string; expires_in: number; token_type: string };
}

/**
 * Another gateway on the world's database whose clock the test moves (code expiry, refresh
 * grace window, token expiry) — no sleeping.
 */
export async function startClockedGateway(world: World, overrides: Partial<GatewayConfig> = {}) {
  const clock = { now: Date.now() };
  const gateway = await createGateway({ ...world.config, ...overrides }, { logger: pino({ level: "silent" }, new Writable({ write(_c, _e, cb) { cb(); } })), now: () => clock.now });
  const port = await gateway.listen(0, "127.0.0.1");
  return { base: `http://127.0.0.1:${port}`, clock, close: () => gateway.close() };
}

/** A free loopback port, for a gateway whose public URL must be its real address. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

/** An in-memory OAuthClientProvider, like Claude Code's with `--callback-port 3118`. */
export class MemoryProvider implements OAuthClientProvider {
  constructor(private readonly stateValue = "sdk-state", clientName = "SDK test client") {
    this.clientMetadata = { client_name: clientName, redirect_uris: [REDIRECT], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], token_endpoint_auth_method: "none" };
  }
  client: any;
  saved: any;
  verifier = "";
  authorizationUrl: URL | undefined;
  readonly redirectUrl = REDIRECT;
  readonly clientMetadata: { client_name: string; redirect_uris: string[]; grant_types: string[]; response_types: string[]; token_endpoint_auth_method: string };
  state() {
    return this.stateValue;
  }
  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: any) {
    this.client = info;
  }
  tokens() {
    return this.saved;
  }
  saveTokens(tokens: any) {
    this.saved = tokens;
  }
  redirectToAuthorization(url: URL) {
    this.authorizationUrl = url;
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  // The SDK drops what the server refused (e.g. tokens after invalid_grant), as clients do.
  invalidateCredentials(scope: "all" | "client" | "tokens" | "verifier" | "discovery") {
    if (scope === "all" || scope === "tokens") this.saved = undefined;
    if (scope === "all" || scope === "client") this.client = undefined;
  }
}
