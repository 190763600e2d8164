import { execFile } from "node:child_process";
import { createCipheriv, randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { SecretBox, setMemberAssertionSecret, setProjectSecret } from "@tengine/core";
import { createMemberAssertion, mintMemberSession, verifyRequest } from "@tengine/sdk";
import { decodeProtectedHeader } from "jose";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createGateway } from "../src/http/create-gateway.ts";
import { echoSchema, rpc, startUpstream, startWorld } from "./harness.ts";

// Master-key rotation and gateway signing-key rotation, done the documented way: the real
// `tengine` CLI against the real database, then gateways started with the new settings serve
// calls that need the decrypted secrets.

const run = promisify(execFile);
const bin = fileURLToPath(new URL("../../../packages/cli/bin/tengine.mjs", import.meta.url));

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let memberSecret: string;
const OLD_KEY = SecretBox.generateKey();
const NEW_KEY = SecretBox.generateKey();
const BEARER = "upstream-bearer-0123456789";
const LEGACY_BEARER = "legacy-bearer-0123456789";
const CRM_TOKEN = "crm-token-0123456789";
const silent = pino({ level: "silent" });

/** Runs the real CLI on the world's database with `env` added; returns parsed --json output. */
async function tengine(env: Record<string, string>, ...args: string[]) {
  const base = { ...process.env, DATABASE_URL: world.config.databaseUrl, DATABASE_SCHEMA: world.config.databaseSchema!, ...env };
  try {
    const { stdout } = await run(process.execPath, [bin, "--json", ...args], { env: base, timeout: 60_000 });
    return { ok: true as const, json: JSON.parse(stdout) };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { ok: false as const, code: e.code, error: JSON.parse(e.stderr.trim().split("\n").at(-1)!) };
  }
}

/** A ciphertext as Tengine wrote it before associated data existed (v1). */
function legacyV1(masterKey: string, plaintext: string) {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", Buffer.from(masterKey, "base64url"), iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}

async function startGateway(masterKey: string, now?: () => number) {
  const gateway = await createGateway({ ...world.config, masterKey }, { logger: silent, ...(now ? { now } : {}) });
  const port = await gateway.listen(0, "127.0.0.1");
  const base = `http://127.0.0.1:${port}`;
  return { base, mcpUrl: `${base}/p/${p.project.slug}/mcp`, close: () => gateway.close() };
}

const call = (mcpUrl: string, name: string, credential = p.key) =>
  rpc(mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: {} } }, { authorization: `Bearer ${credential}` });

beforeAll(async () => {
  world = await startWorld("keyrot", { masterKey: OLD_KEY });
  upstream = await startUpstream();
  p = await world.createProjectWithKey("Rotation");
  await setProjectSecret(world.db, world.secretBox, p.project.id, "CRM_TOKEN", CRM_TOKEN);
  memberSecret = (await setMemberAssertionSecret(world.db, world.secretBox, p.project.id)).secret;
  const tool = (name: string, extra: Record<string, unknown>) =>
    world.addTool(p.project.id, { name, description: name, inputSchema: echoSchema, method: "GET", url: `${upstream.url}/${name}`, annotations: { readOnlyHint: true }, ...extra });
  await tool("bearer_tool", { auth: { type: "bearer", token: BEARER }, headers: { "x-crm": "{{secrets.CRM_TOKEN}}" } });
  await tool("signed_tool", { auth: { type: "hmac" } });
  const legacy = await tool("legacy_tool", { auth: { type: "bearer", token: "placeholder-0123456789" } });
  // A row written by an older version: its ciphertext is v1, bound to no row.
  await world.db.tool.update({ where: { id: legacy.id }, data: { authSecretEnc: legacyV1(OLD_KEY, LEGACY_BEARER) } });
  await world.addTool(p.project.id, { name: "victim_tool", description: "victim", inputSchema: echoSchema, method: "GET", url: `${upstream.url}/victim_tool`, annotations: { readOnlyHint: true }, auth: { type: "bearer", token: "victim-bearer-0123456789" } });
}, 60_000);

afterAll(async () => {
  await world?.close();
  await upstream?.close();
});

