/**
 * A SaaS backend that gives each logged-in user their own Tengine member session and lets
 * Claude call the project's tools AS that user, through the Anthropic Messages API's MCP
 * connector. Run it from the repository root:
 *
 *   TENGINE_API_KEY=tengine_… TENGINE_MEMBER_SECRET=… npx tsx examples/member-sessions/server.ts
 *
 * See README.md next to this file. Plain node:http, no framework; the login is fake (pick a
 * user with `?user=alice` or an `X-User: bob` header) — replace it with your own auth.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
// In your app: import { createMemberAssertion, mintMemberSession, type MemberSession } from "@tengine/sdk";
import { createMemberAssertion, type MemberAssertionKey, type MemberSession, mintMemberSession } from "../../packages/sdk/src/index.ts";

// ---- configuration (your backend's secrets stay here, never in the browser) -------------

const env = process.env;
const GATEWAY_URL = (env.TENGINE_GATEWAY_URL ?? "http://localhost:8081").replace(/\/+$/, "");
const API_KEY = env.TENGINE_API_KEY ?? "";
/** The project's MCP URL. `{gateway}/mcp` works too: a member token names its project. */
const MCP_URL = env.TENGINE_MCP_URL ?? `${GATEWAY_URL}/mcp`;
const PORT = Number(env.PORT ?? 3000);
const ANTHROPIC_API_KEY = env.ANTHROPIC_API_KEY;
const ANTHROPIC_MODEL = env.ANTHROPIC_MODEL ?? "claude-sonnet-4-5";

/** How this backend signs member assertions: the project's HS256 secret, or your private key. */
function assertionKey(): MemberAssertionKey {
  if (env.TENGINE_MEMBER_SECRET) return { secret: env.TENGINE_MEMBER_SECRET };
  if (env.TENGINE_MEMBER_PRIVATE_JWK) {
    const jwk = JSON.parse(env.TENGINE_MEMBER_PRIVATE_JWK) as { crv?: string };
    return { privateKey: jwk, alg: jwk.crv === "Ed25519" ? "EdDSA" : "ES256" };
  }
  throw new Error("Set TENGINE_MEMBER_SECRET (the project's member-assertion secret) or TENGINE_MEMBER_PRIVATE_JWK (your private ES256/EdDSA JWK)");
}

if (!API_KEY.startsWith("tengine_")) {
  console.error("Set TENGINE_API_KEY to a project API key (tengine_…): the backend mints sessions with it.");
  process.exit(1);
}
const key = assertionKey();

// ---- your users (fake login) --------------------------------------------------------------

type User = { id: string; email: string; name: string; roles: string[]; scopes?: string[] };
const USERS: Record<string, User> = {
  alice: { id: "user_alice", email: "alice@example.com", name: "Alice Admin", roles: ["admin"] },
  // Bob's sessions are narrowed to read-only contact access, whatever the API key allows.
  bob: { id: "user_bob", email: "bob@example.com", name: "Bob Viewer", roles: ["viewer"], scopes: ["contacts:read"] },
};

function currentUser(req: IncomingMessage, url: URL): User | undefined {
  const login = url.searchParams.get("user") ?? (typeof req.headers["x-user"] === "string" ? req.headers["x-user"] : undefined);
  return login ? USERS[login] : undefined;
}

// ---- member sessions: one per user, reused until shortly before it expires -------------------

const sessions = new Map<string, MemberSession>();

async function sessionFor(user: User): Promise<MemberSession> {
  const cached = sessions.get(user.id);
  if (cached && cached.expiresAt.getTime() - Date.now() > 60_000) return cached;
  // A fresh single-use assertion (random jti, 60 s) for every exchange.
  const assertion = await createMemberAssertion(key, {
    sub: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    ...(user.scopes ? { scopes: user.scopes } : {}),
    audience: GATEWAY_URL,
  });
  const session = await mintMemberSession({ gatewayUrl: GATEWAY_URL, apiKey: API_KEY, assertion });
  sessions.set(user.id, session);
  return session;
}

