import { randomUUID } from "node:crypto";
import { listRuns, setMemberAssertionJwk, setMemberAssertionSecret, revokeApiKey } from "@tengine/core";
import { createMemberAssertion, MemberSessionError, mintMemberSession, verifyRequest } from "@tengine/sdk";
import { decodeProtectedHeader, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from "jose";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/http/create-gateway.ts";
import { connectClient, rpc, startUpstream, startWorld, type UpstreamRequest } from "./harness.ts";

type World = Awaited<ReturnType<typeof startWorld>>;
type Project = Awaited<ReturnType<World["createProjectWithKey"]>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let issuer: string;
/** HS256 project: the backend holds its member-assertion secret */
let hs: Project;
let hsSecret: string;
/** ES256 project: the backend holds a private key whose public JWK the project registered */
let es: Project;
let esKey: Awaited<ReturnType<typeof generateKeyPair>>;
/** a project with no member-assertion key */
let bare: Project;
const signingSecrets: Record<string, string> = {};

/** The customer's API: verifies the gateway's signature on every request and echoes what it verified. */
async function verifyingUpstream(entry: UpstreamRequest, res: import("node:http").ServerResponse) {
  const request = new Request(`${upstream.url}${entry.url}`, { method: entry.method, headers: entry.headers as Record<string, string>, body: entry.body.length ? entry.body : undefined });
  const verified = await verifyRequest(request, { secrets: signingSecrets });
  if (!verified.ok) {
    res.writeHead(401, { "content-type": "application/json" }).end(JSON.stringify({ error: verified.reason }));
    return;
  }
  const body = verified.body.length ? JSON.parse(Buffer.from(verified.body).toString("utf8")) : null;
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ verified: true, identity: verified.identity, path: entry.url, body }));
}

const whoisTool = (url: string) => ({
  name: "whois",
  description: "Tells the API who the member is",
  inputSchema: { type: "object", properties: { note: { type: "string" } }, required: ["note"], additionalProperties: false },
  method: "POST",
  url: `${url}/members/{{member.id}}/notes`,
  body: { email: "{{member.email}}", name: "{{member.name}}", note: "{{input.note}}" },
  auth: { type: "hmac" as const },
});

