import http from "node:http";
import type { AddressInfo } from "node:net";
import { createTestDatabase } from "@tengine/db/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SecretBox } from "../crypto/secret-box.ts";
import { createOrganization } from "../orgs/create-organization.ts";
import { createOutboundClient } from "../outbound/index.ts";
import { createProject } from "../projects/create-project.ts";
import { projectConfigSelect } from "../projects/project-config.ts";
import { ProjectRuntimeCache } from "../runtime/project-runtime-cache.ts";
import { createSigningSecret } from "../signing/signing-secrets.ts";
import { createTool } from "../tools/create-tool.ts";
import { setToolEnabled } from "../tools/set-tool-enabled.ts";
import type { ToolCallDeps } from "./call-deps.ts";
import { tryTool } from "./try-tool.ts";

const TOKEN = "upstream-bearer-token-do-not-leak";
type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: string };

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let deps: ToolCallDeps;
let server: http.Server;
let upstreamUrl: string;
const received: Received[] = [];
const secretBox = new SecretBox(SecretBox.generateKey());
let projectId: string;
const user = { id: "usr_tester", email: "tester@example.com" };
const loadProject = () => database.db.project.findUniqueOrThrow({ where: { id: projectId }, select: projectConfigSelect });

beforeAll(async () => {
  // A real upstream that echoes what it got — headers included, so a leak would show.
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const entry = { method: req.method!, url: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString() };
    received.push(entry);
    if (req.url?.startsWith("/missing")) return res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "no such thing" }));
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ ok: true, echo: entry }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  upstreamUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  database = await createTestDatabase("try_tool");
  deps = { db: database.db, hot: database.hot, runtime: new ProjectRuntimeCache(database.db, secretBox), outbound: createOutboundClient({ allowPrivate: true }) };
  const org = await createOrganization(database.db, { name: "Try" });
  projectId = (await createProject(database.db, { orgId: org.id, name: "Try", allowHttpUpstreams: true })).id;
  await createSigningSecret(database.db, secretBox, projectId);
  await createTool(database.db, secretBox, projectId, {
    name: "create_thing",
    description: "Creates a thing",
    inputSchema: { type: "object", properties: { name: { type: "string" }, id: { type: "string" } }, required: ["name", "id"], additionalProperties: false },
    method: "POST",
    url: `${upstreamUrl}/things/{{input.id}}`,
    headers: { "x-trace": "try" },
    body: { name: "{{input.name}}" },
    auth: { type: "bearer+hmac", token: TOKEN },
    requiredScopes: ["things:write"],
  });
  await createTool(database.db, secretBox, projectId, {
    name: "get_missing",
    description: "Always 404",
    inputSchema: { type: "object" },
    method: "GET",
    url: `${upstreamUrl}/missing`,
    annotations: { readOnlyHint: true },
  });
});
afterAll(async () => {
  await new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); });
  await database?.drop();
});

describe("tryTool", () => {
  it("calls the upstream through the real path and returns the recorded, redacted run", async () => {
    const outcome = await tryTool(deps, { project: await loadProject(), user, toolName: "create_thing", args: { name: "Widget", id: "t 1/2" } });
    expect(outcome.kind).toBe("result");
    if (outcome.kind !== "result") return;

    // the upstream really got the call, signed and with the secret
    const got = received.at(-1)!;
    expect(got).toMatchObject({ method: "POST", url: "/things/t%201%2F2", body: JSON.stringify({ name: "Widget" }) });
    expect(got.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(got.headers["x-tengine-principal"]).toBe("dashboard");
    expect(got.headers["x-tengine-user-id"]).toBe(user.id);
    expect(got.headers["signature-input"]).toContain("tengine=");

    expect(outcome.result.isError).toBeFalsy();
    expect(outcome.result._meta?.["tengine/runId"]).toBe(outcome.runId);
    expect(outcome.run).toMatchObject({ status: "succeeded", httpStatus: 201, attempts: 1, request: { method: "POST", url: `${upstreamUrl}/things/t%201%2F2` }, response: { status: 201 } });
    expect(outcome.run!.gatewayMs).toBeGreaterThanOrEqual(0);
    expect(outcome.run!.upstreamMs).toBeGreaterThanOrEqual(0);
    expect(outcome.run!.request!.headers["x-trace"]).toBe("try");
    expect(outcome.run!.request!.body).toBe(JSON.stringify({ name: "Widget" }));
    expect(outcome.run!.dedupeSource).toBe("derived");

    // no secret anywhere in what the dashboard gets: request, echoed response, tool result
    expect(JSON.stringify(outcome)).not.toContain(TOKEN);
    expect(outcome.run!.request!.headers.authorization).not.toContain(TOKEN);

    // the run is recorded as the dashboard user's
    const row = await database.db.run.findUniqueOrThrow({ where: { id: outcome.runId } });
    expect(row).toMatchObject({ projectId, toolName: "create_thing", principalKind: "dashboard", userId: user.id, apiKeyId: null, status: "succeeded", arguments: { name: "Widget", id: "t 1/2" } });
    expect(JSON.stringify(row)).not.toContain(TOKEN);
  });

  it("replays an identical write inside the idempotency window instead of calling again", async () => {
    const calls = received.length;
    const args = { name: "Once", id: "once" };
    const first = await tryTool(deps, { project: await loadProject(), user, toolName: "create_thing", args });
    const second = await tryTool(deps, { project: await loadProject(), user, toolName: "create_thing", args });
    expect(received.length).toBe(calls + 1);
    expect(second.run).toMatchObject({ status: "deduplicated", originalRunId: first.runId });
  });

  it("records invalid arguments, upstream errors and unknown or disabled tools as runs", async () => {
    const invalid = await tryTool(deps, { project: await loadProject(), user, toolName: "create_thing", args: { id: "x" } });
    expect(invalid).toMatchObject({ kind: "result", result: { isError: true }, run: { status: "failed", request: null } });
    expect(JSON.stringify(invalid)).toContain("must have required property 'name'");

    const missing = await tryTool(deps, { project: await loadProject(), user, toolName: "get_missing", args: {} });
    expect(missing).toMatchObject({ kind: "result", result: { isError: true }, run: { status: "failed", httpStatus: 404, response: { status: 404 } } });

    const unknown = await tryTool(deps, { project: await loadProject(), user, toolName: "nope", args: {} });
    expect(unknown).toMatchObject({ kind: "unknown_tool", run: { status: "failed", error: "unknown tool nope" } });

    const tool = await database.db.tool.findFirstOrThrow({ where: { projectId, name: "get_missing" } });
    await setToolEnabled(database.db, projectId, tool.id, false);
    // the fresh config version makes the runtime cache drop the disabled tool at once
    expect(await tryTool(deps, { project: await loadProject(), user, toolName: "get_missing", args: {} })).toMatchObject({ kind: "unknown_tool" });
  });
});
