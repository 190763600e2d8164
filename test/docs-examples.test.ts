import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import * as core from "@tengine/core";
import { createTestDatabase } from "@tengine/db/testing";
import { createMemberAssertion, SIGNATURE_ALGORITHM, SIGNATURE_LABEL, SIGNED_COMPONENTS } from "@tengine/sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileRequestTemplate } from "../packages/core/src/templates/compile-request-template.ts";
import { renderRequest } from "../packages/core/src/templates/render-request.ts";
import { exampleProblems } from "../packages/cli/src/framework/check-example.ts";
import { COMMANDS } from "../packages/cli/src/registry.ts";
import { type CodeBlock, codeBlocks, documentationFiles, root } from "./docs/code-blocks.ts";
import { checkCliUsage, hasPlaceholder, type Output, parseSimpleToml, runShell, runTypeScript, scratchDir, shellCommands, shellWords } from "./docs/run-examples.ts";
import { type RunningProduct, startProduct } from "./start-product.ts";

/**
 * Every fenced code block in README.md and docs/*.md, against a real `npm start`: runnable
 * blocks run as written (shell commands with bash, TypeScript with tsx), reading the demo's
 * URL and API key from the variables the README tells the reader to set. A block that cannot
 * run here is listed with the reason, and checked as far as it can be (JSON parses and works
 * as a client config, CLI flags exist, a tool definition is valid). The table is exhaustive:
 * a new block without an entry fails the first test.
 */

// Port offset 400 of this machine's shared test plan; a temp data dir; this file's own schema.
const GATEWAY_PORT = 18481;
const DASHBOARD_PORT = 13400;
const DEMO_CRM_PORT = 14410;
/** The port the docs' literal URLs use (`http://localhost:8081/p/demo/mcp`): npm start's default. */
const DOCUMENTED_GATEWAY = "http://localhost:8081";

type Ctx = {
  /** what a reader's shell has after following the README: the product's variables and TENGINE_* */
  env: NodeJS.ProcessEnv;
  /** the reader's working directory */
  dir: string;
  gatewayUrl: string;
  mcpUrl: string;
  apiKey: string;
  banner: string;
  /** values one example leaves for a later one */
  memberToken?: string;
  replay?: { _meta?: Record<string, unknown>; content?: unknown[]; isError?: boolean };
};

type Handling =
  /** runs every command without a placeholder; commands with one are checked against the CLI's help */
  | { kind: "shell"; then?: (outputs: Output[], ctx: Ctx) => void | Promise<void> }
  /** runs the block with tsx; a fragment gets the declarations it assumes from `prelude` */
  | { kind: "typescript"; prelude?: string; postlude?: string; wrap?: (code: string) => string; then?: (output: Output, ctx: Ctx) => void | Promise<void> }
  /** cannot run here, for `why`; `check` verifies what can be verified */
  | { kind: "check"; why: string; check: (block: CodeBlock, ctx: Ctx) => void | Promise<void> };

/** An MCP client on the README's setup, for fragments that use `client`. */
const MCP_CLIENT_PRELUDE = `import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
const client = new Client({ name: "docs-example", version: "1.0.0" });
await client.connect(new StreamableHTTPClientTransport(new URL(process.env.TENGINE_MCP_URL!), { requestInit: { headers: { Authorization: \`Bearer \${process.env.TENGINE_API_KEY}\` } } }));
`;

/** The block in the docs is the whole story; the reader's own words for what the test adds. */
/**
 * docs/cli.md is generated from the CLI's command definitions (packages/cli/test/docs.test.ts
 * keeps it current); its examples use a reader's slugs and ids, so each line is checked against
 * the definitions: the command exists, its options do, its arguments and required options are given.
 * The commands themselves run against the real database in packages/cli/test.
 */
const CLI_REFERENCE: Record<string, Handling> = Object.fromEntries(
  codeBlocks("docs/cli.md").map((b) => [
    b.key,
    {
      kind: "check",
      why: "an example of the generated CLI reference, with a reader's project and ids; the command runs in packages/cli/test",
      check: (block: CodeBlock) => expect(shellCommands(block.code).flatMap((line) => exampleProblems(COMMANDS, line))).toEqual([]),
    } satisfies Handling,
  ]),
);

