import { addMcpServer, createApiKey, type McpAdminDeps, setApiKeyToolsets, setMemberAssertionSecret } from "@tengine/core";
import { createMemberAssertion, MemberSessionError, mintMemberSession } from "@tengine/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminDeps, startEverythingHttp, testFederation } from "./federation-helpers.ts";
import { connectClient, rpc, startWorld } from "./harness.ts";
import { createUser, obtainTokens, REDIRECT, registerPublic, setPolicy } from "./oauth-helpers.ts";

// Toolsets on every credential: two real server-everything servers ("linear" and "github",
// both activated on request) behind one project. An API key names the servers it asks for; a
// member session gets its key's toolsets, narrowed by the assertion's `toolsets` claim; an
// OAuth grant asks for a server by holding one of its scopes.

type World = Awaited<ReturnType<typeof startWorld>>;
let world: World;
let everything: Awaited<ReturnType<typeof startEverythingHttp>>;
let admin: McpAdminDeps & { close(): Promise<void> };
let p: Awaited<ReturnType<World["createProjectWithKey"]>>;
let backendKey: { id: string; key: string };
let memberSecret: string;
const federation = testFederation("/nonexistent");

beforeAll(async () => {
  everything = await startEverythingHttp();
  world = await startWorld("fed_toolsets", { federation });
  admin = adminDeps(world, federation);
  p = await world.createProjectWithKey("Federation toolsets");
  for (const name of ["linear", "github"]) {
    expect(await addMcpServer(admin, p.project.id, { name, url: everything.url, activation: "requested" })).toMatchObject({ status: "ok" });
  }
  memberSecret = (await setMemberAssertionSecret(world.db, world.secretBox, p.project.id)).secret;
  // The customer's backend: one key that may mint sessions for both servers.
  backendKey = await createApiKey(world.db, p.project.id, { name: "backend" });
  await setApiKeyToolsets(world.db, p.project.id, backendKey.id, ["github", "linear"]);
}, 60_000);

afterAll(async () => {
  await admin?.close();
  await world?.close();
  await everything?.kill();
});

const text = (r: any) => r.content.map((c: any) => c.text).join("\n");

async function federatedNames(credential: string) {
  const client = await connectClient(p.mcpUrl, credential);
  const names = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith("linear_") || n.startsWith("github_"));
  await client.close();
  return { linear: names.some((n) => n.startsWith("linear_")), github: names.some((n) => n.startsWith("github_")) };
}

async function session(toolsets?: string[] | string, apiKey = backendKey.key) {
  const assertion = await createMemberAssertion({ secret: memberSecret }, { sub: `member_${Math.random().toString(36).slice(2)}`, audience: world.config.publicUrl, ...(toolsets !== undefined ? { toolsets } : {}) });
  return mintMemberSession({ gatewayUrl: world.base, apiKey, assertion });
}

const callEcho = (credential: string, tool: string) =>
  rpc(p.mcpUrl, { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: tool, arguments: { message: "hi" } } }, { authorization: `Bearer ${credential}` });

describe("member sessions carry toolsets", () => {
  it("a session narrowed to linear sees and calls linear's tools, never github's", async () => {
    const support = await session(["linear"]);
    expect(support.toolsets).toEqual(["linear"]);
    expect(await federatedNames(support.token)).toEqual({ linear: true, github: false });
    const refused = await callEcho(support.token, "github_echo");
    expect(refused.json.error.message).toBe("Unknown tool: github_echo");
    const client = await connectClient(p.mcpUrl, support.token);
    expect(text(await client.callTool({ name: "linear_echo", arguments: { message: "for support" } }))).toContain("Echo: for support");
    await client.close();
  });

  it("without a toolsets claim a session gets its key's toolsets, as of each call", async () => {
    const engineer = await session();
    expect(engineer.toolsets).toEqual(["github", "linear"]);
    expect(await federatedNames(engineer.token)).toEqual({ linear: true, github: true });
    // Narrowing the key narrows its live sessions at their next call.
    await setApiKeyToolsets(world.db, p.project.id, backendKey.id, ["github"]);
    try {
      expect(await federatedNames(engineer.token)).toEqual({ linear: false, github: true });
    } finally {
      await setApiKeyToolsets(world.db, p.project.id, backendKey.id, ["github", "linear"]);
    }
  });

  it("an assertion cannot widen the key's toolsets", async () => {
    const narrowKey = await createApiKey(world.db, p.project.id, { name: "support backend" });
    await setApiKeyToolsets(world.db, p.project.id, narrowKey.id, ["linear"]);
    const greedy = await session("linear github", narrowKey.key);
    expect(greedy.toolsets).toEqual(["linear"]);
    expect(await federatedNames(greedy.token)).toEqual({ linear: true, github: false });
    expect((await callEcho(greedy.token, "github_echo")).json.error.message).toBe("Unknown tool: github_echo");
  });

  it("refuses a toolsets claim that names no server with a clear 401", async () => {
    const error = await session(["Not A Server"]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberSessionError);
    expect((error as MemberSessionError).message).toMatch(/toolsets are MCP server names/);
  });
});

describe("OAuth grants ask for a server by its scopes", () => {
  it("a grant holding linear:write sees linear's tools only; one without server scopes sees neither", async () => {
    await setPolicy(world, p.project.id, { redirectUris: [REDIRECT], scopes: ["linear:write", "github:write", "notes:read"] });
    const clientId = await registerPublic(world.base);
    const userId = await createUser(world);
    const resource = `${world.config.publicUrl}/p/${p.project.slug}/mcp`;
    const linearGrant = await obtainTokens(world, { base: world.base, clientId, resource, userId, scope: "linear:write" });
    expect(await federatedNames(linearGrant.access_token)).toEqual({ linear: true, github: false });
    expect((await callEcho(linearGrant.access_token, "github_echo")).json.error.message).toBe("Unknown tool: github_echo");
    const other = await obtainTokens(world, { base: world.base, clientId, resource, userId, scope: "notes:read" });
    expect(await federatedNames(other.access_token)).toEqual({ linear: false, github: false });
  });
});