beforeAll(async () => {
  world = await startWorld("msessions");
  issuer = world.config.publicUrl;
  upstream = await startUpstream((entry, res) => verifyingUpstream(entry, res));
  hs = await world.createProjectWithKey("Members HS");
  hsSecret = (await setMemberAssertionSecret(world.db, world.secretBox, hs.project.id)).secret;
  es = await world.createProjectWithKey("Members ES");
  esKey = await generateKeyPair("ES256", { extractable: true });
  await setMemberAssertionJwk(world.db, es.project.id, { ...(await exportJWK(esKey.publicKey)), kid: "backend-1" });
  bare = await world.createProjectWithKey("Members none");
  for (const p of [hs, es, bare]) {
    signingSecrets[p.signing.keyid] = p.signing.secret;
    await world.addTool(p.project.id, whoisTool(upstream.url));
  }
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");
const hsAssertion = (options: Partial<Parameters<typeof createMemberAssertion>[1]> = {}) =>
  createMemberAssertion({ secret: hsSecret }, { sub: "user_42", email: "ada@example.com", name: "Ada Lovelace", audience: issuer, ...options });
const mint = (p: Project, assertion: string) => mintMemberSession({ gatewayUrl: world.base, apiKey: p.key, assertion });
const mintRaw = (apiKey: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${world.base}/v1/member-sessions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
const callWhois = (url: string, token: string, note = "hi") =>
  rpc(url, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "whois", arguments: { note } } }, { authorization: `Bearer ${token}` });

describe("a backend mints a session with the SDK; an MCP client calls tools with it", () => {
  it("HS256: the upstream verifies the signature and sees the member's id, email and {{member.*}} values", async () => {
    const before = Date.now();
    const session = await mint(hs, await hsAssertion());
    expect(session.token).toMatch(/^tng_mst_[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(session.memberId).toBe("user_42");
    expect(session.expiresAt.getTime()).toBeGreaterThanOrEqual(before + 15 * 60_000 - 1000);
    expect(session.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + 15 * 60_000);

    const client = await connectClient(hs.mcpUrl, session.token);
    const n = upstream.requests.length;
    const result: any = await client.callTool({ name: "whois", arguments: { note: "from the model" } });
    expect(result.isError, text(result)).toBeFalsy();
    expect(upstream.requests.length).toBe(n + 1);
    const sent = upstream.requests.at(-1)!;
    expect(sent.url).toBe("/members/user_42/notes");
    expect(sent.headers["x-tengine-principal"]).toBe("member");
    expect(sent.headers["x-tengine-member-id"]).toBe("user_42");
    expect(sent.headers["x-tengine-member-email"]).toBe("ada@example.com");
    // what the upstream verified with verifyRequest(), echoed back through the tool result
    expect(result.structuredContent).toMatchObject({
      verified: true,
      path: "/members/user_42/notes",
      identity: { principal: "member", memberId: "user_42", memberEmail: "ada@example.com", projectId: hs.project.id, runId: result._meta["tengine/runId"] },
      body: { email: "ada@example.com", name: "Ada Lovelace", note: "from the model" },
    });
    expect(String(sent.headers["signature-input"])).toContain('"x-tengine-member-id"');
    await client.close();

    // the run records the member and the minting key; the runs list filters by member
    const { runs } = await listRuns(world.db, hs.project.id, { memberId: "user_42" });
    expect(runs[0]).toMatchObject({ id: result._meta["tengine/runId"], principalKind: "member", memberId: "user_42", memberEmail: "ada@example.com", apiKeyId: hs.keyId, status: "succeeded" });
    expect((await listRuns(world.db, hs.project.id, { memberId: "someone_else" })).runs).toHaveLength(0);
  });

  it("works at /mcp too: the token names its project", async () => {
    const session = await mint(hs, await hsAssertion({ sub: "user_mcp" }));
    const client = await connectClient(`${world.base}/mcp`, session.token);
    const result: any = await client.callTool({ name: "whois", arguments: { note: "generic endpoint" } });
    expect(result.structuredContent).toMatchObject({ identity: { memberId: "user_mcp", projectId: hs.project.id } });
    await client.close();
  });

  it("ES256: assertions signed with the backend's private key (public JWK registered)", async () => {
    const assertion = await createMemberAssertion({ privateKey: { ...(await exportJWK(esKey.privateKey)), kid: "backend-1" }, alg: "ES256" }, { sub: "es_member", email: "grace@example.com", audience: issuer });
    const session = await mint(es, assertion);
    const client = await connectClient(es.mcpUrl, session.token);
    const result: any = await client.callTool({ name: "whois", arguments: { note: "es" } });
    expect(result.structuredContent).toMatchObject({ verified: true, path: "/members/es_member/notes", identity: { memberId: "es_member", memberEmail: "grace@example.com" } });
    await client.close();
  });

  it("mcp_whoami shows the member and the session's expiry", async () => {
    const session = await mint(hs, await hsAssertion({ sub: "who_1", roles: ["support"] }));
    const client = await connectClient(hs.mcpUrl, session.token);
    const result: any = await client.callTool({ name: "mcp_whoami", arguments: {} });
    expect(result.structuredContent).toEqual({
      kind: "member",
      project: { id: hs.project.id, slug: hs.project.slug },
      apiKeyId: hs.keyId,
      member: { id: "who_1", email: "ada@example.com", name: "Ada Lovelace", roles: ["support"] },
      scopes: "all (the session's API key has no scope list)",
      expiresAt: session.expiresAt.toISOString(),
    });
    await client.close();
  });

  it("publishes the key that signs session tokens at /.well-known/jwks.json", async () => {
    const session = await mint(hs, await hsAssertion());
    const res = await fetch(`${world.base}/.well-known/jwks.json`);
    expect(res.status).toBe(200);
    const jwks = (await res.json()) as { keys: { kid: string; kty: string; d?: string }[] };
    const { kid } = decodeProtectedHeader(session.token.slice("tng_mst_".length));
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    expect(jwks.keys.every((k) => k.kty === "EC" && k.d === undefined)).toBe(true);
  });
});

describe("each bad assertion gets its 401 with its reason", () => {
  const nowSec = () => Math.floor(Date.now() / 1000);
  const claims = (overrides: JWTPayload = {}): JWTPayload => ({ sub: "user_42", aud: issuer, iat: nowSec(), exp: nowSec() + 60, jti: randomUUID(), ...overrides });
  const unsigned = (payload: JWTPayload) => `${Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}.`;

  const cases: [string, () => Promise<[Project, string]>, string, RegExp][] = [
    ["expired", async () => [hs, await hsAssertion({ now: () => Date.now() - 10 * 60_000 })], "expired", /expired/],
    ["wrong audience", async () => [hs, await hsAssertion({ audience: "https://another-gateway.example.com" })], "wrong_audience", /wrong audience.*http:\/\/gateway\.test/],
    ["unknown key (kid not registered)", async () => [es, await createMemberAssertion({ privateKey: (await generateKeyPair("ES256")).privateKey, alg: "ES256", kid: "backend-2" }, { sub: "x", audience: issuer })], "unknown_key", /unknown key/],
    ["wrong key (another secret)", async () => [hs, await createMemberAssertion({ secret: "another-secret-that-is-long-enough-for-the-sdk" }, { sub: "x", audience: issuer })], "bad_signature", /signature verification failed/],
    ["no member-assertion key configured", async () => [bare, await hsAssertion()], "no_key_configured", /no member-assertion key is configured/],
    ["alg: none", async () => [hs, unsigned(claims())], "alg_none", /alg: none/],
    ["HS256 at an ES256 project", async () => [es, await hsAssertion()], "algorithm_not_allowed", /algorithm not allowed: HS256/],
    ["ES256 at an HS256 project", async () => [hs, await new SignJWT(claims()).setProtectedHeader({ alg: "ES256" }).sign(esKey.privateKey)], "algorithm_not_allowed", /algorithm not allowed: ES256/],
    ["missing sub", async () => [hs, await new SignJWT(claims({ sub: undefined })).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(hsSecret))], "missing_claim", /no "sub"/],
    ["exp more than 5 minutes ahead", async () => [hs, await new SignJWT(claims({ exp: nowSec() + 3600 })).setProtectedHeader({ alg: "HS256" }).sign(new TextEncoder().encode(hsSecret))], "lifetime_too_long", /at most 300 seconds/],
  ];
  for (const [label, make, reason, message] of cases) {
    it(label, async () => {
      const [project, assertion] = await make();
      const res = await mintRaw(project.key, { member_assertion: assertion });
      expect(res.status).toBe(401);
      expect(res.headers.get("cache-control")).toBe("no-store");
      const body = (await res.json()) as { error: string; reason: string; message: string };
      expect(body).toMatchObject({ error: "invalid_member_assertion", reason });
      expect(body.message).toMatch(message);
    });
  }

  it("replayed jti: the second exchange of one assertion is refused, and the SDK throws the reason", async () => {
    const assertion = await hsAssertion();
    await expect(mint(hs, assertion)).resolves.toMatchObject({ memberId: "user_42" });
    const error = await mint(hs, assertion).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberSessionError);
    expect(error).toMatchObject({ status: 401, code: "invalid_member_assertion", reason: "jti_replayed", message: expect.stringMatching(/assertion jti already used/) });
  });

  it("a member token used at another project's URL", async () => {
    const session = await mint(hs, await hsAssertion());
    const res = await callWhois(es.mcpUrl, session.token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(res.headers.get("www-authenticate")).toContain('error_description="token is for another project"');
    expect(res.json.error.message).toBe("Unauthorized: token is for another project");
  });

  it("a tampered session token", async () => {
    const session = await mint(hs, await hsAssertion());
    const [h, p, s] = session.token.slice(8).split(".");
    const claims = JSON.parse(Buffer.from(p!, "base64url").toString());
    const forged = `tng_mst_${h}.${Buffer.from(JSON.stringify({ ...claims, sub: "admin" })).toString("base64url")}.${s}`;
    const res = await callWhois(hs.mcpUrl, forged);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error_description="member session token signature is invalid"');
  });
});

describe("POST /v1/member-sessions: the request itself", () => {
  it("400 for a bad body, 415 for another media type, 401 without a valid API key, 403 with a session token, 405 for GET", async () => {
    const badJson = await mintRaw(hs.key, "{nope");
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: "invalid_request", message: expect.stringMatching(/not valid JSON/) });
    const missing = await mintRaw(hs.key, { assertion: "x" });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toMatchObject({ error: "invalid_request", message: expect.stringMatching(/member_assertion is required/) });
    expect((await mintRaw(hs.key, { member_assertion: "" })).status).toBe(400);
    expect((await mintRaw(hs.key, "[]")).status).toBe(400);
    expect((await mintRaw(hs.key, "{}", { "content-type": "text/plain" })).status).toBe(415);

    const noKey = await fetch(`${world.base}/v1/member-sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get("www-authenticate")).toBeTruthy();
    const badKey = await mintRaw(`tengine_${"x".repeat(43)}`, { member_assertion: await hsAssertion() });
    expect(badKey.status).toBe(401);
    expect(badKey.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect(await badKey.json()).toMatchObject({ error: "invalid_token", message: expect.stringMatching(/unknown API key/) });

    const session = await mint(hs, await hsAssertion());
    const withSession = await mintRaw(session.token, { member_assertion: await hsAssertion() });
    expect(withSession.status).toBe(403);
    expect((await fetch(`${world.base}/v1/member-sessions`)).status).toBe(405);
  });

  it("answers 201 with no-store", async () => {
    const res = await mintRaw(hs.key, { member_assertion: await hsAssertion({ sub: "user_201" }) });
    expect(res.status).toBe(201);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(["expires_at", "member_id", "token", "toolsets"]);
    expect(body.toolsets).toEqual([]);
    expect(body.member_id).toBe("user_201");
    expect(new Date(String(body.expires_at)).toISOString()).toBe(body.expires_at);
  });
});

describe("revocation and rotation cut sessions off at their next call", () => {
  it("revoking the API key that minted the session", async () => {
    const p = await world.createProjectWithKey("Members revoke");
    signingSecrets[p.signing.keyid] = p.signing.secret;
    await world.addTool(p.project.id, whoisTool(upstream.url));
    const { secret } = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    const session = await mint(p, await createMemberAssertion({ secret }, { sub: "m1", audience: issuer }));
    expect((await callWhois(p.mcpUrl, session.token)).json.result.isError).toBeFalsy();
    await revokeApiKey(world.db, p.project.id, p.keyId);
    const n = upstream.requests.length;
    const res = await callWhois(p.mcpUrl, session.token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error_description="session revoked: its API key was revoked"');
    expect(upstream.requests.length).toBe(n);
  });

  it("rotating the member-assertion secret", async () => {
    const p = await world.createProjectWithKey("Members rotate");
    signingSecrets[p.signing.keyid] = p.signing.secret;
    await world.addTool(p.project.id, whoisTool(upstream.url));
    const first = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    const session = await mint(p, await createMemberAssertion({ secret: first.secret }, { sub: "m2", audience: issuer }));
    expect((await callWhois(p.mcpUrl, session.token)).status).toBe(200);
    const second = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    const res = await callWhois(p.mcpUrl, session.token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain('error_description="session ended: the member-assertion key was rotated"');
    // the old secret can no longer mint; the new one can
    await expect(mint(p, await createMemberAssertion({ secret: first.secret }, { sub: "m2", audience: issuer }))).rejects.toMatchObject({ reason: "bad_signature" });
    const fresh = await mint(p, await createMemberAssertion({ secret: second.secret }, { sub: "m2", audience: issuer }));
    expect((await callWhois(p.mcpUrl, fresh.token)).status).toBe(200);
  });

  it("replacing the public key of an ES256 project", async () => {
    const p = await world.createProjectWithKey("Members rekey");
    await world.addTool(p.project.id, whoisTool(upstream.url));
    signingSecrets[p.signing.keyid] = p.signing.secret;
    const key = await generateKeyPair("ES256", { extractable: true });
    await setMemberAssertionJwk(world.db, p.project.id, await exportJWK(key.publicKey));
    const session = await mint(p, await createMemberAssertion({ privateKey: key.privateKey, alg: "ES256" }, { sub: "m3", audience: issuer }));
    expect((await callWhois(p.mcpUrl, session.token)).status).toBe(200);
    await setMemberAssertionJwk(world.db, p.project.id, await exportJWK((await generateKeyPair("ES256", { extractable: true })).publicKey));
    const res = await callWhois(p.mcpUrl, session.token);
    expect(res.status).toBe(401);
    expect(res.headers.get("www-authenticate")).toContain("member-assertion key was rotated");
  });
});

describe("require_member and scopes", () => {
  it("a require_member project refuses an API key call (tool error, nothing sent) and accepts the member's", async () => {
    const p = await world.createProjectWithKey("Members required");
    signingSecrets[p.signing.keyid] = p.signing.secret;
    await world.addTool(p.project.id, whoisTool(upstream.url));
    const { secret } = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    await world.db.project.update({ where: { id: p.project.id }, data: { requireMember: true } });

    const n = upstream.requests.length;
    const byKey = await callWhois(p.mcpUrl, p.key);
    expect(byKey.status).toBe(200);
    expect(byKey.json.result.isError).toBe(true);
    expect(text(byKey.json.result)).toBe("This project requires a member identity: call with a member session token (tng_mst_…)");
    expect(upstream.requests.length).toBe(n);
    const denied = (await listRuns(world.db, p.project.id, { principalKind: "api_key" })).runs[0];
    expect(denied).toMatchObject({ status: "denied", toolName: "whois" });

    const session = await mint(p, await createMemberAssertion({ secret }, { sub: "member_ok", email: "ok@example.com", audience: issuer }));
    const byMember = await callWhois(p.mcpUrl, session.token);
    expect(byMember.json.result.isError).toBeFalsy();
    expect(byMember.json.result.structuredContent).toMatchObject({ identity: { memberId: "member_ok" } });
    expect(upstream.requests.length).toBe(n + 1);
  });

  it("assertion scopes narrow the session below the minting key's", async () => {
    const p = await world.createProjectWithKey("Members scopes", { scopes: ["contacts:write", "deals:read"] });
    signingSecrets[p.signing.keyid] = p.signing.secret;
    const base = { inputSchema: { type: "object" }, method: "GET", url: `${upstream.url}/scoped` } as const;
    await world.addTool(p.project.id, { ...base, name: "read_contacts", description: "r", requiredScopes: ["contacts:read"] });
    await world.addTool(p.project.id, { ...base, name: "write_contacts", description: "w", requiredScopes: ["contacts:write"] });
    await world.addTool(p.project.id, { ...base, name: "read_deals", description: "d", requiredScopes: ["deals:read"] });
    const { secret } = await setMemberAssertionSecret(world.db, world.secretBox, p.project.id);
    // asks for contacts:read (held through contacts:write) and billing:write (not held: dropped)
    const session = await mint(p, await createMemberAssertion({ secret }, { sub: "narrow", scopes: ["contacts:read", "billing:write"], audience: issuer }));
    const client = await connectClient(p.mcpUrl, session.token);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["mcp_whoami", "read_contacts", "tengine_run_status"]);
    const who: any = await client.callTool({ name: "mcp_whoami", arguments: {} });
    expect(who.structuredContent.scopes).toEqual(["contacts:read"]);
    await client.close();
    const denied = await rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "write_contacts", arguments: {} } }, { authorization: `Bearer ${session.token}` });
    expect(denied.status).toBe(403);
    expect(denied.json.error.message).toBe("Tool requires scopes: contacts:write");
  });
});

describe("two gateway replicas", () => {
  it("share one signing key, accept each other's sessions, and let one assertion be exchanged once", async () => {
    const replica = await createGateway(world.config, { logger: pino({ level: "silent" }) });
    const replicaBase = `http://127.0.0.1:${await replica.listen(0, "127.0.0.1")}`;
    try {
      // the same assertion at both replicas at once: exactly one session
      const assertion = await hsAssertion({ sub: "replicated" });
      const answers = await Promise.all([world.base, replicaBase].map((gatewayUrl) => mintMemberSession({ gatewayUrl, apiKey: hs.key, assertion }).catch((e: unknown) => e)));
      const sessions = answers.filter((a): a is Awaited<ReturnType<typeof mintMemberSession>> => !(a instanceof Error));
      expect(sessions).toHaveLength(1);
      expect(answers.find((a) => a instanceof MemberSessionError)).toMatchObject({ reason: "jti_replayed" });
      // minted by one, used at the other
      const session = sessions[0]!;
      const res = await callWhois(`${replicaBase}/p/${hs.project.slug}/mcp`, session.token);
      expect(res.json.result.structuredContent).toMatchObject({ identity: { memberId: "replicated" } });
      const jwks = (await (await fetch(`${replicaBase}/.well-known/jwks.json`)).json()) as { keys: { kid: string }[] };
      expect(jwks).toEqual(await (await fetch(`${world.base}/.well-known/jwks.json`)).json());
    } finally {
      await replica.close();
    }
  });
});