const HANDLING: Record<string, Handling> = {
  ...CLI_REFERENCE,
  "README.md › Tengine #1": {
    kind: "check",
    why: "npm start is what this test runs (through test/start-product.ts); npm test is the whole suite this test is part of",
    check: async (block) => {
      const scripts = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")).scripts;
      for (const command of shellCommands(block.code)) {
        const [tool, verb, name] = shellWords(command);
        expect(tool, command).toBe("npm");
        if (verb === "ci" || verb === "install") continue;
        expect(scripts, command).toHaveProperty(verb === "run" ? name! : verb!);
      }
    },
  },
  "README.md › Connect a client #1": {
    kind: "check",
    why: "sets the variables every example reads; the test sets them from what npm start printed",
    check: (block, ctx) => {
      const exported = Object.fromEntries(shellCommands(block.code).map((c) => /^export (\w+)=(\S+)$/.exec(c)!.slice(1, 3)));
      expect(Object.keys(exported).sort()).toEqual(["TENGINE_API_KEY", "TENGINE_GATEWAY_URL", "TENGINE_MCP_URL"]);
      expect(documentedUrl(exported.TENGINE_GATEWAY_URL!, ctx)).toBe(ctx.gatewayUrl);
      expect(documentedUrl(exported.TENGINE_MCP_URL!, ctx)).toBe(ctx.mcpUrl);
      expect(ctx.banner).toContain(`MCP URL      ${ctx.mcpUrl}`);
      expect(exported.TENGINE_API_KEY).toBe("tengine_…");
      expect(ctx.banner).toContain(`API key      ${ctx.apiKey}`);
    },
  },
  "README.md › Connect a client #2": { kind: "check", why: "Claude Code is not installed here, and OAuth sign-in needs a browser", check: (block, ctx) => checkClaudeAdd(block, ctx) },
  "README.md › Connect a client #3": { kind: "check", why: "Claude Code is not installed here", check: (block, ctx) => checkClaudeAdd(block, ctx) },
  "README.md › Connect a client #4": { kind: "check", why: "a config file for Cursor", check: (block, ctx) => useClientConfig(block, ctx) },
  "README.md › Connect a client #5": { kind: "check", why: "a config file for VS Code", check: (block, ctx) => useClientConfig(block, ctx) },
  "README.md › Connect a client #6": {
    kind: "typescript",
    then: (output) => {
      expect(output.stdout).toContain("create_contact");
      expect(output.stdout).toContain("mcp_whoami");
      expect(output.stdout.trim().split("\n").at(-1)).toMatch(/^run_[0-9A-Za-z]+$/);
    },
  },
  // After the README's call with the same key and arguments: this one is the replay.
  "docs/idempotency.md › Where the key comes from #1": {
    kind: "typescript",
    prelude: MCP_CLIENT_PRELUDE,
    postlude: "console.log(JSON.stringify(result));\nawait client.close();",
    then: (output, ctx) => {
      ctx.replay = JSON.parse(output.stdout.trim().split("\n").at(-1)!);
      expect(ctx.replay!.isError).toBeFalsy();
      expect(ctx.replay!._meta).toMatchObject({ "tengine/deduplicated": true, "tengine/originalRunId": expect.stringMatching(/^run_/) });
    },
  },
  "docs/idempotency.md › Replay #1": {
    kind: "check",
    why: "a result as the gateway returns it; the test compares it with the real replay of the example above",
    check: (block, ctx) => {
      const documented = JSON.parse(block.code);
      expect(Object.keys(documented).sort()).toEqual(Object.keys(ctx.replay!).filter((k) => k !== "isError").sort());
      expect(Object.keys(documented._meta).sort()).toEqual(Object.keys(ctx.replay!._meta!).sort());
      expect(documented._meta["tengine/deduplicated"]).toBe(true);
      expect(documented.content[0].type).toBe((ctx.replay!.content![0] as { type: string }).type);
    },
  },
  "README.md › Per-end-user member sessions #1": {
    kind: "typescript",
    then: async (output, ctx) => {
      ctx.memberToken = output.stdout.trim().split("\n").at(-1)!;
      expect(ctx.memberToken).toMatch(/^tng_mst_/);
      // The token works as the AI client's credential, and the calls act for the member.
      const client = await connect(ctx.mcpUrl, { Authorization: `Bearer ${ctx.memberToken}` });
      const whoami = await client.callTool({ name: "mcp_whoami", arguments: {} });
      expect(JSON.stringify(whoami.content)).toContain("user_42");
      await client.close();
    },
  },
  "docs/member-sessions.md › The flow #1": { kind: "check", why: "a sequence diagram", check: (block) => expect(block.code).toContain("POST /v1/member-sessions") },
  "docs/member-sessions.md › 2. The member assertion #1": {
    kind: "typescript",
    then: (output) => {
      const [token, expiresAt, memberId] = output.stdout.trim().split(" ");
      expect(token).toMatch(/^tng_mst_/);
      expect(Math.abs(Date.parse(expiresAt!) - (Date.now() + 15 * 60_000))).toBeLessThan(120_000);
      expect(memberId).toBe("user_42");
    },
  },
  "docs/member-sessions.md › 3. `POST /v1/member-sessions` #1": {
    kind: "check",
    why: "a raw HTTP request with placeholders; the test sends it with the demo's key and a fresh assertion",
    check: async (block, ctx) => {
      const [head, body] = block.code.split("\n\n");
      const [requestLine, ...headerLines] = head!.split("\n");
      const [method, target] = requestLine!.split(" ");
      const headers = Object.fromEntries(headerLines.map((l) => l.split(/:\s*/, 2).map((v) => v.replace("tengine_…", ctx.apiKey))));
      const assertion = await createMemberAssertion({ secret: ctx.env.TENGINE_MEMBER_SECRET! }, { sub: "user_7", audience: ctx.gatewayUrl });
      const response = await fetch(`${ctx.gatewayUrl}${target}`, { method, headers, body: body!.replace(/"eyJ[^"]*…"/, JSON.stringify(assertion)) });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ token: expect.stringMatching(/^tng_mst_/), expires_at: expect.any(String), member_id: "user_7" });
    },
  },
  "docs/member-sessions.md › Using it #1": {
    kind: "check",
    why: "a parameter of Anthropic's hosted MCP connector, which cannot reach this machine; the test uses a minted token the same way",
    check: async (block, ctx) => {
      const [server] = JSON.parse(block.code).mcp_servers;
      expect(server).toMatchObject({ type: "url", url: expect.stringMatching(/\/p\/[a-z0-9-]+\/mcp$/), authorization_token: "tng_mst_…" });
      const client = await connect(ctx.mcpUrl, { Authorization: `Bearer ${ctx.memberToken}` });
      expect((await client.listTools()).tools.length).toBeGreaterThan(2);
      await client.close();
    },
  },
  "docs/tools.md › Arguments sent as HTTP headers (`x-mcp-header`) #1": {
    kind: "check",
    why: "an input schema, not a command; the test saves a tool with it, which applies every x-mcp-header rule",
    check: async (block) => {
      const tool = core.checkToolDefinition({ name: "regional_search", description: "Searches a region", inputSchema: JSON.parse(block.code), method: "GET", url: "https://api.example.com/search" });
      expect(tool.inputSchema).toMatchObject({ properties: { region: { "x-mcp-header": "Region" } } });
    },
  },
  "docs/oauth.md › Client ID Metadata Documents #1": {
    kind: "check",
    why: "a document a client publishes at its URL; the test validates it as the authorization server does",
    check: async (block) => {
      const document = JSON.parse(block.code) as { client_id: string };
      expect(core.validateClientMetadata(document.client_id, document)).toMatchObject({ ok: true });
    },
  },
  "docs/tools.md › Example: `tool.json` for `tengine tools create` #1": {
    kind: "check",
    why: "a file the next block reads; the test validates it and saves it as tool.json there",
    check: async (block, ctx) => {
      core.checkToolDefinition(JSON.parse(block.code));
      await writeFile(path.join(ctx.dir, "tool.json"), block.code);
    },
  },
  "docs/tools.md › Example: `tool.json` for `tengine tools create` #2": {
    kind: "shell",
    then: (outputs) => {
      expect(outputs.at(-2)!.stdout).toContain("name: create_invoice");
      expect(outputs.at(-1)!.stdout).toMatch(/key: tengine_/);
    },
  },
  "docs/tools.md › Example: `tool.json` for `tengine tools create` #3": {
    kind: "check",
    why: "the body the upstream receives; the test renders the example tool with the documented arguments",
    check: async (block, ctx) => {
      const tool = core.checkToolDefinition(JSON.parse(await readFile(path.join(ctx.dir, "tool.json"), "utf8")));
      const rendered = renderRequest(compileRequestTemplate({ method: tool.method, url: tool.url, query: tool.query, headers: tool.headers, body: tool.body as never }), {
        input: { customerId: "cus 7/x", amountCents: 1200, currency: "EUR" },
        project: { id: "project_1" },
        run: { id: "run_01…" },
        secrets: { BILLING_ACCOUNT: "acct_123" },
      });
      if (!rendered.ok) throw new Error(rendered.error);
      expect(rendered.request.url).toBe("https://billing.example.com/v1/customers/cus%207%2Fx/invoices?expand=lines&expand=customer");
      expect(JSON.parse(String(rendered.request.body!))).toEqual(JSON.parse(block.code));
      expect(rendered.request.headers["x-account"] ?? rendered.request.headers["X-Account"]).toBe("acct_123");
    },
  },
  "docs/federation.md › Worked example: `@modelcontextprotocol/server-everything` #1": {
    kind: "check",
    why: "starts a long-running server from npm; the gateway's federation tests run the same package (apps/gateway/test/federation-http.test.ts)",
    check: (block) => {
      expect(shellWords(shellCommands(block.code)[0]!)).toEqual(["PORT=3001", "npx", "-y", "@modelcontextprotocol/server-everything", "streamableHttp"]);
    },
  },
  // Placeholders: checked against the CLI's help (packages/cli/test/mcp-servers.test.ts runs them against a real server).
  "docs/federation.md › Worked example: `@modelcontextprotocol/server-everything` #2": { kind: "shell" },
  "docs/federation.md › Worked example: `@modelcontextprotocol/server-everything` #3": {
    kind: "check",
    why: "needs the server-everything of the worked example behind the demo project; the federation tests make this exact call",
    check: (block) => {
      expect(block.code).toContain('client.callTool({ name: "everything_echo", arguments: { message: "hi" } })');
    },
  },
  "docs/federation.md › Activation: which credentials see a server #1": { kind: "shell" },
  "docs/federation.md › Credentials #1": {
    kind: "check",
    why: "a credentials file; the test loads it as the gateway does",
    check: async (block, ctx) => {
      const file = path.join(ctx.dir, "credentials.toml");
      await writeFile(file, block.code);
      expect(core.loadCredentialsFile(file)).toEqual({ github: { api_key: "ghp_example_not_a_real_token" }, filesystem: { READ_ONLY: "true" } });
      expect(core.credentialEnvName("github", "api_key")).toBe("TENGINE_MCP_GITHUB_API_KEY");
    },
  },
  "docs/federation.md › The operator's catalog (`stdio`) #1": {
    kind: "check",
    why: "a catalog file for a deployment with /data; the test parses it as the gateway does",
    check: (block) => {
      const parsed = core.parseMcpCatalog(block.code);
      if (!parsed.ok) throw new Error(parsed.error);
      expect(parsed.catalog.get("filesystem")).toMatchObject({ command: "npx", limits: { memoryMb: 256, maxOutputBytes: 1048576, maxLifetimeSec: 3600 } });
    },
  },
  "docs/operations.md › Metrics #1": {
    kind: "check",
    why: "a Prometheus scrape config (no Prometheus here); the test reads it and scrapes the demo's gateway metrics listener with it",
    check: async (block, ctx) => {
      const { parse } = await import("yaml");
      const [job] = parse(block.code).scrape_configs;
      expect(job.job_name).toBe("tengine");
      expect(job.authorization.credentials).toBe("<METRICS_TOKEN>");
      expect(job.static_configs[0].targets).toEqual(["gateway-1:9465", "gateway-2:9465", "worker:9464"]);
      // The public port never serves /metrics; the internal listener npm start prints does.
      expect((await fetch(`${ctx.gatewayUrl}/metrics`)).status).toBe(404);
      const internal = /metrics: (http:\/\/127\.0\.0\.1:\d+\/metrics)\)/.exec(ctx.banner)![1]!;
      expect(await (await fetch(internal)).text()).toContain("tengine_tool_calls_total");
    },
  },
  // Key rotation: commands without a placeholder run against the demo (a new gateway key is
  // harmless: the old one keeps verifying); those with one are checked against the CLI's help.
  "docs/operations.md › Master key (`TENGINE_MASTER_KEY`) #1": { kind: "shell" },
  "docs/operations.md › Gateway signing keys #1": {
    kind: "shell",
    then: (outputs) => {
      expect(outputs[0]!.stdout).toMatch(/gwk_|kid/);
      expect(outputs[1]!.stdout).toMatch(/gwk_|kid/);
    },
  },
  "README.md › Defining tools #1": { kind: "check", why: "a tool definition; the test validates it as tools create does", check: (block) => void core.checkToolDefinition(JSON.parse(block.code)) },
  // After tools.md created the "billing" project.
  "docs/signing.md › Signing secrets #1": {
    kind: "shell",
    then: (outputs, ctx) => {
      expect(outputs[0]!.stdout).toMatch(/keyid: sig_/);
      expect(outputs[1]!.stdout).toContain("keyid");
      // What the reader gives their API (signing.md, "Verifying in your API").
      ctx.env.TENGINE_SIGNING_KEYID = /keyid: (\S+)/.exec(outputs[0]!.stdout)![1];
      ctx.env.TENGINE_SIGNING_SECRET = /secret: (\S+)/.exec(outputs[0]!.stdout)![1];
    },
  },
  "docs/signing.md › What the gateway signs #1": {
    kind: "check",
    why: "headers as the upstream receives them; the test compares them with what the SDK signs and verifies",
    check: (block) => {
      const input = /^Signature-Input: (\w+)=\(([^)]*)\).*alg="([^"]+)"/m.exec(block.code)!;
      expect(input[1]).toBe(SIGNATURE_LABEL);
      expect(input[3]).toBe(SIGNATURE_ALGORITHM);
      const components = input[2]!.split(" ").map((c) => JSON.parse(c));
      expect(components).toEqual(SIGNED_COMPONENTS.filter((c) => components.includes(c)));
    },
  },
  "docs/signing.md › Rotation #1": { kind: "typescript" },
  // The body of a request handler: run inside a Node http server, called with a request signed
  // like the gateway signs (the SDK's signRequest), then with the body tampered.
  "docs/signing.md › Verifying in your API #1": {
    kind: "typescript",
    wrap: (code) => {
      const imports = code.split("\n").filter((l) => l.startsWith("import "));
      const body = code.split("\n").filter((l) => !l.startsWith("import "));
      return [...imports, 'import http from "node:http";', 'import type { AddressInfo } from "node:net";', 'import { signRequest } from "@tengine/sdk";', "const server = http.createServer(async (req, res) => {", ...body, SIGNED_HANDLER_END].join("\n");
    },
    then: (output) => {
      const seen = JSON.parse(output.stdout.trim().split("\n").at(-1)!);
      expect(seen).toMatchObject({ ok: 200, identity: { runId: "run_docs1", projectId: "prj_docs", principal: "api_key", idempotencyKey: "k-1" }, tampered: 401 });
    },
  },
  "docs/database.md › Tests: one schema per test file #1": { kind: "typescript" },
  "docs/openapi.md › Tools from OpenAPI documents #1": { kind: "shell" },
  "docs/openapi.md › API (`@tengine/core`) #1": {
    kind: "check",
    why: "function signatures, not a program",
    check: (block) => {
      for (const name of block.code.split("\n").map((l) => /^(\w+)\(/.exec(l)?.[1]).filter(Boolean)) expect(typeof (core as Record<string, unknown>)[name!], name).toBe("function");
    },
  },
  "docs/openapi.md › What is imported #1": {
    kind: "check",
    why: "the shape of a generated tool's arguments",
    check: (block) => expect(Object.keys(JSON.parse(block.code))).toEqual(["pathParams", "query", "headers", "body"]),
  },
  "docs/operations.md › Topology (`docker-compose.yml`) #1": {
    kind: "check",
    why: "a diagram of the compose deployment (no Docker engine here)",
    check: async (block) => {
      const compose = await readFile(path.join(root, "docker-compose.yml"), "utf8");
      for (const service of ["gateway", "dashboard", "worker", "postgres", "redis"]) if (block.code.includes(service)) expect(compose).toContain(`${service}`);
    },
  },
  "README.md › Architecture in one picture #1": { kind: "check", why: "a diagram", check: (block) => expect(block.code).toContain("apps/gateway") },
  "README.md › Project layout #1": {
    kind: "check",
    why: "a list of folders; the test checks each exists",
    check: (block) => {
      for (const line of block.code.split("\n")) {
        const folder = /^(\S+)\s/.exec(line)?.[1];
        if (folder) expect(existsSync(path.join(root, folder)), folder).toBe(true);
      }
    },
  },
  // A platform tool call's params: the arguments pass the tool's own check, and the data the check of what it creates.
  "docs/platform-tools.md › Examples #1": { kind: "check", why: "a tools/call's params; the demo key holds no platform scope", check: (block) => expect(checkPlatformCall(block, "get").subresource).toBe("template") },
  "docs/platform-tools.md › Examples #2": {
    kind: "check",
    why: "a tools/call's params; the demo key holds no platform scope",
    check: (block) => {
      const data = checkPlatformCall(block, "create").data as core.ToolDefinitionInput;
      expect(core.checkToolDefinition(data)).toMatchObject({ method: "POST", requiresApproval: true });
    },
  },
  "docs/platform-tools.md › Examples #3": { kind: "check", why: "a tools/call's params; the demo key holds no platform scope", check: (block) => expect(checkPlatformCall(block, "update").data).toEqual({ requiredScopes: ["billing:write"] }) },
  "docs/platform-tools.md › Examples #4": { kind: "check", why: "a tools/call's params; the demo key holds no platform scope", check: (block) => expect(core.listRunsInput.parse(checkPlatformCall(block, "get").filters)).toMatchObject({ status: "failed", limit: 10 }) },
  "docs/platform-tools.md › Examples #5": { kind: "check", why: "a tools/call's params; the demo key holds no platform scope", check: (block) => expect(core.listRunsInput.parse(checkPlatformCall(block, "list").filters)).toMatchObject({ status: "failed", limit: 10 }) },
  "docs/platform-tools.md › Examples #6": { kind: "check", why: "a tools/call's params; the demo key holds no platform scope", check: (block) => expect(core.createApiKeyInput.parse(checkPlatformCall(block, "create").data)).toMatchObject({ name: "ci" }) },
  "docs/platform-tools.md › Examples #7": { kind: "check", why: "approvals are decided by a person signed in with OAuth, which needs a browser", check: (block) => expect(checkPlatformCall(block, "decide").data).toMatchObject({ decision: "approve" }) },
  "docs/platform-tools.md › Examples #8": {
    kind: "check",
    why: "a tools/call's params; the demo key holds no platform scope",
    check: async (block) => {
      const parsed = await core.parseOpenApiDocument(String(checkPlatformCall(block, "plan").data!.document));
      expect(parsed.format).toBe("openapi-3.1");
    },
  },
  "docs/platform-tools.md › Examples #9": {
    kind: "check",
    why: "the organization endpoint needs a key with platform.projects:write; the demo key has none",
    check: (block) => expect(core.rateLimitsSchema.parse(checkPlatformCall(block, "update").data!.limits)).toMatchObject({ principal: { max: 60, windowSec: 60 } }),
  },
  "docs/platform-tools.md › Examples #10": {
    kind: "check",
    why: "the organization endpoint needs a key with platform.projects:write; the demo key has none",
    check: (block) => expect(checkPlatformCall(block, "rotate").subresource).toBe("signing_secrets"),
  },
  "docs/platform-tools.md › Examples #11": {
    kind: "check",
    why: "adding a server needs a key with platform.mcp_servers:write and a reachable server; the demo has neither",
    check: (block) => expect(core.addMcpServerInput.parse(checkPlatformCall(block, "add").data)).toMatchObject({ name: "docs", activation: "always" }),
  },
  "docs/client-setup.md › Claude Code #1": { kind: "check", why: "Claude Code is not installed here, and OAuth sign-in needs a browser", check: (block, ctx) => checkClaudeAdd(block, ctx) },
  "docs/client-setup.md › Claude Code #2": { kind: "check", why: "Claude Code is not installed here", check: (block, ctx) => checkClaudeAdd(block, ctx) },
  "docs/client-setup.md › Cursor #1": { kind: "check", why: "a config file for Cursor", check: (block, ctx) => useClientConfig(block, ctx) },
  "docs/client-setup.md › Cursor #2": { kind: "check", why: "a config file for Cursor", check: (block, ctx) => useClientConfig(block, ctx) },
  "docs/client-setup.md › VS Code (GitHub Copilot agent mode) #1": { kind: "check", why: "a config file for VS Code", check: (block, ctx) => useClientConfig(block, ctx) },
  "docs/client-setup.md › VS Code (GitHub Copilot agent mode) #2": { kind: "check", why: "a config file for VS Code", check: (block, ctx) => useClientConfig(block, ctx) },
  "docs/client-setup.md › Codex #1": { kind: "check", why: "a config file for Codex", check: (block, ctx) => useCodexConfig(block, ctx) },
  "docs/client-setup.md › Codex #2": { kind: "check", why: "a config file for Codex", check: (block, ctx) => useCodexConfig(block, ctx) },
  "docs/client-setup.md › Clients that only speak stdio (Claude Desktop, older tools) #1": {
    kind: "check",
    why: "mcp-remote is downloaded from npm when the client starts it; the test sends what it forwards",
    check: (block, ctx) => useClientConfig(block, ctx),
  },
  "docs/client-setup.md › Clients that only speak stdio (Claude Desktop, older tools) #2": {
    kind: "check",
    why: "mcp-remote is downloaded from npm when the client starts it; the test sends what it forwards",
    check: (block, ctx) => useClientConfig(block, ctx),
  },
  "docs/client-setup.md › Connections #1": { kind: "shell", then: (outputs) => expect(outputs[0]!.stdout).toContain("(none)") },
  // Last: it turns the demo's MCP endpoint off (the test turns it back on).
  "docs/client-setup.md › The OAuth policy #1": {
    kind: "shell",
    then: async (outputs, ctx) => {
      const shown = JSON.parse(outputs.at(-1)!.stdout);
      expect(shown).toMatchObject({ project: "demo", mcpEnabled: false, redirectUris: ["http://localhost:3118/callback", "http://localhost:3118/oauth/callback"], clientIds: [] });
      const response = await mcpPost(ctx.mcpUrl, { Authorization: `Bearer ${ctx.apiKey}` });
      expect(response.status).toBe(403);
      await runShell(ctx.dir, "npx tengine policy set --project demo --enabled", ctx.env);
      expect((await mcpPost(ctx.mcpUrl, { Authorization: `Bearer ${ctx.apiKey}` })).status).toBe(200);
    },
  },
};