// ---- the Anthropic call: Claude reaches Tengine with the member's token -------------------------

function messagesRequest(session: MemberSession, message: string) {
  return {
    model: ANTHROPIC_MODEL,
    max_tokens: 1024,
    messages: [{ role: "user", content: message }],
    mcp_servers: [{ type: "url", url: MCP_URL, name: "tengine", authorization_token: session.token }],
  };
}

async function askClaude(session: MemberSession, message: string) {
  const body = messagesRequest(session, message);
  if (!ANTHROPIC_API_KEY) {
    // Dry run: show what would be sent (the token shortened: it is a bearer credential).
    const shown = { ...body, mcp_servers: body.mcp_servers.map((s) => ({ ...s, authorization_token: `${s.authorization_token.slice(0, 20)}…` })) };
    console.log("ANTHROPIC_API_KEY is not set; this is the request that would be sent:");
    console.log(`POST https://api.anthropic.com/v1/messages\nanthropic-version: 2023-06-01\nanthropic-beta: mcp-client-2025-04-04\n${JSON.stringify(shown, null, 2)}`);
    return { dryRun: true, request: shown };
  }
  const res = await fetch("https://api.anthropic.com/v1/messages", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-api-key": ANTHROPIC_API_KEY,
      "anthropic-version": "2023-06-01",
      "anthropic-beta": "mcp-client-2025-04-04",
    },
    body: JSON.stringify(body),
  });
  const answer = (await res.json()) as { content?: { type: string; text?: string; name?: string; input?: unknown; is_error?: boolean }[]; error?: { message?: string } };
  if (!res.ok) throw new Error(`Anthropic API ${res.status}: ${answer.error?.message ?? "error"}`);
  // text blocks, plus mcp_tool_use / mcp_tool_result blocks showing the tool calls Claude made
  return { content: answer.content ?? [] };
}

// ---- HTTP ----------------------------------------------------------------------------------

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body, null, 2));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 64 * 1024) throw new Error("body too large");
  }
  return text ? (JSON.parse(text) as Record<string, unknown>) : {};
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? "/", `http://localhost:${PORT}`);
  try {
    if (url.pathname === "/") {
      return send(res, 200, {
        try: [`GET /session?user=alice`, `POST /chat?user=alice  {"message":"Which contacts do I have?"}`],
        users: Object.keys(USERS),
      });
    }
    const user = currentUser(req, url);
    if (!user) return send(res, 401, { error: "log in first: add ?user=alice or ?user=bob (or an X-User header)" });

    if (url.pathname === "/session" && req.method === "GET") {
      const session = await sessionFor(user);
      // The token is a bearer credential for this user only; hand it to an agent or MCP client
      // that acts for them — here it is shortened for display.
      return send(res, 200, { member_id: session.memberId, expires_at: session.expiresAt.toISOString(), token: `${session.token.slice(0, 20)}…`, mcp_url: MCP_URL });
    }
    if (url.pathname === "/chat" && req.method === "POST") {
      const { message } = await readJson(req);
      if (typeof message !== "string" || !message.trim()) return send(res, 400, { error: 'send {"message": "…"}' });
      const session = await sessionFor(user);
      return send(res, 200, await askClaude(session, message));
    }
    send(res, 404, { error: "not found" });
  } catch (error) {
    // MemberSessionError carries the gateway's reason (expired, jti_replayed, bad_signature…).
    console.error(error);
    send(res, 502, { error: error instanceof Error ? error.message : "failed" });
  }
});

server.listen(PORT, () => {
  console.log(`Member-sessions example on http://localhost:${PORT} (gateway ${GATEWAY_URL}, MCP ${MCP_URL})`);
  console.log(`  curl 'http://localhost:${PORT}/session?user=alice'`);
  console.log(`  curl -X POST 'http://localhost:${PORT}/chat?user=alice' -d '{"message":"Who am I? Use mcp_whoami."}'`);
});
