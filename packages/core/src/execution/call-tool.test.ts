import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { MemoryRateLimiter } from "../infra/memory-rate-limiter.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createOutboundClient } from "../outbound/index.ts";
import type { Principal } from "../principal/principal.ts";
import { createProject } from "../projects/create-project.ts";
import { projectConfigSelect } from "../projects/project-config.ts";
import { ProjectRuntimeCache } from "../runtime/project-runtime-cache.ts";
import { createTool } from "../tools/create-tool.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import { CALL_FAILURES } from "./call-failure.ts";
import { callTool, type ToolCallOutcome } from "./call-tool.ts";

// The pipeline's expected failures come back as typed codes (what metrics and callers branch
// on), each recorded as a run with the status and error a user reads in the run history.

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let deps: ToolCallDeps;
let server: http.Server;
let projectId: string;
let sent = 0;
const secretBox = new SecretBox(SecretBox.generateKey());
const loadProject = () => database.db.project.findUniqueOrThrow({ where: { id: projectId }, select: projectConfigSelect });

beforeAll(async () => {
  server = http.createServer((req, res) => {
    sent++;
    if (req.url?.startsWith("/fail")) return res.writeHead(500, { "content-type": "text/plain" }).end("boom");
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ ok: true }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const upstream = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  database = await createTestDatabase("call_tool_pipeline");
  deps = { db: database.db, hot: database.hot, runtime: new ProjectRuntimeCache(database.db, secretBox), outbound: createOutboundClient({ allowPrivate: true }), limiter: new MemoryRateLimiter() };
  const org = await createOrganization(database.db, { name: "Pipe" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Pipe", allowHttpUpstreams: true })).id;
  const inputSchema = { type: "object", properties: { n: { type: "integer" } }, required: ["n"], additionalProperties: false };
  await createTool(database.db, secretBox, projectId, { name: "ok_tool", description: "ok", inputSchema, method: "POST", url: `${upstream}/ok`, body: { n: "{{input.n}}" }, requiredScopes: ["things:write"] });
  await createTool(database.db, secretBox, projectId, { name: "fail_tool", description: "500", inputSchema, method: "POST", url: `${upstream}/fail`, maxAttempts: 1 });
  await createTool(database.db, secretBox, projectId, { name: "signed_tool", description: "signs, no secret", inputSchema, method: "POST", url: `${upstream}/ok`, auth: { type: "hmac" } });
  await createTool(database.db, secretBox, projectId, { name: "blocked_tool", description: "a private address", inputSchema, method: "GET", url: `${upstream}/ok`, annotations: { readOnlyHint: true } });
});
afterAll(async () => {
  await new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });
  await database?.drop();
});

const apiKey = (scopes: string[] | null): Principal => ({ projectId, projectSlug: "pipe", kind: "api_key", keyId: "key_pipe", scopes });
const dashboard: Principal = { projectId: "", projectSlug: "pipe", kind: "dashboard", userId: "usr_pipe", scopes: null };

async function call(toolName: string, args: unknown, extra: { principal?: Principal; headerIdempotencyKey?: string; deps?: ToolCallDeps } = {}) {
  const project = await loadProject();
  const principal = { ...(extra.principal ?? dashboard), projectId };
  const credential = principal.kind === "api_key" ? apiKeyCredential(principal) : ({ kind: "dashboard" } as const);
  return callTool(extra.deps ?? deps, { principal, project, credential, toolName, args, ...(extra.headerIdempotencyKey ? { headerIdempotencyKey: extra.headerIdempotencyKey } : {}) });
}

/** The state the authenticator reads for a live API key (what `findApiKey` returns). */
function apiKeyCredential(principal: Principal) {
  return {
    kind: "api_key" as const,
    key: { id: principal.keyId!, scopes: principal.scopes ?? [], revoked: false, expired: false, touchDue: false, projectId, slug: "pipe", configVersion: 1, requireMember: false, allowHttpUpstreams: true, allowedUpstreamHosts: [], mcpEnabled: true },
  };
}

async function runOf(outcome: ToolCallOutcome) {
  return database.db.run.findUniqueOrThrow({ where: { id: outcome.runId }, select: { status: true, error: true, httpStatus: true } });
}

describe("callTool failure codes", () => {
  it("a success has no failure code", async () => {
    const outcome = await call("ok_tool", { n: 1 });
    expect(outcome.kind).toBe("result");
    expect(outcome.kind === "result" && (outcome.result.isError ?? false)).toBe(false);
    expect(outcome.kind === "result" && "failure" in outcome).toBe(false);
    expect(await runOf(outcome)).toMatchObject({ status: "succeeded", httpStatus: 200 });
  });

  it("invalid arguments, a render-time refusal and a refused send are typed; nothing reaches the upstream", async () => {
    const before = sent;
    const invalid = await call("ok_tool", { n: "one" });
    expect(invalid).toMatchObject({ kind: "result", failure: "invalid_arguments", result: { isError: true } });
    expect(await runOf(invalid)).toMatchObject({ status: "failed", error: expect.stringContaining("Invalid arguments for tool ok_tool") });

    const unsigned = await call("signed_tool", { n: 1 });
    expect(unsigned).toMatchObject({ kind: "result", failure: "signing_key_missing" });
    expect(await runOf(unsigned)).toMatchObject({ status: "failed", error: expect.stringContaining("no active signing secret") });

    // the outbound guard as deployed: private addresses are refused before anything is sent
    const blocked = await call("blocked_tool", { n: 1 }, { deps: { ...deps, outbound: createOutboundClient({ allowPrivate: false }) } });
    expect(blocked).toMatchObject({ kind: "result", failure: "send_refused" });
    expect(sent).toBe(before);
  });

  it("an upstream error answer is typed upstream_error", async () => {
    const outcome = await call("fail_tool", { n: 1 });
    expect(outcome).toMatchObject({ kind: "result", failure: "upstream_error", result: { isError: true } });
    expect(await runOf(outcome)).toMatchObject({ status: "failed", httpStatus: 500, error: "upstream answered HTTP 500" });
  });

  it("a missing scope is its own outcome, recorded as denied", async () => {
    const outcome = await call("ok_tool", { n: 1 }, { principal: apiKey(["things:read"]) });
    expect(outcome).toEqual({ kind: "insufficient_scope", runId: expect.any(String), missing: ["things:write"] });
    expect(await runOf(outcome)).toMatchObject({ status: "denied", error: "Tool requires scopes: things:write" });
  });

  it("idempotency: a reused key with other arguments is typed, a replay is marked deduplicated", async () => {
    const first = await call("ok_tool", { n: 7 }, { headerIdempotencyKey: "pipe-key-1" });
    expect(first).toMatchObject({ kind: "result" });
    const replay = await call("ok_tool", { n: 7 }, { headerIdempotencyKey: "pipe-key-1" });
    expect(replay).toMatchObject({ kind: "result", deduplicated: true, result: { _meta: { "tengine/originalRunId": first.runId } } });
    const reused = await call("ok_tool", { n: 8 }, { headerIdempotencyKey: "pipe-key-1" });
    expect(reused).toMatchObject({ kind: "result", failure: "idempotency_key_reused" });
    const badKey = await call("ok_tool", { n: 8 }, { headerIdempotencyKey: "a\nb" });
    expect(badKey).toMatchObject({ kind: "result", failure: "invalid_idempotency_key" });
  });

  it("a rate-limited call is typed rate_limited and carries when to retry", async () => {
    await database.db.project.update({ where: { id: projectId }, data: { rateLimits: { tool: { max: 1, windowSec: 60 }, failOpen: true }, configVersion: { increment: 1 } } });
    try {
      await call("fail_tool", { n: 2 });
      const limited = await call("fail_tool", { n: 3 });
      expect(limited).toMatchObject({ kind: "result", failure: "rate_limited", result: { isError: true, _meta: { "tengine/retryAfterMs": expect.any(Number) } } });
      expect(await runOf(limited)).toMatchObject({ status: "rate_limited" });
    } finally {
      await database.db.project.update({ where: { id: projectId }, data: { rateLimits: null as never, configVersion: { increment: 1 } } });
    }
  });

  it("every code is in the closed set", () => {
    expect(new Set(CALL_FAILURES).size).toBe(CALL_FAILURES.length);
    expect(CALL_FAILURES).toEqual(expect.arrayContaining(["invalid_arguments", "rate_limited", "send_refused", "upstream_error", "signing_key_missing", "idempotency_key_reused"]));
  });
});