/** Ends the handler around signing.md's verify example, starts it and calls it twice. */
const SIGNED_HANDLER_END = `res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(result.identity));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = \`http://127.0.0.1:\${(server.address() as AddressInfo).port}/contacts\`;
const body = JSON.stringify({ name: "Ada" });
const headers = { "content-type": "application/json", "idempotency-key": "k-1", "x-tengine-run-id": "run_docs1", "x-tengine-project-id": "prj_docs", "x-tengine-principal": "api_key" };
const signed = signRequest({ method: "POST", url, headers, body }, { keyid: process.env.TENGINE_SIGNING_KEYID!, secret: process.env.TENGINE_SIGNING_SECRET! });
const ok = await fetch(url, { method: "POST", headers: { ...headers, ...signed }, body });
const identity = await ok.json();
const tampered = await fetch(url, { method: "POST", headers: { ...headers, ...signed }, body: body.replace("Ada", "Eve") });
console.log(JSON.stringify({ ok: ok.status, identity, tampered: tampered.status }));
server.close();`;

/** The docs' literal `http://localhost:8081…` on this test's gateway port. */
function documentedUrl(url: string, ctx: Ctx): string {
  return url.replace(DOCUMENTED_GATEWAY, ctx.gatewayUrl);
}

async function connect(url: string, headers: Record<string, string>): Promise<Client> {
  const client = new Client({ name: "docs-examples-test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return client;
}

/** An MCP initialize request as any client sends it first. */
function mcpPost(url: string, headers: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "docs", version: "1" } } }),
  });
}