describe("secrets bound to their row", () => {
  it("a ciphertext copied into another row does not decrypt: the call fails closed and nothing is sent", async () => {
    const source = await world.db.tool.findFirstOrThrow({ where: { projectId: p.project.id, name: "bearer_tool" } });
    const victim = await world.db.tool.findFirstOrThrow({ where: { projectId: p.project.id, name: "victim_tool" } });
    await world.db.tool.update({ where: { id: victim.id }, data: { authSecretEnc: source.authSecretEnc } });
    await world.db.project.update({ where: { id: p.project.id }, data: { configVersion: { increment: 1 } } });
    const before = upstream.requests.length;
    const res = await call(p.mcpUrl, "victim_tool");
    expect(res.text).not.toContain(BEARER);
    expect(res.json.result.isError).toBe(true);
    expect(res.json.result.content[0].text).toBe("The stored credential of tool victim_tool cannot be decrypted (TENGINE_MASTER_KEY does not open it for this tool); nothing was sent");
    expect(upstream.requests.length).toBe(before);
    await world.db.tool.update({ where: { id: victim.id }, data: { authSecretEnc: victim.authSecretEnc } });
    await world.db.project.update({ where: { id: p.project.id }, data: { configVersion: { increment: 1 } } });
  });
});

describe("tengine secrets rotate-master-key", () => {
  it("refuses a wrong old key and changes nothing", { timeout: 120_000 }, async () => {
    const before = await world.db.tool.findMany({ select: { id: true, authSecretEnc: true }, orderBy: { id: "asc" } });
    const wrong = await tengine({ TENGINE_MASTER_KEY: SecretBox.generateKey(), TENGINE_MASTER_KEY_NEW: NEW_KEY }, "secrets", "rotate-master-key");
    expect(wrong).toMatchObject({ ok: false, code: 1, error: { error: "unprocessable" } });
    expect(wrong.ok || wrong.error.message).toMatch(/cannot be read with the old key\(s\); nothing was changed/);
    expect(await world.db.tool.findMany({ select: { id: true, authSecretEnc: true }, orderBy: { id: "asc" } })).toEqual(before);
  });

  it("re-encrypts every secret under the new key in one go; a gateway with the new key serves calls that need them", { timeout: 120_000 }, async () => {
    // A gateway key exists once a session was minted (its private key is a secret too).
    const assertion = await createMemberAssertion({ secret: memberSecret }, { sub: "user_1", audience: world.config.publicUrl });
    await mintMemberSession({ gatewayUrl: world.base, apiKey: p.key, assertion });

    const rotated = await tengine({ TENGINE_MASTER_KEY: OLD_KEY, TENGINE_MASTER_KEY_NEW: NEW_KEY }, "secrets", "rotate-master-key");
    expect(rotated.ok).toBe(true);
    expect(rotated.ok && rotated.json).toMatchObject({
      upgradedLegacy: 1,
      columns: { "Tool.authSecretEnc": 3, "Secret.valueEnc": 1, "SigningSecret.secretEnc": 1, "Project.memberAssertionSecretEnc": 1, "GatewayKey.privateKeyEnc": 1 },
    });
    const tools = await world.db.tool.findMany({ where: { authSecretEnc: { not: null } }, select: { authSecretEnc: true } });
    expect(tools.every((t) => t.authSecretEnc!.startsWith("v2."))).toBe(true);
    // Running it again with the same settings is harmless.
    expect((await tengine({ TENGINE_MASTER_KEY: OLD_KEY, TENGINE_MASTER_KEY_NEW: NEW_KEY }, "secrets", "rotate-master-key")).ok).toBe(true);

    const fresh = await startGateway(NEW_KEY);
    try {
      const before = upstream.requests.length;
      expect((await call(fresh.mcpUrl, "bearer_tool")).json.result.isError).toBeFalsy();
      expect((await call(fresh.mcpUrl, "legacy_tool")).json.result.isError).toBeFalsy();
      expect((await call(fresh.mcpUrl, "signed_tool")).json.result.isError).toBeFalsy();
      const [bearer, legacy, signed] = upstream.requests.slice(before);
      expect(bearer!.headers.authorization).toBe(`Bearer ${BEARER}`);
      expect(bearer!.headers["x-crm"]).toBe(CRM_TOKEN);
      expect(legacy!.headers.authorization).toBe(`Bearer ${LEGACY_BEARER}`);
      const request = new Request(`${upstream.url}${signed!.url}`, { method: signed!.method, headers: signed!.headers as Record<string, string> });
      expect((await verifyRequest(request, { secrets: { [p.signing.keyid]: p.signing.secret } })).ok).toBe(true);
      // Member-assertion secret and gateway key: a session is minted and used with the new key.
      const assertion2 = await createMemberAssertion({ secret: memberSecret }, { sub: "user_2", audience: world.config.publicUrl });
      const session = await mintMemberSession({ gatewayUrl: fresh.base, apiKey: p.key, assertion: assertion2 });
      expect((await call(fresh.mcpUrl, "bearer_tool", session.token)).json.result.isError).toBeFalsy();
    } finally {
      await fresh.close();
    }

    // A process still on the old key alone can no longer read them: it fails closed.
    const stale = await startGateway(OLD_KEY);
    try {
      const before = upstream.requests.length;
      const res = await call(stale.mcpUrl, "bearer_tool");
      expect(res.json.error.message).toBe("unreadable secret ciphertext: no configured master key opens it for this row (wrong TENGINE_MASTER_KEY, or a ciphertext copied from another row)");
      expect(upstream.requests.length).toBe(before);
    } finally {
      await stale.close();
    }
  });
});