/**
 * What a client does with a configured server: with credentials, it connects and lists the
 * tools; without, the gateway's 401 must point it at the OAuth metadata (that starts sign-in).
 */
async function useServer(url: string, headers: Record<string, string>, ctx: Ctx) {
  expect(documentedUrl(url, ctx)).toBe(ctx.mcpUrl);
  if (Object.keys(headers).length) {
    const client = await connect(ctx.mcpUrl, headers);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain("create_contact");
    await client.close();
    return;
  }
  const response = await mcpPost(ctx.mcpUrl, {});
  expect(response.status).toBe(401);
  const metadataUrl = /resource_metadata="([^"]+)"/.exec(response.headers.get("www-authenticate") ?? "")?.[1];
  expect(metadataUrl).toBeTruthy();
  const metadata = (await (await fetch(metadataUrl!)).json()) as { resource: string; authorization_servers: string[] };
  expect(metadata.resource).toBe(ctx.mcpUrl);
  expect(metadata.authorization_servers.length).toBeGreaterThan(0);
}

/** Client config JSON (Cursor, VS Code, Claude Desktop + mcp-remote): the variables a client fills in, then used. */
/** A documented tools/call params object of a platform tool: its arguments pass the tool's check. */
function checkPlatformCall(block: CodeBlock, action: string): core.PlatformArgs {
  const params = JSON.parse(block.code) as { name: string; arguments: core.PlatformArgs };
  const tool = core.findPlatformTool(params.name);
  expect(tool, params.name).toBeDefined();
  expect(tool!.validate(params.arguments), JSON.stringify(tool!.validate.errors)).toBe(true);
  expect(params.arguments.action).toBe(action);
  return params.arguments;
}

async function useClientConfig(block: CodeBlock, ctx: Ctx) {
  const config = JSON.parse(block.code);
  const server = (config.mcpServers ?? config.servers).tengine;
  const fill = (value: string) =>
    value
      .replace(/\$\{env:(\w+)\}/g, (_, name: string) => ctx.env[name] ?? "")
      // VS Code asks for the input; the reader answers with the API key.
      .replace(/\$\{input:tengine-key\}/g, ctx.apiKey)
      .replace(/\$\{(\w+)\}/g, (_, name: string) => (server.env?.[name] ?? "").replace("tengine_…", ctx.apiKey));
  if (server.command) {
    expect(server.command).toBe("npx");
    const args: string[] = server.args;
    expect(args.slice(0, 2)).toEqual(["-y", "mcp-remote"]);
    const headerAt = args.indexOf("--header");
    const headers = headerAt > 0 ? Object.fromEntries([fill(args[headerAt + 1]!).split(/:(.*)/s).slice(0, 2)]) : {};
    // With a callback port it signs in with OAuth; the docs tell the admin to allow its redirect URI.
    if (/^\d+$/.test(args[3] ?? "")) expect(block.code).not.toContain("--header");
    return useServer(args[2]!, headers, ctx);
  }
  if (config.servers) expect(server.type).toBe("http");
  const headers = Object.fromEntries(Object.entries((server.headers ?? {}) as Record<string, string>).map(([k, v]) => [k, fill(v)]));
  return useServer(server.url, headers, ctx);
}