describe("tengine gateway-keys rotate / retire", () => {
  it("rotation moves signing to a new key; the retired key leaves the JWKS and its tokens stop verifying", { timeout: 180_000 }, async () => {
    const clock = { now: Date.now() };
    const gw = await startGateway(NEW_KEY, () => clock.now);
    const env = { TENGINE_MASTER_KEY: NEW_KEY };
    const mint = async (sub: string) => (await mintMemberSession({ gatewayUrl: gw.base, apiKey: p.key, assertion: await createMemberAssertion({ secret: memberSecret }, { sub, audience: world.config.publicUrl }) })).token;
    const kidOf = (token: string) => decodeProtectedHeader(token.replace(/^tng_mst_/, "")).kid;
    const jwksKids = async () => ((await (await fetch(`${gw.base}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    try {
      const oldToken = await mint("user_old");
      const oldKid = kidOf(oldToken);

      const rotated = await tengine(env, "gateway-keys", "rotate");
      expect(rotated.ok).toBe(true);
      const newKid = rotated.ok ? rotated.json.kid : "";
      expect(newKid).toMatch(/^gk_/);
      expect(await jwksKids()).toEqual(expect.arrayContaining([oldKid, newKid]));
      // The key that signs now cannot be retired.
      const refused = await tengine(env, "gateway-keys", "retire", newKid);
      expect(refused).toMatchObject({ ok: false, error: { error: "conflict" } });

      // Every replica picks the new key up within the cache lifetime (the clock moves).
      clock.now += 5 * 60_000 + 1000;
      const newToken = await mint("user_new");
      expect(kidOf(newToken)).toBe(newKid);
      expect((await call(gw.mcpUrl, "bearer_tool", oldToken)).status).toBe(200);

      const listed = await tengine(env, "gateway-keys", "list");
      expect(listed.ok && listed.json.find((k: { kid: string }) => k.kid === newKid)).toMatchObject({ signing: true, retiredAt: null });

      expect((await tengine(env, "gateway-keys", "retire", oldKid!)).ok).toBe(true);
      expect(await jwksKids()).not.toContain(oldKid);
      clock.now += 5 * 60_000 + 1000;
      const refusedOld = await call(gw.mcpUrl, "bearer_tool", oldToken);
      expect(refusedOld.status).toBe(401);
      expect(refusedOld.json.error.message).toContain("member session token signed by an unknown gateway key");
      expect((await call(gw.mcpUrl, "bearer_tool", newToken)).status).toBe(200);
      expect(await tengine(env, "gateway-keys", "retire", "gk_00000000000000000000000000")).toMatchObject({ ok: false, error: { error: "not_found" } });
    } finally {
      await gw.close();
    }
  });
});