async function useCodexConfig(block: CodeBlock, ctx: Ctx) {
  const toml = parseSimpleToml(block.code);
  const server = toml["mcp_servers.tengine"]!;
  if (toml[""]!.mcp_oauth_callback_port) await expectRedirectAllowed(`http://localhost:${toml[""]!.mcp_oauth_callback_port}/callback`, ctx);
  const token = server.bearer_token_env_var ? ctx.env[String(server.bearer_token_env_var)] : undefined;
  return useServer(String(server.url), token ? { Authorization: `Bearer ${token}` } : {}, ctx);
}

/** `claude mcp add …`: its URL and header, with the reader's variables, work; its callback port is allowlisted. */
async function checkClaudeAdd(block: CodeBlock, ctx: Ctx) {
  const [command] = shellCommands(block.code);
  const words = shellWords(command!.replace(/\$(\w+)/g, (_, name: string) => ctx.env[name] ?? `$${name}`));
  expect(words.slice(0, 4)).toEqual(["claude", "mcp", "add", "--transport"]);
  const port = words.indexOf("--callback-port");
  if (port > 0) await expectRedirectAllowed(`http://localhost:${words[port + 1]}/callback`, ctx);
  const header = words.indexOf("--header");
  const headers = header > 0 ? Object.fromEntries([words[header + 1]!.split(/:\s*(.*)/s).slice(0, 2)]) : {};
  const url = words.find((w) => /^https?:\/\//.test(w))!;
  return useServer(url, headers, ctx);
}

async function expectRedirectAllowed(uri: string, ctx: Ctx) {
  const policy = JSON.parse((await runShell(ctx.dir, "npx tengine --json policy show --project demo", ctx.env)).stdout);
  expect(policy.redirectUris, `the demo's OAuth policy must allow ${uri}`).toContain(uri);
}

const blocks = documentationFiles().flatMap(codeBlocks);

describe("documentation code blocks", () => {
  it("every block of README.md and docs/ is either run or classified with its reason", () => {
    const keys = blocks.map((b) => b.key);
    const unclassified = blocks.filter((b) => !HANDLING[b.key]).map((b) => `${b.key} (line ${b.line})`);
    expect(unclassified, "add these blocks to HANDLING in test/docs-examples.test.ts: run them, or say why not and check what can be checked").toEqual([]);
    expect(Object.keys(HANDLING).filter((k) => !keys.includes(k)), "entries for blocks that no longer exist").toEqual([]);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe("documentation examples against npm start's demo", () => {
  let product: RunningProduct | undefined;
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  const ctx = {} as Ctx;

  beforeAll(async () => {
    database = await createTestDatabase("docs_examples");
    ctx.dir = await scratchDir();
    const dataDir = path.join(ctx.dir, ".data");
    await mkdir(dataDir);
    const productEnv: NodeJS.ProcessEnv = {
      ...process.env,
      TENGINE_DATA_DIR: dataDir,
      DATABASE_URL: database.target.url,
      DATABASE_SCHEMA: database.target.schema,
      TENGINE_MASTER_KEY: randomBytes(32).toString("base64url"),
      GATEWAY_PORT: String(GATEWAY_PORT),
      DASHBOARD_PORT: String(DASHBOARD_PORT),
      DEMO_CRM_PORT: String(DEMO_CRM_PORT),
    };
    for (const name of ["PUBLIC_GATEWAY_URL", "PUBLIC_DASHBOARD_URL", "NEXTAUTH_SECRET", "NEXTAUTH_URL", "REDIS_URL"]) delete productEnv[name];
    product = await startProduct(productEnv);
    ctx.banner = product.output();
    // What the reader copies from npm start's banner.
    ctx.mcpUrl = /MCP URL\s+(\S+)/.exec(ctx.banner)![1]!;
    ctx.apiKey = /API key\s+(\S+)/.exec(ctx.banner)![1]!;
    ctx.gatewayUrl = /Gateway\s+(\S+)/.exec(ctx.banner)![1]!;
    ctx.env = { ...productEnv, TENGINE_GATEWAY_URL: ctx.gatewayUrl, TENGINE_MCP_URL: ctx.mcpUrl, TENGINE_API_KEY: ctx.apiKey };
    // As member-sessions.md says: the secret from `tengine member-secret create`, kept in TENGINE_MEMBER_SECRET.
    ctx.env.TENGINE_MEMBER_SECRET = JSON.parse((await runShell(ctx.dir, "npx tengine --json member-secret create --project demo", ctx.env)).stdout).secret;
  }, 600_000);

  afterAll(async () => {
    await product?.stop();
    await database?.drop();
    if (ctx.dir) await rm(ctx.dir, { recursive: true, force: true });
  });

  for (const [key, handling] of Object.entries(HANDLING)) {
    it(`${key}: ${handling.kind === "check" ? `checked (${handling.why})` : "runs as written"}`, { timeout: 300_000 }, async () => {
      const block = blocks.find((b) => b.key === key);
      expect(block, `${key} is not in the docs any more`).toBeDefined();
      if (handling.kind === "check") return handling.check(block!, ctx);
      if (handling.kind === "typescript") {
        const code = (handling.wrap ?? ((c: string) => c))([handling.prelude, block!.code, handling.postlude].filter(Boolean).join("\n"));
        const output = await runTypeScript(ctx.dir, key.replace(/\W+/g, "_"), code, ctx.env).catch((error: { stderr?: string; message: string }) => {
          throw new Error(`${key} (${block!.file}:${block!.line}) failed:\n${error.stderr ?? error.message}`);
        });
        return handling.then?.(output, ctx);
      }
      const outputs: Output[] = [];
      for (const command of shellCommands(block!.code)) {
        if (hasPlaceholder(command)) {
          expect(await checkCliUsage(command, ctx.env), command).toEqual([]);
          continue;
        }
        outputs.push(
          await runShell(ctx.dir, command, ctx.env).catch((error: { stderr?: string; message: string }) => {
            throw new Error(`${command}\n(${block!.file}:${block!.line}) failed:\n${error.stderr ?? error.message}`);
          }),
        );
      }
      return handling.then?.(outputs, ctx);
    });
  }

  it("every `tengine …` command written inline in README.md and docs/ names a real command and its real options", { timeout: 300_000 }, async () => {
    const problems: string[] = [];
    for (const file of documentationFiles()) {
      const text = (await readFile(path.join(root, file), "utf8")).replace(/```[\s\S]*?```/g, "");
      for (const [, span] of text.matchAll(/`((?:npx )?tengine [^`]+)`/g)) problems.push(...(await checkCliUsage(span!.replace(/\\\|/g, "|"), ctx.env)).map((p) => `${file}: ${p}`));
    }
    expect(problems).toEqual([]);
  });
});
